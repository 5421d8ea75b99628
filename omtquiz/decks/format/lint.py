"""Lints: problems a valid deck can still have, reported as warnings (errors with --strict).

The loader already reports what it can see in one card or one file (a card without a source, a
source never cited, a distractor given twice or equal to the answer); these lints look at what
makes a card hard to learn from or easy to game, and at questions asked twice across decks. They
run on every save in the authoring window, so they stay near linear: duplicates are found
within blocks of cards that share two of their rarest words, their first or their last
characters, never by comparing every pair (10,000 cards lint in about 0.4 s).
"""

from __future__ import annotations

import html
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

from rapidfuzz import fuzz

from omtquiz.decks.format.facts import giveaway
from omtquiz.decks.format.files import display_path
from omtquiz.decks.model import CLOZE_RE, Card, CardType, Diagnostic, Library, Severity
from omtquiz.decks.render import normalise as _normalise_unicode

NEAR_QUESTION = 92  # rapidfuzz ratio of two normalised questions to count as "nearly the same"
NEAR_ANSWER = 90
TYPO_WORD = 80  # two words this alike are one word mistyped ...
MIN_TYPO_WORD = 4  # ... unless they are too short to tell ("eta" and "beta")
CONFLICT_ANSWER_CHARS = 60  # answers this short that differ are facts that differ
MIN_NEAR_LENGTH = 12  # shorter questions differ in meaning with one letter ("C1?" / "C2?")
LONG_ANSWER_CHARS = 300
LONG_ANSWER_SENTENCES = 3
CLOZE_COVER = 0.6
RARE_WORDS = 3  # blocking keys per question: its rarest words ...
EDGE_CHARS = 12  # ... and its first and last characters
MAX_BLOCK = 200  # a prefix shared by more questions than this says nothing about duplicates

_MARKUP = re.compile(r"[<\[*_`&{#>\n]|^\s*(?:[-+]|\d+[.)])\s")
# No bracket of the same kind inside: each "<" or "[" scans only up to the next one, so a field
# of 100,000 "[" is linear instead of quadratic (over a minute before).
_TAG = re.compile(r"<[^<>]*>")
_LINK = re.compile(r"!?\[([^\[\]]*)\]\([^()]*\)")
_MARK = re.compile(r"(?<!\w)[*_]+|[*_]+(?!\w)|`+|^\s*(?:#+|>|[-+*]|\d+[.)])\s+", re.MULTILINE)
# Words whose presence changes little; "not", "no", "never" and "except" are not among them.
_FILLER = frozenset({
    "is", "are", "was", "were", "be", "of", "to", "in", "on", "at", "for", "by", "with", "and",
    "or", "what", "which", "who", "how", "does", "do", "did", "s", "this", "that", "these",
    "those", "its", "it", "one", "can", "you", "your", "please",
})
_PUNCT = re.compile(r"[^\w\s]")
_ARTICLES = re.compile(r"\b(?:the|a|an)\b")
_DIGITS = re.compile(r"\d+")
_SENTENCE_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[\"'“(\[]?[A-Z0-9])|[.!?]+[\"'”’)\]]*\s*\Z")
_NOT_AN_END = frozenset({
    "e.g", "i.e", "vs", "al", "dr", "st", "fig", "approx", "cf", "ca", "no", "mr", "mrs", "ms",
    "prof", "jr", "sr", "vol", "ed", "eds", "p", "pp", "ref",
})
_WORD_BEFORE = re.compile(r"([\w.]+)\Z")


def plain_text(text: str) -> str:
    """Card text as a student reads it, roughly: cheap enough for ten thousand cards a second."""
    if not _MARKUP.search(text):
        return " ".join(text.split())
    text = CLOZE_RE.sub(lambda m: m.group(2), text)
    text = _LINK.sub(r"\1", text)
    text = html.unescape(_TAG.sub(" ", text))
    return " ".join(_MARK.sub("", text).split())


