"""Quiz questions made from cards: multiple choice, typed answers and timed exams.

Distractors come from the same deck, from answers of the same kind: a card's own distractors
first, then answers of cards that share the most tags with it (techniques among techniques,
contraindications among contraindications) and whose length is close, so length gives nothing
away; never one of the item's right answers (another source's version, an accepted answer).
Everything is seeded, so a quiz can be replayed and tested.

A basic or reverse item is a flashcard first: it is asked as multiple choice only with its
author's `distractors:`, or when at least three other items of its deck are its kin (asked
alike, answered in kind and at a like length, see `_kin_key` and `_like_length`). Otherwise
its wrong choices would answer other questions ("Yes, in their own fields..." offered for "which
exam series?"): such an item is left out of multiple-choice quizzes and exams and stays in
review and typed quizzes.

A cloze blank is asked among the other words of its answer's set (left/right, flexion/
extension/sidebending/rotation... `_SIBLING_SETS`), or among other items' answers of its form
(`answer_form`: a spinal level among levels, a lower-case word among lower-case words...);
with fewer than two, it is left out of multiple choice.

One quiz or exam never gives an answer away: it holds at most one item of a card (or of a
record, whose generated cards ask one fact many ways), and no question whose stem (or the
explanation shown after it) holds the answer of another question in it, compared as
normalised whole words.

A diagnosis drill is asked as a fresh case from the quiz's own seed, findings -> name: its
wrong choices are the near misses (one component off: the other side, the other position), and
a typed answer is graded by the rules in any usual notation ("T5 FRlSl" = "T5 F RL SL").
"""

from __future__ import annotations

import difflib
import html
import random
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from omtquiz.decks.model import CLOZE_RE, Card, CardType, Deck, Item, Library
from omtquiz.decks.render import (
    drill_case,
    markdown,
    normalise,
    plain,
    render_drill,
    render_item,
    text_of_html,
    versions_html,
    versions_in_order,
)
from omtquiz.drills import counterstrain
from omtquiz.drills.cases import grade, near_misses

CHOICES = 4
# Items a borrowed distractor is chosen among: the whole deck up to this size, a random sample
# of this many beyond it (8,000 mcqs without distractors took over 5 minutes to export, 5 s now).
MAX_CANDIDATES = 100
TYPED_MAX_ANSWER = 60  # longer answers are for recall, not for typing
# A multiple-choice question written around its choices: asked as a typed question it would
# have many right answers ("Which of these techniques is an indirect technique?").
_POINTS_AT_CHOICES = re.compile(r"\bwhich of (these|the following)\b", re.IGNORECASE)
# Their answers complete a whole sentence, so distractors from either read alike.
_WHOLE_SENTENCE = (CardType.MCQ, CardType.CLOZE)


@dataclass(frozen=True)
class Question:
    """One quiz question about one item; `choices` is empty for a typed question."""

    item: Item
    prompt_html: str
    answer: str
    choices: tuple[str, ...] = ()
    explanation_html: str = ""
    accepted: tuple[str, ...] = ()  # other answers a typed question takes as right
    versions: tuple[tuple[str, str], ...] = ()  # (source, answer) where sources disagree
    drill: tuple[str, dict] | None = None  # (region, diagnosis) when a drill case is asked

    @property
    def correct_index(self) -> int:
        return self.choices.index(self.answer)


def _cloze_answer(card: Card, ord_: int) -> str:
    for match in CLOZE_RE.finditer(card.text):
        if match.number == ord_ + 1:
            return plain(match.group(2))
    return ""


def answer_of(card: Card, ord_: int = 0) -> str:
    """The short plain-text answer a quiz asks for."""
    if card.type == CardType.CLOZE:
        return _cloze_answer(card, ord_)
    if card.type == CardType.MCQ:
        return plain(card.answer)
    if card.type == CardType.REVERSE and ord_ == 1:
        return plain(card.front)
    return plain(card.back)


