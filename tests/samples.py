"""Sample libraries and progress logs that several test modules share, each worked out by
hand where it is built: the statistics log (`hand_log`), a simulated week of study
(`simulate_week`) and the planner's small library (`planner_library`)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from omtquiz.clock import FixedClock
from omtquiz.decks.model import Card, Deck, DeckFile, Item, Library
from omtquiz.progress.store import Store
from omtquiz.progress.types import ItemRecord
from omtquiz.scheduling import CardState, Rating, Settings, State
from omtquiz.study.recording import record_quiz_answer
from omtquiz.study.scope import Scope
from omtquiz.study.session import StudySession

SETTINGS = Settings().with_global(fuzz=False, timezone="UTC", day_start_hour=4)
NOW = datetime(2025, 3, 10, 15, 0, tzinfo=timezone.utc)  # study day 2025-03-10
TODAY = date(2025, 3, 10)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def stats_library() -> Library:
    """Muscle energy and counterstrain have cards of all three topics, so both are techniques;
    `safety` has none of them."""
    def card(deck_id, card_id, *tags, kind="basic"):
        return Card(deck_id, card_id, kind, front=f"Front of {card_id}",
                    back=f"Back of {card_id}", tags=tags, line=10)

    tech = Deck("tech", "Techniques", "tech.yaml", (
        card("tech", "me1", "technique", "muscle-energy"),
        card("tech", "me2", "indication", "muscle-energy"),
        card("tech", "me3", "contraindication", "muscle-energy"),
        card("tech", "cs1", "technique", "counterstrain"),
        card("tech", "cs2", "indication", "counterstrain"),
        card("tech", "cs3", "contraindication", "counterstrain"),
    ), parent="OMT")
    safe = Deck("safe", "Safety", "safe.yaml", (
        card("safe", "sf1", "safety"),
        card("safe", "sf2", "contraindication", "safety"),
        card("safe", "rev", "safety", kind="reverse"),
    ))
    return Library((DeckFile("tech.yaml", tech), DeckFile("safe.yaml", safe)))


def item(key: str) -> Item:
    deck_id, card_id, *ord_ = key.split("/")
    return Item(deck_id, card_id, int(ord_[0]) if ord_ else 0)


def graduated(due: datetime, last_review: datetime, lapses: int = 0) -> CardState:
    """A review card whose interval is due - last_review."""
    return CardState(State.REVIEW, None, 10.0, 5.0, due, last_review, 4, lapses)


def answer(store, lib, clock, when: str, key: str, rating: Rating, ms: int,
           state: CardState | None = None) -> None:
    """At `when`, answer one item on the review screen; `state` sets it up first."""
    clock.set(at(when))
    if state is not None:
        store.put(ItemRecord(item(key), state))
    session = StudySession(store, lib, Scope.of_items([item(key)]), clock, SETTINGS,
                           include_not_due=True)
    assert session.current() == item(key)
    session.answer(rating, ms)


def quiz(store, clock, when: str, key: str, correct: bool, ms: int) -> None:
    clock.set(at(when))
    record_quiz_answer(store, item(key), correct, ms, "mcq", clock, SETTINGS)


def hand_log(store: Store, clock: FixedClock) -> Library:
    """The log, oldest first; the clock is left at NOW. Retention counts review-screen answers
    on graduated cards only; young means an interval under 21 days before the answer."""
    store.save_settings(SETTINGS)
    lib = stats_library()
    quiz(store, clock, "2024-03-01T10:00", "safe/sf1", True, 4000)  # before the year shown
    quiz(store, clock, "2024-03-20T10:00", "safe/sf2", True, 4000)
    answer(store, lib, clock, "2025-02-05T12:00", "tech/me1", Rating.AGAIN, 4000,  # too old
           graduated(at("2025-02-05T00:00"), at("2025-01-05T00:00")))
    answer(store, lib, clock, "2025-02-09T03:59", "tech/me2", Rating.GOOD, 4000,  # day Feb 8
           graduated(at("2025-02-09T00:00"), at("2025-01-30T00:00")))
    answer(store, lib, clock, "2025-02-09T04:00", "tech/me3", Rating.HARD, 4000,  # mature pass
           graduated(at("2025-02-09T00:00"), at("2025-01-09T00:00")))
    answer(store, lib, clock, "2025-03-01T09:00", "tech/cs1", Rating.AGAIN, 4000,  # 21 d: mature
           graduated(at("2025-03-01T00:00"), at("2025-02-08T00:00"), lapses=2))
    answer(store, lib, clock, "2025-03-01T09:05", "tech/cs2", Rating.GOOD, 4000,  # 20 d: young
           graduated(at("2025-03-01T00:00"), at("2025-02-09T00:00")))
    answer(store, lib, clock, "2025-03-10T03:30", "safe/sf2", Rating.GOOD, 4000)  # learning
    answer(store, lib, clock, "2025-03-10T03:40", "safe/rev/0", Rating.GOOD, 4000)  # new
    # Today:
    answer(store, lib, clock, "2025-03-10T04:10", "tech/me2", Rating.AGAIN, 5000,  # young fail
           graduated(at("2025-03-10T00:00"), at("2025-02-20T00:00"), lapses=1))
    answer(store, lib, clock, "2025-03-10T04:12", "safe/sf1", Rating.GOOD, 8000,  # mature pass
           graduated(at("2025-03-10T00:00"), at("2025-01-10T00:00")))
    quiz(store, clock, "2025-03-10T04:20", "tech/cs3", False, 12000)  # Again, not a review
    answer(store, lib, clock, "2025-03-10T04:25", "tech/me2", Rating.GOOD, 3000)  # relearning
    clock.set(NOW)
    return lib


WEEK_DECK = """\
deck: week
title: A week
cards:
{cards}
"""


def simulate_week(tmp_path, real_now: datetime) -> tuple[Library, Settings, dict[date, int]]:
    """Seven study days ending now through the public API; the hand count of answers per day.

    The study day starts twelve hours from now's hour, so the last day's answers (spread over
    the hour before now) and a command run now share one study day.
    """
    hour = (real_now.hour + 12) % 24
    settings = Settings().with_global(fuzz=False, timezone="UTC", day_start_hour=hour,
                                      new_per_day=5)
    ids = [f"c{i:02d}" for i in range(15)]
    decks_dir, data_dir = tmp_path / "decks", tmp_path / "data"
    decks_dir.mkdir()
    (decks_dir / "week.yaml").write_text(WEEK_DECK.format(cards="\n".join(
        f"  - {{id: {c}, type: basic, front: 'Q {c}', back: 'A {c}', tags: [t{i % 2}]}}"
        for i, c in enumerate(ids))), encoding="utf-8")
    lib = Library((DeckFile("week.yaml", Deck("week", "A week", "week.yaml", tuple(
        Card("week", c, "basic", front=f"Q {c}", back=f"A {c}", tags=(f"t{i % 2}",))
        for i, c in enumerate(ids)))),))
    per_day: dict[date, int] = {}
    clock = FixedClock(real_now - timedelta(days=6, hours=1))
    with Store.open(data_dir / "progress.sqlite3", clock=clock) as store:
        store.save_settings(settings)
        for day in range(7):
            clock.set(real_now - timedelta(days=6 - day, hours=1))
            session = StudySession(store, lib, Scope.all(), clock)
            answered = 0
            while session.current() is not None and answered < 40:
                rating = Rating.AGAIN if answered % 7 == 3 else Rating.GOOD
                session.answer(rating, 5000)
                answered += 1
                clock.advance(seconds=50)
            key = (real_now - timedelta(days=6 - day)).date()
            per_day[key] = answered
    return lib, settings, per_day


def planner_library() -> Library:
    """Deck a: eight new basic cards, one suspended, two in review. Deck b: a cloze card with
    three deletions, then a basic card."""
    a_cards = [Card("a", f"n{i}", "basic", front=f"new {i}", back="!", tags=("x",))
               for i in range(8)]
    a_cards += [Card("a", "sus", "basic", front="suspended", back="!"),
                Card("a", "r1", "basic", front="review 1", back="!"),
                Card("a", "r2", "basic", front="review 2", back="!", tags=("x",))]
    b_cards = [Card("b", "cz", "cloze", text="{{c1::one}} {{c2::two}} {{c3::three}}"),
               Card("b", "bb", "basic", front="b basic", back="!", tags=("x",))]
    return Library((DeckFile("a.yaml", Deck("a", "Deck A", "a.yaml", tuple(a_cards))),
                    DeckFile("b.yaml", Deck("b", "Deck B", "b.yaml", tuple(b_cards)))))


START = datetime(2024, 3, 1, 10, 0, tzinfo=timezone.utc)


def make_context(tmp_path, library: Library, clock: FixedClock, theme_name: str = "light"):
    """An AppContext over a fresh profile in `tmp_path`, as the app builds one."""
    from omtquiz.profile import Dirs
    from omtquiz.ui.context import AppContext

    dirs = Dirs(data=tmp_path / "data", cache=tmp_path / "cache").ensure()
    store = Store.open(dirs.database, clock=clock)
    return AppContext(dirs=dirs, library=library, store=store, clock=clock,
                      theme_name=theme_name)


def study_in_anki(folder: Path, package: Path, answers: int = 30) -> dict[str, Path]:
    """What a learner does on the phone, with the real `anki` library: import our `package`
    with scheduling, add a note of their own, answer up to `answers` cards with Anki's
    scheduler, export with scheduling as a new-format .apkg ("anki21b"), a legacy one
    ("anki21") and a .colpkg ("colpkg"); "revlog" is a JSON list of Anki's answers
    [revlog id, ease, card ord, note guid]."""
    import json

    from anki.collection import (
        Collection,
        ExportAnkiPackageOptions,
        ImportAnkiPackageOptions,
        ImportAnkiPackageRequest,
    )

    where = folder / "anki"
    where.mkdir()
    col = Collection(str(where / "collection.anki2"))
    try:
        col.import_anki_package(ImportAnkiPackageRequest(
            package_path=str(package), options=ImportAnkiPackageOptions(with_scheduling=True)))
        deck_names = [d.name for d in col.decks.all_names_and_ids() if "::" in d.name]
        foreign = col.new_note(col.models.by_name("Basic"))
        foreign["Front"], foreign["Back"] = "A note made in Anki", "not ours"
        col.add_note(foreign, col.decks.id_for_name(deck_names[0]))
        col.decks.select(col.decks.id_for_name(deck_names[0].split("::")[0]))
        for turn in range(answers):
            card = col.sched.getCard()
            if card is None:
                break
            col.sched.answerCard(card, (1, 3, 3, 4, 2)[turn % 5])
        packages = {"anki21b": folder / "phone.apkg", "anki21": folder / "legacy.apkg",
                    "colpkg": folder / "all.colpkg", "revlog": folder / "revlog.json"}
        for name, legacy in (("anki21b", False), ("anki21", True)):
            col.export_anki_package(out_path=str(packages[name]), limit=None,
                                    options=ExportAnkiPackageOptions(
                                        with_scheduling=True, with_media=False, legacy=legacy))
        packages["revlog"].write_text(json.dumps(col.db.all(
            "SELECT r.id, r.ease, c.ord, n.guid FROM revlog r JOIN cards c ON c.id = r.cid "
            "JOIN notes n ON n.id = c.nid")))
        col.export_collection_package(str(packages["colpkg"]), include_media=False,
                                      legacy=False)  # this closes the collection
    finally:
        if col.db is not None:
            col.close()
    return packages