def sentence_count(text: str) -> int:
    """Sentences in plain text, not counting the stops of e.g., et al. or initials."""
    count, last = 0, 0
    for match in _SENTENCE_END.finditer(text):
        before = _WORD_BEFORE.search(text, max(0, match.start() - 64), match.start())
        word = before.group(1).casefold() if before else ""
        at_end = match.end() >= len(text.rstrip())
        if not at_end and (word in _NOT_AN_END or (len(word) == 1 and word.isalpha())):
            continue
        count, last = count + 1, match.end()
    return count + (1 if any(ch.isalnum() for ch in text[last:]) else 0)


def normalise(text: str) -> str:
    """render.normalise (the rules a typed answer is judged by), with a fast path for ASCII."""
    if not text.isascii():
        return _normalise_unicode(text)
    return " ".join(_ARTICLES.sub(" ", _PUNCT.sub(" ", text.lower())).split())


@dataclass(slots=True)
class _Asked:
    """One card as a question: what it asks and answers, normalised, and where it is written."""

    order: int
    card: Card
    file: str
    family: str
    question: str
    answer: str
    words: frozenset[str] = frozenset()
    digits: tuple[str, ...] = ()
    sourced: frozenset[str] = frozenset()  # the answer and every source's version of it

    def __post_init__(self) -> None:
        self.words = frozenset(self.question.split())
        self.digits = tuple(_DIGITS.findall(self.question))
        self.sourced = frozenset({self.answer, *self.sourced})


def _warn(file: str, card: Card, message: str) -> Diagnostic:
    return Diagnostic(file, card.line, 1, Severity.WARNING, f"card '{card.id}': {message}",
                      card.id)


def lint_library(library: Library) -> list[Diagnostic]:
    """Every lint of every loaded deck, in file order; decks that failed to load are skipped."""
    found: list[Diagnostic] = []
    asked: list[_Asked] = []
    for deck in library.decks:
        shown = display_path(Path(deck.path))
        for card in deck.cards:
            if card.drill is not None:  # a drill asks generated cases, not its title
                continue
            found.extend(_card_lints(card, shown))
            asked.append(_as_question(len(asked), card, shown))
    found.extend(_duplicates(asked))
    found.extend(_cloze_conflicts(asked))
    return found


def _card_lints(card: Card, file: str) -> Iterator[Diagnostic]:
    yield from _overlong(card, file)
    if card.type == CardType.MCQ or card.distractors and card.type == CardType.BASIC:
        yield from _distractor_lints(card, file)
    if card.type == CardType.CLOZE:
        yield from _cloze_cover(card, file)


# -- overlong answers ----------------------------------------------------------------------
def _recalled(card: Card) -> Iterator[tuple[str, str]]:
    """(what to call it, text) for every side a student must produce from memory."""
    if card.type in (CardType.BASIC, CardType.REVERSE):
        yield "the back", card.back
        if card.type == CardType.REVERSE:
            yield "the front (asked in reverse)", card.front
    elif card.type == CardType.MCQ:
        yield "the answer", card.answer
    else:
        for match in CLOZE_RE.finditer(card.text):
            yield f"deletion c{match.group(1)}", match.group(2)


def _overlong(card: Card, file: str) -> Iterator[Diagnostic]:
    for what, text in _recalled(card):
        shown = plain_text(text)
        stops = shown.count(".") + shown.count("!") + shown.count("?")
        if len(shown) <= LONG_ANSWER_CHARS and stops <= LONG_ANSWER_SENTENCES:
            continue
        sentences = sentence_count(shown)
        if len(shown) > LONG_ANSWER_CHARS or sentences > LONG_ANSWER_SENTENCES:
            yield _warn(file, card, f"{what} is {len(shown)} characters in {sentences} "
                        "sentence(s): a paragraph to recall is rarely recalled; split it into "
                        "cards of one fact each, or move the detail into 'explanation:'")