def accepted_of(card: Card, ord_: int = 0) -> tuple[str, ...]:
    """The other answers the deck says are right for this item: the other sources' versions,
    then its `accept:`."""
    if card.type == "reverse" and ord_ == 1:
        return ()  # `accept:` and `versions:` are other backs; the front asked back has none
    answer = normalise(answer_of(card, ord_))
    texts = [plain(v.answer) for v in card.versions_of(ord_)]
    texts += [plain(text) for at, text in card.accept if at == ord_]
    return tuple(t for t in dict.fromkeys(texts) if normalise(t) != answer)


def prompt_of(card: Card, ord_: int = 0) -> str:
    """The question as the review screen shows it, picture included: some cards ask only
    "what does this image show?"."""
    image_src = Path(card.image).as_uri() if card.image else None
    return render_item(card, ord_, image_src=image_src, choices=False).question


def _answer_kind(card: Card, ord_: int) -> str:
    """Answers of one kind: a reverse card's back is a definition, its front a term."""
    return f"reverse{ord_}" if card.type == CardType.REVERSE else card.type


def _stem(card: Card, ord_: int) -> tuple[str, ...] | None:
    """The opening words of a question ("which technique", "how long"): answers to questions
    that open alike are answers of one kind, so they make the most plausible distractors."""
    if card.type == CardType.CLOZE or (card.type == CardType.REVERSE and ord_ == 1):
        return None
    words = plain(card.question if card.type == CardType.MCQ else card.front).casefold().split()
    return tuple(words[:2]) if len(words) >= 3 else None


def _is_yes_no(answer: str) -> bool:
    first = answer.split(maxsplit=1)[0].strip(".,;:!").casefold() if answer.strip() else ""
    return first in ("yes", "no")


# The first word of an answer says what it is: a count, a purpose ("To restore motion"), a means
# ("By compressing"), a clause ("They relax it"), an action ("Identifying ..."); else a name or
# a noun phrase ("The respiratory diaphragm", "NBOME").
_NUMBER_WORDS = frozenset(["zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
                          "nine", "ten", "eleven", "twelve", "twenty", "thirty", "forty", "fifty",
                          "hundred"])
_OPENINGS = {"yes": "yes/no", "no": "yes/no", "to": "purpose", "by": "means", "as": "manner",
             "it": "clause", "they": "clause", "he": "clause", "she": "clause",
             "this": "clause", "that": "clause", "because": "reason", "when": "time",
             "before": "time", "after": "time", "in": "place"}
_FLASHCARDS = (CardType.BASIC, CardType.REVERSE)
MIN_KIN = CHOICES - 1  # other answers of an item's kind it takes to ask it without its own
SHORT_ANSWER = 32  # characters: answers this short are names and phrases, alike at a glance


def answer_shape(answer: str) -> str:
    """What an answer is, told by its first word: a yes/no, a number, a purpose, a means,
    a clause, an action; else a name or a noun phrase ("term")."""
    words = answer.split(maxsplit=1)
    first = words[0].strip(".,;:!()\"'").casefold() if words else ""
    if first in _OPENINGS:
        return _OPENINGS[first]
    if first in _NUMBER_WORDS or (first[:1].isdigit()):
        return "number"
    if first.endswith("ing") and len(first) > 5:
        return "action"
    return "term"


# Words of osteopathic mechanics that come in sets. A blank whose answer is one of them is asked
# among the others of its set ("sidebending to the [left]": right; "a [forward] torsion":
# backward; "treated mainly in [flexion]": extension...), never among answers of other kinds,
# which would give it away ("left" among "T1-T3", "type I" and "type II").
_SIBLING_SETS = (
    ("left", "right"), ("forward", "backward"), ("active", "passive"),
    ("direct", "indirect"), ("intrinsic", "extrinsic"), ("physiologic", "nonphysiologic"),
    ("sympathetic", "parasympathetic"), ("positive", "negative"), ("toward", "away"),
    ("same", "opposite"), ("internal", "external"), ("acute", "chronic"),
    ("upper", "lower"), ("concave", "convex"), ("increased", "decreased"),
    ("increase", "decrease"), ("exaggerated", "diminished"), ("unilateral", "bilateral"),
    ("inhalation", "exhalation"), ("inspiration", "expiration"),
    ("ipsilateral", "contralateral"), ("type I", "type II", "type III"),
    ("flexed", "extended", "neutral"), ("flexion", "extension", "sidebending", "rotation"),
    ("anterior", "posterior", "superior", "inferior", "medial", "lateral"),
    ("pump-handle", "bucket-handle", "caliper"),
)
_SIBLINGS = {word.casefold(): tuple(w for w in group if w != word)
             for group in _SIBLING_SETS for word in group}
