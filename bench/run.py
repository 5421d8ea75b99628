"""Measure omtquiz against bare baselines in the same run and print medians and ratios.

Every figure is timed beside its baseline on the same machine, so the ratios hold anywhere
even when absolute times do not. `--quick` runs tiny sizes once, for CI to check it still works.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BARE_WINDOW = """
import sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
label = QLabel("bare")
window.setCentralWidget(label)
class First(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, lambda: (print("painted", flush=True), app.quit()))
        return False
first = First()
label.installEventFilter(first)
window.show()
app.exec()
"""


@dataclass
class Row:
    figure: str
    ours: float
    base: float | None
    unit: str
    target: str

    def ratio(self) -> str:
        return f"{self.ours / self.base:.2f}x" if self.base else "-"


def _env(data_dir: Path) -> dict[str, str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "OMTQUIZ_DATA_DIR": str(data_dir),
           "PYTHONPATH": str(ROOT)}
    env.pop("DISPLAY", None)
    # As installed: pip compiles every module to bytecode, so a start reads .pyc files. A
    # checkout run with PYTHONDONTWRITEBYTECODE would compile our modules from source on every
    # start (~25 ms here); the bytecode goes to a throwaway folder, never into the checkout.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(data_dir / "pycache")
    return env


def _until_painted(cmd: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Seconds from process start to its 'painted' line, and its peak RSS in KiB."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True)
    for line in proc.stdout:
        if line.strip() == "painted":
            elapsed = time.perf_counter() - start
            break
    else:
        raise RuntimeError(f"{cmd} never painted")
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        raise RuntimeError(f"{cmd} exited with {status}")
    return elapsed, usage.ru_maxrss


def startup(runs: int, tmp: Path, anki_python: str | None = None) -> list[Row]:
    env = _env(tmp / "startup")
    bare_cmd = [sys.executable, "-c", BARE_WINDOW]
    app_cmd = [sys.executable, "-m", "bench.launch"]  # `python -m omtquiz`, reporting its paint
    study_cmd = [*app_cmd, "--study", "do-vs-md"]
    _until_painted(app_cmd, env)  # first run fills the parse cache, as any second start has
    bare, decks, card, rss = [], [], [], []
    for _ in range(runs):  # interleaved, so load on the machine hits all three alike
        bare.append(_until_painted(bare_cmd, env)[0])
        elapsed, peak = _until_painted(app_cmd, env)
        decks.append(elapsed)
        rss.append(peak)
        card.append(_until_painted(study_cmd, env)[0])
    b, ours = statistics.median(bare), statistics.median(decks)
    rows = [
        Row("start to deck list painted", ours, b, "s", "<= 2.0x"),
        Row("start to first card painted", statistics.median(card), b, "s", "<= 2.5x"),
        Row("app peak memory, bundled decks", statistics.median(rss) / 1024, None, "MB",
            "<= 120 MB"),
    ]
    if anki_python:
        from bench.anki_desktop import measure

        anki = measure(anki_python, runs, tmp)
        if anki is None:
            print(f"note: {anki_python} cannot import aqt; Anki desktop not measured",
                  file=sys.stderr)
        else:
            rows += [Row("Anki desktop: start to main window shown", anki[0], None, "s", "-"),
                     Row("deck list vs Anki desktop's deck list", ours, anki[1], "s",
                         "<= 0.4x")]
    return rows


def make_deck(path: Path, cards: int) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        fh.write("deck: bench\ntitle: Bench\nsources:\n  - id: s\n    citation: Generated\n"
                 "cards:\n")
        for i in range(cards):
            kind = i % 4
            if kind == 0:
                fh.write(f"  - id: c{i}\n    front: What does technique number {i} treat in "
                         f"the lumbar region?\n    back: Somatic dysfunction number {i} of the "
                         "lumbar spine, gently.\n    tags: [technique, lumbar]\n    source: s\n")
            elif kind == 1:
                fh.write(f"  - id: c{i}\n    type: cloze\n    text: \"{{{{c1::Rib raising "
                         f"{i}}}}} improves {{{{c2::breathing}}}} in patient {i}.\"\n"
                         "    source: s\n")
            elif kind == 2:
                fh.write(f"  - id: c{i}\n    type: mcq\n    question: Which technique {i} "
                         f"pumps lymph?\n    answer: Lymphatic pump {i}\n    distractors: "
                         f"[Rib raising {i}, Muscle energy {i}, HVLA {i}]\n    source: s\n")
            else:
                fh.write(f"  - id: c{i}\n    type: reverse\n    front: Term {i}\n    back: "
                         f"Definition of term {i} in a short sentence.\n    source: s\n")
    return path


def _median_time(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def loading(cards: int, big: int, runs: int, tmp: Path) -> list[Row]:
    import yaml

    from omtquiz.decks.format.cache import ParseCache
    from omtquiz.decks.format.loader import load_deck_file

    deck = make_deck(tmp / "deck-10k.yaml", cards)
    data = deck.read_bytes()
    bare = _median_time(lambda: yaml.load(data, Loader=yaml.CSafeLoader), runs)
    cold = _median_time(lambda: load_deck_file(deck), runs)
    cache = ParseCache(tmp / "cache")
    cache.load(deck)
    warm = _median_time(lambda: cache.load(deck), runs)
    assert len(cache.load(deck).deck.cards) == cards
    big_deck = make_deck(tmp / "deck-100k.yaml", big)
    code = ("import resource, sys\nfrom omtquiz.decks.format.loader import load_deck_file\n"
            f"r = load_deck_file({str(big_deck)!r})\nassert len(r.deck.cards) == {big}\n"
            "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)")
    base_code = "import resource\nprint(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    peak = int(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                              text=True, check=True).stdout)
    idle = int(subprocess.run([sys.executable, "-c", base_code], env=env, capture_output=True,
                              text=True, check=True).stdout)
    return [
        Row(f"{cards} card deck, cold load + validate", cold, bare, "s", "<= 1.0x"),
        Row(f"{cards} card deck, warm parse cache", warm, bare, "s", "<= 0.05x"),
        Row(f"{big} card deck, peak memory", peak / 1024, idle / 1024, "MB", "<= 400 MB"),
    ]


def collection(cards: int, tmp: Path):
    """A library of `cards` basic cards, each reviewed once 40 days ago (one log row each)."""
    from datetime import datetime, timedelta, timezone

    from omtquiz.clock import FixedClock
    from omtquiz.decks.format.library import load_library
    from omtquiz.progress.store import Store
    from omtquiz.progress.types import ItemRecord
    from omtquiz.scheduling import Rating, review

    path = tmp / "collection.yaml"
    with path.open("w") as fh:
        fh.write("deck: coll\ntitle: Collection\nsources: [{id: s, citation: Generated}]\n"
                 "cards:\n")
        for i in range(cards):
            fh.write(f"  - {{id: c{i}, front: Question {i}, back: Answer {i}, source: s}}\n")
    library = load_library([path])
    start = datetime(2026, 1, 1, 12, tzinfo=timezone.utc)
    clock = FixedClock(start)
    store = Store.open(tmp / "progress.sqlite3", clock=clock)
    settings = store.settings().with_global(new_per_day=cards, reviews_per_day=cards * 2)
    store.save_settings(settings)
    with store.batch():
        for n, item in enumerate(library.decks[0].items()):
            before = ItemRecord(item)
            when = start + timedelta(seconds=n)
            rating = Rating.GOOD if n % 5 else Rating.EASY
            state, _ = review(before.card, rating, when, settings.global_settings)
            store.record_answer(before, ItemRecord(item, card=state), rating=rating,
                                reviewed_at=when, duration_ms=4000, mode="review")
    clock.advance(timedelta(days=40))
    return library, store, clock


def scheduling(cards: int, answers: int, tmp: Path) -> list[Row]:
    import os as _os

    _os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from omtquiz.study.scope import Scope
    from omtquiz.study.session import StudySession
    from omtquiz.study.stats import collect
    from omtquiz.ui.context import AppContext
    from omtquiz.ui.pages.review import ReviewPage

    library, store, clock = collection(cards, tmp)
    # The first build of the day reads every row; later ones (another deck view, a return to
    # the deck list) start from the day's queue.
    cold = _median_time(lambda: StudySession(store, library, Scope.all(), clock=clock), 1)
    queue = _median_time(lambda: StudySession(store, library, Scope.all(), clock=clock), 3)
    stats = _median_time(lambda: collect(store, library, clock), 3)
    app = QApplication.instance() or QApplication([])
    context = AppContext(dirs=None, library=library, store=store, clock=clock)
    page = ReviewPage(context)
    page.resize(900, 600)
    page.show()
    page.start(StudySession(store, library, Scope.all(), clock=clock), "bench")
    latencies = []
    for _ in range(answers):
        page.reveal()
        app.processEvents()
        start = time.perf_counter()
        page.rate(3)
        page.view.viewport().repaint()
        latencies.append(time.perf_counter() - start)
    latencies.sort()
    p50 = latencies[len(latencies) // 2]
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    store.close()
    return [
        Row(f"today's queue, {cards} cards, first of the day", cold, None, "s", "<= 0.050 s"),
        Row(f"today's queue, {cards} cards, again", queue, None, "s", "<= 0.050 s"),
        Row(f"statistics, {cards} cards", stats, None, "s", "<= 0.200 s"),
        Row("answer to next card painted, p50", p50, None, "s", "<= 0.016 s"),
        Row("answer to next card painted, p99", p99, None, "s", "<= 0.016 s"),
    ]


def export(cards: int, runs: int, tmp: Path) -> list[Row]:
    """Ours from the deck, against bare genanki writing the very notes ours wrote."""
    import sqlite3
    import zipfile

    import genanki

    from omtquiz.decks.format.loader import load_deck_file
    from omtquiz.interop.anki_export import _note_types, export_apkg

    deck = load_deck_file(make_deck(tmp / "export.yaml", cards)).deck
    ours_path = tmp / "ours.apkg"
    export_apkg([deck], ours_path)
    with zipfile.ZipFile(ours_path) as package:
        (tmp / "ours.anki2").write_bytes(package.read("collection.anki2"))
    with sqlite3.connect(tmp / "ours.anki2") as db:
        notes = db.execute("SELECT mid, guid, flds, tags FROM notes").fetchall()
    models = {model.model_id: model for model in _note_types().values()}

    def bare() -> None:
        out = genanki.Deck(2059400110, "Bare")
        for mid, guid, flds, tags in notes:
            out.add_note(genanki.Note(model=models[mid], fields=flds.split("\x1f"), guid=guid,
                                      tags=tags.split()))
        genanki.Package(out).write_to_file(str(tmp / "bare.apkg"))

    base = _median_time(bare, runs)
    ours = _median_time(lambda: export_apkg([deck], ours_path), runs)
    return [Row(f"export {cards} cards to .apkg", ours, base, "s", "<= 2.0x")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one run (for CI)")
    parser.add_argument("--json", metavar="FILE", help="also write the rows as JSON")
    parser.add_argument("--only", choices=["startup", "loading", "scheduling", "export"],
                        action="append", help="run only these groups")
    parser.add_argument("--anki-python", metavar="PYTHON",
                        help="an interpreter with Anki desktop (pip install 'aqt[qt6]'): "
                        "also time Anki's start to its deck list, beside ours")
    args = parser.parse_args(argv)
    quick = args.quick
    runs = 1 if quick else 7
    groups = args.only or ["startup", "loading", "scheduling", "export"]
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="omtquiz-bench-") as name:
        tmp = Path(name)
        if "startup" in groups:
            rows += startup(1 if quick else 9, tmp, args.anki_python)
        if "loading" in groups:
            rows += loading(200 if quick else 10_000, 400 if quick else 100_000, runs, tmp)
        if "scheduling" in groups:
            rows += scheduling(300 if quick else 100_000, 20 if quick else 500, tmp)
        if "export" in groups:
            rows += export(200 if quick else 10_000, runs, tmp)
    print(f"{'figure':<42} {'omtquiz':>10} {'baseline':>10} {'ratio':>7}  target")
    for row in rows:
        base = f"{row.base:.3f}" if row.base is not None else "-"
        print(f"{row.figure:<42} {row.ours:>9.3f}{row.unit[0] if row.unit == 's' else ''} "
              f"{base:>10} {row.ratio():>7}  {row.target}"
              + ("" if row.unit == "s" else f"  ({row.unit})"))
    if args.json:
        Path(args.json).write_text(json.dumps([row.__dict__ for row in rows], indent=2))
    return 0


if __name__ == "__main__":  # `python bench/run.py` as well as `python -m bench`
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