# -- distractors (an mcq's, a basic card's) ---------------------------------------------------
def _distractor_lints(card: Card, file: str) -> Iterator[Diagnostic]:
    written = card.answer if card.type == CardType.MCQ else card.back
    answer = plain_text(written)
    answer_key = normalise(answer)
    seen: dict[str, str] = {}
    for distractor in card.distractors:
        text = plain_text(distractor)
        key = normalise(text)
        # The loader already flags exact (case-insensitive) repeats; these differ only in
        # punctuation, articles or spacing, which students do not count as a different choice.
        if key == answer_key:
            yield _warn(file, card, f"distractor '{distractor}' says the same as the answer "
                        f"'{written}': replace it with a wrong choice")
        elif key in seen:
            yield _warn(file, card, f"distractors '{seen[key]}' and '{distractor}' are the "
                        "same choice: replace one of them")
        else:
            seen[key] = distractor
    odd = [(d, len(plain_text(d))) for d in card.distractors if giveaway(answer, plain_text(d))]
    if odd:
        yield _warn(file, card, _giveaway_message(len(answer), odd, len(card.distractors)))


def _giveaway_message(answer_len: int, odd: list[tuple[str, int]], total: int) -> str:
    shorter = all(length < answer_len for _, length in odd)
    if len(odd) == total and total > 1 and (shorter or all(n > answer_len for _, n in odd)):
        lengths = ", ".join(str(n) for _, n in odd)
        return (f"the answer ({answer_len} characters) is far {'longer' if shorter else 'shorter'}"
                f" than every distractor ({lengths}): students can pick it by its length; make "
                "the choices alike in length")
    names = ", ".join(f"'{d}' ({n})" for d, n in odd)
    return (f"distractor {names} is far {'shorter' if shorter else 'longer'} than the answer "
            f"({answer_len} characters): students can rule it out by its length; make the "
            "choices alike in length")


# -- cloze ---------------------------------------------------------------------------------
def _cloze_cover(card: Card, file: str) -> Iterator[Diagnostic]:
    total = len(plain_text(card.text))
    if not total:
        return
    hidden: dict[int, int] = defaultdict(int)
    for match in CLOZE_RE.finditer(card.text):
        hidden[match.number] += len(plain_text(match.group(2)))
    for number, length in sorted(hidden.items()):
        if length > CLOZE_COVER * total:
            yield _warn(file, card, f"deletion c{number} hides {round(100 * length / total)}% "
                        "of the text, leaving too little to recall it from; delete only the key "
                        "term, or ask it as a basic card")


# -- the same question twice -------------------------------------------------------------------
def _as_question(order: int, card: Card, file: str) -> _Asked:
    if card.type == CardType.CLOZE:
        return _Asked(order, card, file, "cloze", normalise(plain_text(card.text)), "")
    if card.type == CardType.POINT:  # the marks on the map are part of what is asked
        marks = " ".join(f"{v:g}" for v in (*card.cue, *card.spot))
        return _Asked(order, card, file, "point", normalise(plain_text(card.front)) + " " + marks,
                      normalise(plain_text(card.answer)))
    question = card.question if card.type == CardType.MCQ else card.front
    answer = card.answer if card.type == CardType.MCQ else card.back
    return _Asked(order, card, file, "qa", normalise(plain_text(question)),
                  normalise(plain_text(answer)), sourced=_versions(card, 0))


def _versions(card: Card, ord_: int) -> frozenset[str]:
    return frozenset(normalise(plain_text(v.answer)) for v in card.versions_of(ord_))


def _conflict(a: _Asked, b: _Asked) -> bool:
    """Whether two cards asking one question give short answers that disagree, and no source
    version of one is the other's answer: a contradiction `versions:` would explain."""
    if a.family != "qa" or _same_answer(a, b) or a.sourced & b.sourced:
        return False
    words_a, words_b = set(a.answer.split()), set(b.answer.split())
    if words_a <= words_b or words_b <= words_a:
        return False  # "four" and "there are four" say one thing
    if max(len(a.answer), len(b.answer)) > CONFLICT_ANSWER_CHARS:
        return False  # long answers that differ are told apart in words, not facts
    if a.card.type == "mcq" and b.card.type == "mcq":
        # "Which of these is a contraindication?" has many right answers; it is a
        # contradiction only when one card offers the other's answer as a wrong choice.
        return (_offers(a.card, b.answer) or _offers(b.card, a.answer))
    return True