# A spinal level or range ("T5-T9", "S2-S4", "C1"): asked among other levels only.
_LEVEL = re.compile(r"[CTLS]\d{1,2}(?:\s*[-\u2013]\s*[CTLS]?\d{1,2})?", re.IGNORECASE)
MIN_BLANK_CHOICES = 2  # wrong choices a blank needs to be asked as multiple choice


def siblings(answer: str) -> tuple[str, ...]:
    """The other words of an answer's set (`_SIBLING_SETS`), written in the answer's case;
    () for an answer in no set."""
    found = _SIBLINGS.get(answer.strip().casefold(), ())
    if answer.strip()[:1].isupper():  # "Left" at the start of a sentence: "Right"
        return tuple(word[:1].upper() + word[1:] for word in found)
    return found


def answer_form(answer: str) -> tuple:
    """How an answer looks, so that a blank's wrong choices look like it: a spinal level; else
    its shape (`answer_shape`), whether it holds a digit, whether it opens with a capital (a
    name or a sentence, against a lower-case word that finishes one) and its length in words
    (one, two or three, four or more)."""
    text = answer.strip()
    if _LEVEL.fullmatch(text):
        return ("level",)
    words = len(text.split())
    return (answer_shape(text), any(ch.isdigit() for ch in text), text[:1].isupper(),
            1 if words == 1 else 2 if words <= 3 else 4)


def _like_length(a: str, b: str) -> bool:
    """Lengths that give nothing away: both short ("HVLA", "Myofascial release"), or within a
    factor of two (a sentence among sentences, never among names)."""
    short, long_ = sorted((len(a), len(b)))
    return long_ <= SHORT_ANSWER or long_ <= 2 * short


def _kin_key(card: Card, ord_: int, answer: str, stem: tuple[str, ...] | None) -> tuple | None:
    """What a basic or reverse item's wrong choices must share with it: how it is asked, the
    card's answer kind and the answer's shape. A basic card is asked as its question opens (its
    stem); a reverse card pairs a term with its definition, so every reverse card of a deck is
    asked alike, term for definition or definition for term. None for other card types, and
    for a basic question too short to say how it is asked. `stem` is the item's `_stem`."""
    if card.type == CardType.REVERSE:
        return (_answer_kind(card, ord_), None, answer_shape(answer))
    if card.type != CardType.BASIC or stem is None:
        return None
    return (_answer_kind(card, ord_), stem, answer_shape(answer))


def _likeness(tags: set[str], answer: str, other: Card, text: str) -> float:
    """How alike another card's answer is to this one's: the share of their tags, and half
    again for a close length, so length gives nothing away."""
    overlap = len(tags & set(other.tags)) / (len(tags | set(other.tags)) or 1)
    closeness = min(len(text), len(answer)) / max(len(text), len(answer), 1)
    return overlap + 0.5 * closeness


def origin_of(card: Card, item: Item) -> str:
    """What one quiz asks once: a card, or a record's cards; each kind of a drill (a skill, a
    fresh case each time) on its own."""
    return item.key if card.type == "drill" else card.origin


def _words(text: str) -> str:
    """Normalised text padded with spaces, so ` answer ` finds whole words only."""
    return f" {normalise(text)} "


