"""Quiz questions made from cards: multiple choice, typed answers and timed exams.

Distractors come from the same deck, from answers of the same kind: a card's own distractors
first, then answers of cards that share the most tags with it (techniques among techniques,
contraindications among contraindications) and whose length is close, so length gives nothing
away. Everything is seeded, so a quiz can be replayed and tested.
"""

from __future__ import annotations

import difflib
import html
import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from omtquiz.decks.model import CLOZE_RE, Card, CardType, Deck, Item, Library
from omtquiz.decks.render import markdown, normalise, plain, render_item

CHOICES = 4
TYPED_MAX_ANSWER = 60  # longer answers are for recall, not for typing
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

    @property
    def correct_index(self) -> int:
        return self.choices.index(self.answer)


def _cloze_answer(card: Card, ord_: int) -> str:
    for match in CLOZE_RE.finditer(card.text):
        if int(match.group(1)) == ord_ + 1:
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


def prompt_of(card: Card, ord_: int = 0) -> str:
    """The question as the review screen shows it, picture included: some cards ask only
    "what does this image show?"."""
    image_src = Path(card.image).as_uri() if card.image else None
    return render_item(card, ord_, image_src=image_src).question


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


class QuestionMaker:
    """Builds questions for one library; pools of candidate answers are made once per deck."""

    def __init__(self, library: Library, seed: int | None = None) -> None:
        self.library = library
        self.rng = random.Random(seed)
        self._pools: dict[str, list[tuple[Card, int, str, tuple[str, ...] | None]]] = {}

    def _pool(self, deck: Deck) -> list[tuple[Card, int, str, tuple[str, ...] | None]]:
        """(card, ord, answer, stem) of every item of the deck, made once."""
        if deck.id not in self._pools:
            self._pools[deck.id] = [
                (card, ord_, answer_of(card, ord_), _stem(card, ord_))
                for card in deck.cards for ord_ in card.ords()
            ]
        return self._pools[deck.id]

    def distractors(self, card: Card, ord_: int, answer: str, wanted: int) -> list[str]:
        folded = {answer.casefold()}
        chosen: list[str] = []
        if card.type == CardType.MCQ:
            for text in card.distractors:
                candidate = plain(text)
                if candidate.casefold() not in folded:
                    folded.add(candidate.casefold())
                    chosen.append(candidate)
        if chosen:  # an author's own distractors beat any guess of ours, even if fewer
            return self.rng.sample(chosen, min(wanted, len(chosen)))
        deck = self.library.deck(card.deck_id)
        tags = set(card.tags)
        kind = _answer_kind(card, ord_)
        stem = _stem(card, ord_)
        yes_no = _is_yes_no(answer)
        scored = []
        for other, other_ord, text, other_stem in self._pool(deck) if deck else ():
            if other.id == card.id or not text or text.casefold() in folded:
                continue
            if len(text) > max(3 * len(answer), 40):
                continue
            same_kind = _answer_kind(other, other_ord) == kind or (
                card.type in _WHOLE_SENTENCE and other.type in _WHOLE_SENTENCE)
            overlap = len(tags & set(other.tags)) / (len(tags | set(other.tags)) or 1)
            closeness = min(len(text), len(answer)) / max(len(text), len(answer), 1)
            asked_alike = stem is not None and other_stem == stem
            both_yes_no = yes_no and _is_yes_no(text)
            score = (overlap + 0.5 * closeness + 0.8 * asked_alike + 1.0 * both_yes_no
                     + 0.2 * self.rng.random())
            scored.append((same_kind, score, text))
        scored.sort(key=lambda s: (s[0], s[1]), reverse=True)
        for _, _, text in scored:
            if len(chosen) >= wanted:
                break
            if text.casefold() not in folded:
                folded.add(text.casefold())
                chosen.append(text)
        return chosen

    def multiple_choice(self, item: Item) -> Question | None:
        card = self.library.card(item)
        if card is None:
            return None
        answer = answer_of(card, item.ord)
        if not answer:
            return None
        wrong = self.distractors(card, item.ord, answer, CHOICES - 1)
        if not wrong:
            return None
        choices = [answer, *wrong]
        self.rng.shuffle(choices)
        explanation = markdown(card.explanation) if card.explanation else ""
        return Question(item, prompt_of(card, item.ord), answer, tuple(choices), explanation)

    def typed(self, item: Item) -> Question | None:
        card = self.library.card(item)
        if card is None:
            return None
        answer = answer_of(card, item.ord)
        if not answer or len(answer) > TYPED_MAX_ANSWER or not normalise(answer):
            return None  # an answer of only articles or marks ("A", "+") could never be right
        explanation = markdown(card.explanation) if card.explanation else ""
        return Question(item, prompt_of(card, item.ord), answer, (), explanation)

    def questions(self, items: Iterable[Item], *, typed: bool = False,
                  limit: int | None = None) -> list[Question]:
        """Questions for these items, shuffled; items that cannot be asked are left out."""
        pool = list(items)
        self.rng.shuffle(pool)
        out = []
        make = self.typed if typed else self.multiple_choice
        for item in pool:
            question = make(item)
            if question is not None:
                out.append(question)
                if limit is not None and len(out) >= limit:
                    break
        return out


@dataclass(frozen=True)
class TypedResult:
    correct: bool
    score: float
    diff_html: str


def allowed_typos(expected: str) -> int:
    """No typo in an abbreviation (HVLA), one in a word, about one in seven letters beyond."""
    if len(expected) <= 4:
        return 0
    if len(expected) <= 8:
        return 1
    return max(2, len(expected) // 7)


def check_typed(given: str, expected: str) -> TypedResult:
    """Right when, after normalising, at most `allowed_typos` letters differ."""
    a, b = normalise(given), normalise(expected)
    score = fuzz.ratio(a, b) if a else 0.0
    correct = bool(a) and Levenshtein.distance(a, b) <= allowed_typos(b)
    return TypedResult(correct, score, diff_html(given, expected))


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
            correct = given is not None and check_typed(given, question.answer).correct
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
            for group, key in keys:
                by[group][key][0] += right
                by[group][key][1] += 1
        return {group: {k: (v[0], v[1]) for k, v in sorted(rows.items())}
                for group, rows in by.items()}