def _offers(card: Card, answer: str) -> bool:
    return any(normalise(plain_text(d)) == answer for d in card.distractors)


def _conflict_message(entry: _Asked, other: _Asked) -> str:
    return (f"asks what card '{other.card.id}' at {other.file}:{other.card.line} asks, but "
            f"answers '{entry.answer}' where it answers '{other.answer}': if the sources "
            "differ, give each source's answer with 'versions:' (in one card), else correct one")


def _same_answer(a: _Asked, b: _Asked) -> bool:
    return a.answer == b.answer or fuzz.ratio(a.answer, b.answer) >= NEAR_ANSWER


def _blocks(asked: list[_Asked]) -> dict[tuple[str, str, str], list[int]]:
    """Cards sharing two of their three rarest words, their first or their last characters.

    Two questions that differ only by a typo or a filler word still share two of their three
    rarest words (a typo makes a new rarest word but leaves the others), so they meet in a block.
    """
    frequency: dict[str, int] = defaultdict(int)
    for entry in asked:
        for word in entry.words:
            frequency[word] += 1
    blocks: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for index, entry in enumerate(asked):
        if len(entry.question) < MIN_NEAR_LENGTH:
            continue
        rare = sorted(entry.words, key=lambda w: (frequency[w], w))[:RARE_WORDS]
        keys = {("w", " ".join(pair)) for pair in combinations(rare, 2)} or {("w", *rare)}
        keys.add(("p", entry.question[:EDGE_CHARS]))
        keys.add(("s", entry.question[-EDGE_CHARS:]))
        for kind, key in keys:
            blocks[(entry.family, kind, key)].append(index)
    return blocks


def _only_trivial_differences(a: _Asked, b: _Asked) -> bool:
    """Whether every word one question has and the other lacks is a typo or a filler word.

    "What do the sources say about risks of Still technique?" and "... of soft tissue technique?"
    are parallel questions about different things, not one question written twice.
    """
    only_left, only_right = a.words - b.words, b.words - a.words
    for words, others in ((only_left, only_right), (only_right, only_left)):
        for word in words:
            if word in _FILLER:
                continue
            if len(word) < MIN_TYPO_WORD or not any(
                    len(other) >= MIN_TYPO_WORD and fuzz.ratio(word, other) >= TYPO_WORD
                    for other in others):
                return False
    return True


def _near_question(a: _Asked, b: _Asked) -> bool:
    """Whether two questions differ only by a typo or a filler word (their answers aside)."""
    if fuzz.ratio(a.question, b.question, score_cutoff=NEAR_QUESTION) == 0:
        return False
    if a.digits != b.digits:
        return False  # "T4" and "T5" are different questions however alike they look
    if a.words == b.words:
        # The same words in another order: "rotated right, sidebent left" is not "rotated
        # left, sidebent right".
        return _meaningful(a.question) == _meaningful(b.question)
    return _only_trivial_differences(a, b)


def _meaningful(question: str) -> list[str]:
    return [word for word in question.split() if word not in _FILLER]


def _cloze_conflicts(asked: list[_Asked]) -> list[Diagnostic]:
    """Two clozes that blank the same words of the same sentence and fill them differently."""
    seen: dict[str, tuple[_Asked, str, frozenset[str]]] = {}
    out = []
    for entry in asked:
        card = entry.card
        if card.type != "cloze":
            continue
        for number in card.cloze_numbers():
            blanked = normalise(plain_text(CLOZE_RE.sub(
                lambda m, n=number: "___" if int(m.group(1)) == n else m.group(2), card.text)))
            answer = normalise(" ".join(m.group(2) for m in CLOZE_RE.finditer(card.text)
                                        if int(m.group(1)) == number))
            sourced = frozenset({answer, *_versions(card, number - 1)})
            first = seen.setdefault(blanked, (entry, answer, sourced))
            if first[0].card is card or first[2] & sourced:
                continue
            if fuzz.ratio(first[1], answer) < NEAR_ANSWER:
                other = first[0]
                out.append(_warn(entry.file, card, f"fills deletion c{number} with '{answer}' "
                                 f"where card '{other.card.id}' at {other.file}:"
                                 f"{other.card.line} fills the same blank with '{first[1]}': if "
                                 "the sources differ, give each source's answer with "
                                 "'versions:' (in one card), else correct one"))
    return out