def read_of(card: Card, question: Question) -> str:
    """What a student reads of a question before the next one: the prompt as shown and, once
    answered, the explanation (a drill's is its case's rules); not the line of its own sources'
    versions, which are its own answers."""
    if card.type == "drill":
        return f"{text_of_html(question.prompt_html)} {text_of_html(question.explanation_html)}"
    return f"{text_of_html(question.prompt_html)} {plain(card.explanation)}"


class _Asked:
    """What one quiz has asked so far: the facts (cards, records), what the student read of
    each question and their right answers."""

    def __init__(self) -> None:
        self.origins: set[str] = set()
        self.read: list[str] = []
        self.answers: set[str] = set()

    def gives_away(self, card: Card, question: Question) -> bool:
        """Whether this question reads another's answer, or its answer is read in another."""
        read = _words(read_of(card, question))
        if any(answer in read for answer in self.answers):
            return True
        mine = self._answers(question)
        return any(answer in text for text in self.read for answer in mine)

    def add(self, card: Card, question: Question) -> None:
        self.origins.add(origin_of(card, question.item))
        self.read.append(_words(read_of(card, question)))
        self.answers.update(self._answers(question))

    @staticmethod
    def _answers(question: Question) -> set[str]:
        return {w for text in (question.answer, *question.accepted)
                if (w := _words(text)).strip()}