@dataclass(slots=True)
class _Earlier:
    """The cards before this one that ask the very same question, indexed so that finding the
    first one it repeats never compares it with all of them (8,000 mcqs asking one question
    with different answers linted in 25 s when it did)."""

    first: int | None = None
    first_not_mcq: int | None = None
    by_answer: dict[str, int] = field(default_factory=dict)
    answers: list[int] = field(default_factory=list)  # first of each answer, up to MAX_BLOCK

    def first_match(self, entry: _Asked, asked: list[_Asked]) -> int | None:
        """The first earlier card this one repeats: any, unless both are mcqs, which must also
        give the same answer (or nearly: compared with the first MAX_BLOCK answers only)."""
        if entry.card.type != "mcq":
            return self.first
        found = [i for i in (self.first_not_mcq, self.by_answer.get(entry.answer))
                 if i is not None]
        near = next((i for i in self.answers if _same_answer(entry, asked[i])), None)
        if near is not None:
            found.append(near)
        return min(found, default=None)

    def add(self, index: int, entry: _Asked) -> None:
        if self.first is None:
            self.first = index
        if entry.card.type != "mcq":
            if self.first_not_mcq is None:
                self.first_not_mcq = index
        elif entry.answer not in self.by_answer:
            self.by_answer[entry.answer] = index
            if len(self.answers) < MAX_BLOCK:
                self.answers.append(index)


def _duplicates(asked: list[_Asked]) -> list[Diagnostic]:
    """Each later card that asks what an earlier one asks, pointing at the first."""
    first_of: dict[int, int] = {}
    conflict_of: dict[int, int] = {}
    exact: dict[tuple[str, str], _Earlier] = defaultdict(_Earlier)
    for index, entry in enumerate(asked):
        if entry.question:
            earlier = exact[(entry.family, entry.question)]
            if earlier.first is not None and _conflict(entry, asked[earlier.first]):
                conflict_of[index] = earlier.first  # the first card asking it says otherwise
            elif (other := earlier.first_match(entry, asked)) is not None:
                first_of[index] = other
            earlier.add(index, entry)
    near_of: dict[int, int] = {}
    compared: set[tuple[int, int]] = set()
    for members in _blocks(asked).values():
        if not 2 <= len(members) <= MAX_BLOCK:
            continue  # a word or prefix shared by this many questions says nothing
        for i, left in enumerate(members):
            for right in members[i + 1:]:
                if right in first_of or right in conflict_of or (left, right) in compared:
                    continue
                compared.add((left, right))
                a, b = asked[left], asked[right]
                if a.question == b.question or not _near_question(a, b):
                    continue
                if a.family == "cloze" or _same_answer(a, b):
                    near_of[right] = min(near_of.get(right, left), left)
                elif _conflict(b, a):
                    conflict_of[right] = left
    out = []
    for index in sorted({*first_of, *near_of, *conflict_of}):
        entry = asked[index]
        if index in conflict_of and index not in first_of:
            out.append(_warn(entry.file, entry.card,
                             _conflict_message(entry, asked[conflict_of[index]])))
            continue
        if index in first_of:
            other, how = asked[first_of[index]], "the same question as"
        else:
            other, how = asked[near_of[index]], "nearly the same question as"
        out.append(_warn(entry.file, entry.card, f"asks {how} card '{other.card.id}' at "
                         f"{other.file}:{other.card.line}; merge them, or make each ask "
                         "something different"))
    return out