class QuestionMaker:
    """Builds questions for one library; pools of candidate answers are made once per deck."""

    def __init__(self, library: Library, seed: int | None = None) -> None:
        self.library = library
        self.rng = random.Random(seed)
        self._pools: dict[str, list[tuple[Card, int, str, tuple[str, ...] | None]]] = {}
        # Per deck: its flashcard items grouped by `_kin_key`, and each item's key.
        self._forms: dict[str, dict[tuple, list[tuple[Card, str]]]] = {}  # see `_alike`
        self._kin: dict[str, tuple[dict[tuple, list[tuple[Card, int, str]]],
                                   dict[tuple[str, int], tuple]]] = {}

    def _kin_group(self, card: Card, ord_: int) -> list[tuple[Card, int, str]]:
        """(card, ord, answer) of every basic or reverse item of the deck of one key with this
        item (itself included); the deck's groups are made once."""
        deck = self.library.deck(card.deck_id)
        if deck is None:
            return []
        if deck.id not in self._kin:
            groups: dict[tuple, list[tuple[Card, int, str]]] = defaultdict(list)
            keys: dict[tuple[str, int], tuple] = {}
            for other, other_ord, text, stem in self._pool(deck):
                key = _kin_key(other, other_ord, text, stem) if text else None
                if key is not None:
                    groups[key].append((other, other_ord, text))
                    keys[other.id, other_ord] = key
            self._kin[deck.id] = (dict(groups), keys)
        groups, keys = self._kin[deck.id]
        key = keys.get((card.id, ord_))
        return groups[key] if key is not None else []

    def kin(self, card: Card, ord_: int, answer: str) -> list[tuple[Card, int, str]]:
        """The other items of a basic or reverse item's deck whose answers are of its kind and
        length (see `_kin_key`), none of them one of its right answers."""
        group = self._kin_group(card, ord_)
        if len(group) <= MIN_KIN:  # itself and too few others: no need to look further
            return []
        folded = {answer.casefold(), *(text.casefold() for text in accepted_of(card, ord_))}
        if len(group) > MAX_CANDIDATES:  # a fair sample: a generated deck's kin may be many
            group = self.rng.sample(group, MAX_CANDIDATES)
        return [(other, other_ord, text) for other, other_ord, text in group
                if other.id != card.id and text.casefold() not in folded
                and _like_length(text, answer)]

    def _pool(self, deck: Deck) -> list[tuple[Card, int, str, tuple[str, ...] | None]]:
        """(card, ord, answer, stem) of every item of the deck, made once."""
        if deck.id not in self._pools:
            self._pools[deck.id] = [
                (card, ord_, answer_of(card, ord_), _stem(card, ord_))
                for card in deck.cards if card.drill is None for ord_ in card.ords()
            ]
        return self._pools[deck.id]

    def distractors(self, card: Card, ord_: int, answer: str, wanted: int) -> list[str]:
        folded = {answer.casefold(), *(text.casefold() for text in accepted_of(card, ord_))}
        chosen: list[str] = []
        if card.type in (CardType.MCQ, CardType.BASIC):
            for text in card.distractors:
                candidate = plain(text)
                if candidate.casefold() not in folded:
                    folded.add(candidate.casefold())
                    chosen.append(candidate)
        if chosen:  # an author's own distractors beat any guess of ours, even if fewer
            return self.rng.sample(chosen, min(wanted, len(chosen)))
        if card.type in _FLASHCARDS:
            return self._from_kin(card, ord_, answer, wanted)
        if card.type == CardType.CLOZE:
            return self._for_blank(card, ord_, answer, wanted, folded)
        stem = _stem(card, ord_)
        deck = self.library.deck(card.deck_id)
        tags = set(card.tags)
        kind = _answer_kind(card, ord_)
        yes_no = _is_yes_no(answer)
        scored = []
        pool = self._pool(deck) if deck else []
        if len(pool) > MAX_CANDIDATES:  # a fair sample: every card exported from a big deck
            pool = self.rng.sample(pool, MAX_CANDIDATES)  # would otherwise scan all of it
        for other, other_ord, text, other_stem in pool:
            if other.id == card.id or not text or text.casefold() in folded:
                continue
            if len(text) > max(3 * len(answer), 40):
                continue
            same_kind = _answer_kind(other, other_ord) == kind or (
                card.type in _WHOLE_SENTENCE and other.type in _WHOLE_SENTENCE)
            asked_alike = stem is not None and other_stem == stem
            both_yes_no = yes_no and _is_yes_no(text)
            score = (_likeness(tags, answer, other, text) + 0.8 * asked_alike
                     + 1.0 * both_yes_no + 0.2 * self.rng.random())
            scored.append((same_kind, score, text))
        scored.sort(key=lambda s: (s[0], s[1]), reverse=True)
        for _, _, text in scored:
            if len(chosen) >= wanted:
                break
            if text.casefold() not in folded:
                folded.add(text.casefold())
                chosen.append(text)
        return chosen

    def _for_blank(self, card: Card, ord_: int, answer: str, wanted: int,
                   folded: set[str]) -> list[str]:
        """Wrong choices for a cloze blank: the other words of its answer's set when it has
        one, else answers of other items of its deck that look like it (`answer_form`, a like
        length), those sharing the most tags first; none when fewer than two are found, and
        the blank is then not asked as multiple choice."""
        own = [word for word in siblings(answer) if word.casefold() not in folded]
        if own:
            return self.rng.sample(own, min(wanted, len(own)))
        like = [(other, text) for other, text in self._alike(card.deck_id, answer_form(answer))
                if other.id != card.id and text.casefold() not in folded
                and _like_length(text, answer)]
        if len(like) > MAX_CANDIDATES:  # a fair sample: a big deck's alike may be many
            like = self.rng.sample(like, MAX_CANDIDATES)
        return self._best(card, answer, like, wanted, MIN_BLANK_CHOICES)

    def _alike(self, deck_id: str, form: tuple) -> list[tuple[Card, str]]:
        """(card, answer) of the deck's items whose answers have this form (`answer_form`);
        the deck's forms are worked out once."""
        if deck_id not in self._forms:
            deck = self.library.deck(deck_id)
            forms: dict[tuple, list[tuple[Card, str]]] = defaultdict(list)
            for other, _, text, _ in self._pool(deck) if deck else ():
                if text:
                    forms[answer_form(text)].append((other, text))
            self._forms[deck_id] = dict(forms)
        return self._forms[deck_id].get(form, [])

    def _from_kin(self, card: Card, ord_: int, answer: str, wanted: int) -> list[str]:
        """Wrong choices for a basic or reverse item from its kin only, those sharing the most
        tags with it and closest in length first; none when it has too few kin to ask."""
        kin = [(other, text) for other, _, text in self.kin(card, ord_, answer)]
        return self._best(card, answer, kin, wanted, MIN_KIN)

    def _best(self, card: Card, answer: str, candidates: list[tuple[Card, str]], wanted: int,
              least: int) -> list[str]:
        """Up to `wanted` of the candidates' answers, one per text, those sharing the most tags
        with the card and closest in length first; none when fewer than `least` differ."""
        tags = set(card.tags)
        scored = [(_likeness(tags, answer, other, text) + 0.2 * self.rng.random(), text)
                  for other, text in candidates]
        scored.sort(reverse=True)
        picked: dict[str, str] = {}
        for _, text in scored:
            picked.setdefault(text.casefold(), text)
        return list(picked.values())[:wanted] if len(picked) >= least else []

    def drill_question(self, card: Card, item: Item, *, typed: bool) -> Question:
        """A fresh findings -> name case, near-miss names as the wrong choices; a counterstrain
        drill asks a tender point's position, other points' positions as the wrong choices."""
        seed = self.rng.randrange(2**32)
        positions = card.drill.region == counterstrain.REGION  # tender point -> position
        direction = None if positions else "findings_to_name"
        case = drill_case(card, item.ord, seed, direction)
        rendered = render_drill(card, item.ord, seed, direction, case=case)
        answer = case.setup["position"][0] if positions else case.diagnosis["name"]
        choices: tuple[str, ...] = ()
        if not typed:
            wrong = counterstrain.wrong_choices(
                case.diagnosis, card.drill.points, CHOICES - 1, self.rng) if positions else \
                [d["name"] for d in near_misses(case.region, case.diagnosis, CHOICES - 1,
                                                self.rng)]
            listed = [answer, *wrong]
            self.rng.shuffle(listed)
            choices = tuple(listed)
        return Question(item, rendered.question, answer, choices, rendered.explanation,
                        drill=(case.region, case.diagnosis))

    def multiple_choice(self, item: Item) -> Question | None:
        card = self.library.card(item)
        if card is None:
            return None
        if card.type == "drill":
            return self.drill_question(card, item, typed=False)
        if card.type in _FLASHCARDS and not card.distractors and \
                len(self._kin_group(card, item.ord)) <= MIN_KIN:
            return None  # a flashcard with no answers of its kind to borrow: not asked so
        answer = answer_of(card, item.ord)
        if not answer:
            return None
        wrong = self.distractors(card, item.ord, answer, CHOICES - 1)
        if not wrong:
            return None
        choices = [answer, *wrong]
        self.rng.shuffle(choices)
        return Question(item, prompt_of(card, item.ord), answer, tuple(choices),
                        _explanation(card, item.ord), versions=_versions(card, item.ord))

    def typed(self, item: Item) -> Question | None:
        card = self.library.card(item)
        if card is None:
            return None
        if card.type == "drill":
            return self.drill_question(card, item, typed=True)
        if card.type == CardType.MCQ and _POINTS_AT_CHOICES.search(card.question):
            return None  # "which of these ...?" has no one answer without its choices
        answer = answer_of(card, item.ord)
        if not answer or len(answer) > TYPED_MAX_ANSWER or not normalise(answer):
            return None  # an answer of only articles or marks ("A", "+") could never be right
        return Question(item, prompt_of(card, item.ord), answer, (),
                        _explanation(card, item.ord), accepted_of(card, item.ord),
                        _versions(card, item.ord))

    def questions(self, items: Iterable[Item], *, typed: bool = False,
                  limit: int | None = None) -> list[Question]:
        """Questions for these items, shuffled; items that cannot be asked are left out, and so
        is an item that would give another's answer away or ask a fact asked already."""
        pool = list(items)
        self.rng.shuffle(pool)
        out = []
        asked = _Asked()
        make = self.typed if typed else self.multiple_choice
        for item in pool:
            card = self.library.card(item)
            if card is None or origin_of(card, item) in asked.origins:
                continue  # one item of a card, one card of a record
            question = make(item)
            if question is not None and not asked.gives_away(card, question):
                asked.add(card, question)
                out.append(question)
                if limit is not None and len(out) >= limit:
                    break
        return out


def _explanation(card: Card, ord_: int) -> str:
    """What is shown after answering: every source's version, then the card's explanation."""
    return versions_html(card, ord_) + (markdown(card.explanation) if card.explanation else "")


def _versions(card: Card, ord_: int) -> tuple[tuple[str, str], ...]:
    return tuple((v.label, plain(v.answer)) for v in versions_in_order(card, ord_))


def make_exam(library: Library, items: Iterable[Item], count: int, *, seed: int | None = None,
              time_limit_s: int | None = None) -> Exam:
    """An exam of up to `count` multiple-choice questions over these items."""
    questions = QuestionMaker(library, seed).questions(items, limit=count)
    return Exam(questions, time_limit_s=time_limit_s)


@dataclass(frozen=True)
class TypedResult:
    correct: bool
    score: float
    diff_html: str
    matched: str = ""  # the right answer the typed one was taken as (the card's or an accepted)
    exact: bool = False  # equal to it once case, accents, punctuation and articles are set aside


def allowed_typos(expected: str) -> int:
    """No typo in an abbreviation (HVLA), one in a word, about one in seven letters beyond."""
    if len(expected) <= 4:
        return 0
    if len(expected) <= 8:
        return 1
    return max(2, len(expected) // 7)


# Words that carry no meaning in a short answer; "no", "not", "left", "right" always do.
_FILLER = frozenset(["of", "and", "in", "on", "to", "for", "with", "by", "at", "from", "or",
                     "as", "is", "are", "be", "its"])
_stemmer = None


def _stems(normalised: str) -> list[str]:
    """Word stems ("rotated", "rotation" -> "rotat"), filler words dropped."""
    global _stemmer
    if _stemmer is None:
        import snowballstemmer  # the one owner of stemming; loaded on the first typed answer

        _stemmer = snowballstemmer.stemmer("english")
    return _stemmer.stemWords([w for w in normalised.split() if w not in _FILLER])


LETTER_DIFF_FROM = 60  # similarity (0-100) from which a wrong answer is shown letter by letter
_ROMAN = re.compile(r"(?:i{1,3}|iv|vi{0,3}|ix|xi{0,3})\Z")


def _numbers(normalised: str) -> list[str]:
    """Every word with a digit in it (T4, C2, 90, 3-5) and every Roman numeral (type II): these
    must match exactly."""
    return sorted(w for w in normalised.split()
                  if any(ch.isdigit() for ch in w) or _ROMAN.match(w))


def _matches(a: str, b: str) -> bool:
    """Whether normalised answer `a` says what normalised right answer `b` says.

    Right when the letters differ by at most `allowed_typos`, or when the same words are there
    in another order or another form ("flexed, rotated left" for "rotation left, flexion") with
    few typos; never when a level, count or number differs ("T10" is not "T11").
    """
    if not a or _numbers(a) != _numbers(b):
        return False
    if Levenshtein.distance(a, b) <= allowed_typos(b):
        return True
    return _same_words(_stems(a), _stems(b))


def _word_matches(given: str, wanted: str) -> bool:
    """One stem for another: equal, one a 4+ letter start of the other ("flex" of "flexion"),
    or one typo in a word of five letters or more."""
    if given == wanted:
        return True
    short, long_ = sorted((given, wanted), key=len)
    if len(short) >= 4 and long_.startswith(short):
        return True
    return min(len(given), len(wanted)) >= 5 and Levenshtein.distance(given, wanted) <= 1


def _same_words(given: list[str], wanted: list[str]) -> bool:
    """The same words in any order: each wanted stem matched by its own given stem, none left."""
    if not wanted or len(given) != len(wanted):
        return False
    left = list(given)
    for word in wanted:
        match = next((g for g in left if _word_matches(g, word)), None)
        if match is None:
            return False
        left.remove(match)
    return True


def check_typed(given: str, expected: str, accepted: Sequence[str] = ()) -> TypedResult:
    """Right when it matches the answer or one the deck accepts (see `_matches`)."""
    a = normalise(given)
    options = [expected, *accepted]
    matched = next((o for o in options if _matches(a, normalise(o))), "")
    score = max((fuzz.ratio(a, normalise(o)) for o in options), default=0.0) if a else 0.0
    shown = matched or expected
    exact = bool(matched) and a == normalise(matched)
    if exact:  # only case, spaces or marks differ ("pump handle"): nothing to mark
        marked = html.escape(given)
    elif matched or score >= LETTER_DIFF_FROM:
        marked = diff_html(given, shown)
    else:  # a different answer, not a misspelt one: letter by letter it would be noise
        marked = f'<span class="wrong">{html.escape(given)}</span>'
    return TypedResult(bool(matched), score, marked, matched, exact)


def check_answer(question: Question, given: str) -> TypedResult:
    """A typed answer to any question: a drill by its components, anything else as text."""
    if question.drill is None:
        return check_typed(given, question.answer, question.accepted)
    region, diagnosis = question.drill
    correct = grade(region, diagnosis, given).correct
    return TypedResult(correct, 100.0 if correct else 0.0, diff_html(given, question.answer),
                       question.answer if correct else "", correct)


def diff_html(given: str, expected: str) -> str:
    """What was typed against what was expected, letter by letter, as safe HTML."""
    out = []
    # Match letters without regard to case (the check forgives it), show them as typed.
    same_length = len(given.lower()) == len(given) and len(expected.lower()) == len(expected)
    a, b = (given.lower(), expected.lower()) if same_length else (given, expected)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(html.escape(given[i1:i2]))
            continue
        if i2 > i1:
            out.append(f'<span class="wrong"><s>{html.escape(given[i1:i2])}</s></span>')
        if j2 > j1:
            out.append(f'<span class="missing"><u>{html.escape(expected[j1:j2])}</u></span>')
    return "".join(out)


@dataclass
class ExamAnswer:
    question: Question
    given: str | None
    correct: bool
    duration_ms: int


@dataclass
class Exam:
    """A fixed set of questions, no feedback until the end, then a report."""

    questions: Sequence[Question]
    time_limit_s: int | None = None
    answers: dict[int, ExamAnswer] = field(default_factory=dict)

    def answer(self, index: int, given: str | None, duration_ms: int = 0) -> ExamAnswer:
        question = self.questions[index]
        if question.choices:
            correct = given == question.answer
        else:
            correct = given is not None and check_answer(question, given).correct
        result = ExamAnswer(question, given, correct, duration_ms)
        self.answers[index] = result
        return result

    @property
    def correct(self) -> int:
        return sum(a.correct for a in self.answers.values())

    @property
    def total(self) -> int:
        return len(self.questions)

    @property
    def score(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def missed(self) -> list[Question]:
        """Wrong or unanswered (a time-out leaves questions unanswered: they count as missed)."""
        return [q for i, q in enumerate(self.questions)
                if i not in self.answers or not self.answers[i].correct]

    def breakdown(self, library: Library) -> dict[str, dict[str, tuple[int, int]]]:
        """Correct and total per deck title and per tag."""
        by: dict[str, dict[str, list[int]]] = {"deck": defaultdict(lambda: [0, 0]),
                                                "tag": defaultdict(lambda: [0, 0])}
        for i, question in enumerate(self.questions):
            right = int(i in self.answers and self.answers[i].correct)
            deck = library.deck(question.item.deck_id)
            card = library.card(question.item)
            keys = [("deck", deck.title if deck else question.item.deck_id)]
            keys += [("tag", tag) for tag in (card.tags if card else ())]
            if question.drill is not None:  # drills are broken out by region
                keys.append(("tag", f"drill: {question.drill[0]}"))
            for group, key in keys:
                by[group][key][0] += right
                by[group][key][1] += 1
        return {group: {k: (v[0], v[1]) for k, v in sorted(rows.items())}
                for group, rows in by.items()}
