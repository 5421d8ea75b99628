"""Measure omtquiz against bare baselines in the same run: medians, min-max and ratios.

Every figure is timed beside its baseline on the same machine, runs interleaved (ours, then the
baseline, then ours again), so load on the machine hits both alike and the ratios hold anywhere
even when absolute times do not. What a student meets once per process (a start, a first
queue of the day, a first statistics view, an export) is timed in fresh processes; memory is
each process's own peak (VmHWM). `--quick` runs tiny sizes once, for CI to check it still works.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import pickle
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HWM = """
def peak_kib():
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0
"""
# The end of every bare start: print "painted" and the peak memory after WATCHED's first paint.
PAINT_WATCH = """
def done():
    print("painted", flush=True)
    print("hwm", peak_kib(), flush=True)
    app.quit()
class First(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, done)
        return False
first = First()
WATCHED.installEventFilter(first)
window.show()
app.exec()
"""
BARE_WINDOW = HWM + """
import sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
label = QLabel("bare")
window.setCentralWidget(label)
""" + PAINT_WATCH.replace("WATCHED", "label")

# Floors for the start-up rows: what any app pays that our deck list's screen pays too, with no
# omtquiz code at all. A: the bare window once Qt's `Qt` namespace is touched (PySide builds its
# ~117 enums on first use; any screen with an alignment, a role or a key in it does). B: the
# deck list's screen rebuilt by hand, lean: Fusion, a style sheet, menus with shortcuts, a
# status bar, the filter box, a four-column tree filled from a SQLite file, the buttons, spin
# boxes and tag box beside it. What we take over B is our own Python: modules, the progress
# store, the library, the queue's counts.
FLOOR_QT_NAMESPACE = BARE_WINDOW.replace(
    "app = QApplication(sys.argv[:1])",
    "from PySide6.QtCore import Qt\nQt.AlignmentFlag.AlignLeft\napp = QApplication(sys.argv[:1])")
FLOOR_SCREEN = HWM + """
import os, sqlite3, sys
from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QApplication, QComboBox, QHBoxLayout, QHeaderView, QLabel,
    QLineEdit, QMainWindow, QPushButton, QSpinBox, QTreeWidget, QTreeWidgetItem, QVBoxLayout,
    QWidget)
app = QApplication([*sys.argv[:1], "-style", "Fusion"])
app.setStyleSheet("QPushButton { padding: 6px 14px; border-radius: 6px; }"
                  "QTreeView::item { padding: 4px 2px; } QLineEdit { padding: 5px 6px; }")
db = sqlite3.connect(os.path.join(os.environ["OMTQUIZ_DATA_DIR"], "floor.sqlite3"))
db.execute("CREATE TABLE IF NOT EXISTS deck (title TEXT, new INT, learn INT, due INT)")
if not db.execute("SELECT count(*) FROM deck").fetchone()[0]:
    db.executemany("INSERT INTO deck VALUES (?, 20, 0, 0)", [(f"Deck {i}",) for i in range(20)])
    db.commit()
window = QMainWindow()
for title in ("&File", "&Edit", "&Study", "&Tools", "&Help"):
    menu = window.menuBar().addMenu(title)
    for i in range(5):
        action = QAction(f"Action {i}", window)
        action.setShortcut(QKeySequence(f"Ctrl+Shift+{i}"))
        menu.addAction(action)
window.statusBar().addPermanentWidget(QLabel("Today: 0 answers"))
page = QWidget()
layout = QHBoxLayout(page)
left, right = QVBoxLayout(), QVBoxLayout()
left.addWidget(QLineEdit(placeholderText="Filter decks (Ctrl+F)"))
tree = QTreeWidget()
tree.setColumnCount(4)
tree.setHeaderLabels(["Deck", "New", "Learn", "Due"])
tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
for title, *counts in db.execute("SELECT title, new, learn, due FROM deck"):
    item = QTreeWidgetItem(tree, [title, *map(str, counts)])
    for column in (1, 2, 3):
        item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight)
tree.setCurrentItem(tree.topLevelItem(0))
left.addWidget(tree, 1)
right.addWidget(QLabel("All decks"))
right.addWidget(QLabel("20 new - 0 learning - 0 due today"))
for text in ("Study", "Study all due", "Custom study", "Multiple choice", "Typed answer"):
    right.addWidget(QPushButton(text))
right.addWidget(QSpinBox())
right.addWidget(QSpinBox())
right.addWidget(QComboBox(editable=True))
right.addStretch(1)
layout.addLayout(left, 3)
layout.addLayout(right, 2)
window.setCentralWidget(page)
window.resize(1000, 680)
""" + PAINT_WATCH.replace("WATCHED", "tree")



def _spread(values: list[float]) -> tuple[float, float, float]:
    return statistics.median(values), min(values), max(values)


@dataclass
class Row:
    figure: str
    samples: list[float]
    base_samples: list[float] | None
    unit: str
    target: str

    @property
    def ours(self) -> float:
        return statistics.median(self.samples)

    @property
    def base(self) -> float | None:
        return statistics.median(self.base_samples) if self.base_samples else None

    def ratio(self) -> str:
        return f"{self.ours / self.base:.2f}x" if self.base else "-"

    def as_dict(self) -> dict:
        ours = _spread(self.samples)
        base = _spread(self.base_samples) if self.base_samples else (None, None, None)
        return {"figure": self.figure, "ours": ours[0], "ours_min": ours[1],
                "ours_max": ours[2], "base": base[0], "base_min": base[1],
                "base_max": base[2], "runs": len(self.samples), "unit": self.unit,
                "target": self.target}


def _fmt(values: list[float] | None, unit: str) -> str:
    if not values:
        return "-"
    med, lo, hi = _spread(values)
    digits = 3 if unit == "s" else 0
    return f"{med:.{digits}f} ({lo:.{digits}f}-{hi:.{digits}f})"


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
    """Seconds from process start to its 'painted' line, and its own peak RSS (VmHWM) in KiB."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True)
    elapsed, peak = None, 0
    for line in proc.stdout:
        if line.strip() == "painted" and elapsed is None:
            elapsed = time.perf_counter() - start
        elif line.startswith("hwm "):
            peak = int(line.split()[1])
    if proc.wait() != 0 or elapsed is None:
        raise RuntimeError(f"{cmd} exited with {proc.returncode} (painted: {elapsed})")
    return elapsed, peak


def _child(code: str, env: dict[str, str], *args: str) -> dict:
    """Run `code` in a fresh interpreter; its last stdout line is a JSON object."""
    out = subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True,
                         text=True)
    if out.returncode:
        raise RuntimeError(f"bench child failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def startup(runs: int, tmp: Path, anki_python: str | None = None) -> list[Row]:
    env = _env(tmp / "startup")
    bare_cmd = [sys.executable, "-c", BARE_WINDOW]
    app_cmd = [sys.executable, "-m", "bench.launch"]  # `python -m omtquiz`, reporting its paint
    study_cmd = [*app_cmd, "--study", "do-vs-md"]
    idle_code = HWM + "import json\nprint(json.dumps({'hwm': peak_kib()}))"
    _until_painted(app_cmd, env)  # first run fills the parse cache, as any second start has
    anki = None
    if anki_python:
        from bench.anki_desktop import prepare

        anki = prepare(anki_python, tmp)
        if anki is None:
            print(f"note: {anki_python} cannot import aqt; Anki desktop not measured",
                  file=sys.stderr)
    bare, decks, card, rss, bare_rss, idle, anki_window, anki_list = ([] for _ in range(8))
    floor_qt, floor_screen = [], []
    floor_cmds = ([sys.executable, "-c", FLOOR_QT_NAMESPACE],
                  [sys.executable, "-c", FLOOR_SCREEN])
    for _ in range(runs):  # interleaved, so load on the machine hits all of them alike
        elapsed, peak = _until_painted(bare_cmd, env)
        bare.append(elapsed)
        bare_rss.append(peak / 1024)
        floor_qt.append(_until_painted(floor_cmds[0], env)[0])
        floor_screen.append(_until_painted(floor_cmds[1], env)[0])
        elapsed, peak = _until_painted(app_cmd, env)
        decks.append(elapsed)
        rss.append(peak / 1024)
        card.append(_until_painted(study_cmd, env)[0])
        idle.append(_child(idle_code, env)["hwm"] / 1024)
        if anki is not None:
            from bench.anki_desktop import start

            window, painted = start(anki)
            anki_window.append(window)
            anki_list.append(painted)
    rows = [
        Row("start to deck list painted", decks, bare, "s", "<= 1.4x"),
        Row("start to first card painted", card, bare, "s", "<= 1.6x"),
        Row("floor A: bare window + Qt's enum namespace", floor_qt, bare, "s", "-"),
        Row("floor B: the deck list's screen by hand, no omtquiz", floor_screen, bare, "s",
            "-"),
        Row("start to deck list painted, against floor B", decks, floor_screen, "s", "-"),
        Row("idle RSS at deck list, bundled decks", rss, bare_rss, "MiB",
            "<= 75 (base: bare window)"),
        Row("idle RSS, bare python", idle, None, "MiB", "-"),
    ]
    if anki_list:
        rows += [Row("Anki desktop: start to main window shown", anki_window, None, "s", "-"),
                 Row("deck list vs Anki desktop's deck list", decks, anki_list, "s",
                     "<= 0.25x")]
    return rows


_VOCABULARY = """lumbar thoracic cervical sacral rib fascia muscle energy counterstrain
articulatory lymphatic pump somatic dysfunction segment rotated sidebent flexed extended tender
point chapman reflex viscerosomatic sympathetic parasympathetic vagus diaphragm thoracic inlet
restriction barrier motion palpation tissue texture asymmetry patient supine prone physician
contraindication indication treatment"""
WORDS = tuple(_VOCABULARY.split())


def _sentence(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def _field(rng: random.Random, words: int) -> str:
    """Card text of about `words` words; about one field in ten carries Markdown."""
    text = _sentence(rng, words)
    if rng.random() >= 0.1:
        return text
    kind = rng.randrange(3)
    if kind == 0:
        head, rest = text.split(" ", 1)
        return f"**{head}** {rest} *{rng.choice(WORDS)}*"
    if kind == 1:
        return f"{text} See `{rng.choice(WORDS)}`."
    return "|\n" + "".join(f"      - {_sentence(rng, 4)}\n" for _ in range(3))


def _yaml(text: str) -> str:
    return text if text.startswith("|") else json.dumps(text)


def make_deck(path: Path, cards: int, *, realistic: bool = False) -> Path:
    """A deck of the four card types; `realistic` gives card-length text (~420 bytes a card,
    about 10% of fields in Markdown) instead of short generated lines."""
    rng = random.Random(cards)
    with path.open("w", encoding="utf-8") as fh:
        fh.write("deck: bench\ntitle: Bench\nsources:\n  - id: s\n    citation: Generated\n"
                 "cards:\n")
        for i in range(cards):
            kind = i % 4
            if realistic:
                expl = f"    explanation: {_yaml(_field(rng, 22))}\n"
                if kind == 0:
                    fh.write(f"  - id: c{i}\n    front: {_yaml(_field(rng, 14))}\n    back: "
                             f"{_yaml(_field(rng, 18))}\n{expl}    tags: [technique, lumbar]\n"
                             "    source: s\n")
                elif kind == 1:
                    fh.write(f"  - id: c{i}\n    type: cloze\n    text: \"{{{{c1::Rib raising "
                             f"{i}}}}} improves {{{{c2::breathing}}}} {_sentence(rng, 14)}\"\n"
                             f"{expl}    source: s\n")
                elif kind == 2:
                    fh.write(f"  - id: c{i}\n    type: mcq\n    question: "
                             f"{_yaml(_field(rng, 14))}\n    answer: Lymphatic pump {i}\n"
                             f"    distractors: [Rib raising {i}, Muscle energy {i}, HVLA {i}]\n"
                             f"{expl}    source: s\n")
                else:
                    fh.write(f"  - id: c{i}\n    type: reverse\n    front: Term {i}\n    back: "
                             f"{_yaml(_field(rng, 16))}\n{expl}    source: s\n")
                continue
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


def _timed(fn, *, gc_on: bool = True) -> float:
    gc.collect()
    if not gc_on:
        gc.disable()
    try:
        start = time.perf_counter()
        fn()
        return time.perf_counter() - start
    finally:
        gc.enable()


def load_growth(sizes: list[int], runs: int, tmp: Path) -> list[Row]:
    """Cold load + validate at each size against yaml.load (both with the collector paused),
    interleaved, so the curve from 1k to 100k cards is visible."""
    import yaml

    from omtquiz.decks.format.loader import load_deck_file

    rows = []
    for cards in sizes:
        deck = make_deck(tmp / f"growth-{cards}.yaml", cards, realistic=True)
        data = deck.read_bytes()
        bare, ours = [], []
        for _ in range(runs):  # interleaved
            bare.append(_timed(lambda d=data: yaml.load(d, Loader=yaml.CSafeLoader),
                               gc_on=False))
            ours.append(_timed(lambda p=deck: load_deck_file(p)))
        rows.append(Row(f"growth: {cards} realistic cards, cold load + validate", ours, bare,
                        "s", "-"))
        deck.unlink()
    return rows


def loading(cards: int, big: int, runs: int, tmp: Path) -> list[Row]:
    import yaml

    from omtquiz.decks.format.cache import ParseCache
    from omtquiz.decks.format.loader import load_deck_file

    deck = make_deck(tmp / "deck-10k.yaml", cards, realistic=True)
    data = deck.read_bytes()
    cache = ParseCache(tmp / "cache")
    cache.load(deck)
    assert len(cache.load(deck).deck.cards) == cards
    bare_on, bare_off, cold, warm = [], [], [], []
    for _ in range(runs):  # interleaved
        bare_on.append(_timed(lambda: yaml.load(data, Loader=yaml.CSafeLoader)))
        bare_off.append(_timed(lambda: yaml.load(data, Loader=yaml.CSafeLoader), gc_on=False))
        cold.append(_timed(lambda: load_deck_file(deck)))  # pauses the collector itself
        warm.append(_timed(lambda: cache.load(deck)))
    # The app's first start on a big realistic deck: the library through the parse cache
    # (bytes held, hashed, parsed, pickled), each in a fresh process, peak RSS its own VmHWM.
    big_deck = make_deck(tmp / "deck-100k.yaml", big, realistic=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    code = (HWM + "import json, sys\nfrom omtquiz.decks.format.library import load_library\n"
            f"lib = load_library([{str(big_deck)!r}], cache_dir=sys.argv[1])\n"
            "print(json.dumps({'hwm': peak_kib()}))")
    idle_code = HWM + "import json\nprint(json.dumps({'hwm': peak_kib()}))"
    peaks, idles = [], []
    for n in range(max(1, runs // 2)):
        cache_dir = tmp / f"big-cache-{n}"
        peaks.append(_child(code, env, str(cache_dir))["hwm"] / 1024)
        idles.append(_child(idle_code, env)["hwm"] / 1024)
        shutil.rmtree(cache_dir, ignore_errors=True)
    mib = big_deck.stat().st_size / 2**20
    return [
        Row(f"{cards} realistic cards, cold load + validate", cold, bare_off, "s",
            "<= 0.5x (base: yaml.load, GC paused)"),
        Row(f"{cards} realistic cards, same vs yaml.load GC on", cold, bare_on, "s", "-"),
        Row(f"{cards} realistic cards, warm parse cache", warm, bare_off, "s", "<= 0.05x"),
        Row(f"{big} realistic cards ({mib:.0f} MiB), first start peak", peaks, None, "MiB",
            "<= 300"),
        Row("idle python beside it, peak", idles, None, "MiB", "-"),
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


FIRST_OPEN = """
import json, sys, time
from datetime import datetime, timedelta, timezone
from omtquiz.clock import FixedClock
from omtquiz.decks.format.library import load_library
from omtquiz.progress.store import Store
from omtquiz.study.scope import Scope
from omtquiz.study.session import StudySession
from omtquiz.study.stats import collect
deck, cache, db, mode = sys.argv[1:5]
clock = FixedClock(datetime(2026, 1, 1, 12, tzinfo=timezone.utc) + timedelta(days=40))
library = load_library([deck], cache_dir=cache)
store = Store.open(db, clock=clock)
out = {}
if mode == "register":  # the library changed since the store last saw it
    store._conn.execute("UPDATE settings SET value = '' WHERE key = 'item-registry'")
    t0 = time.perf_counter()
    store.register_library(library)
    out["register"] = time.perf_counter() - t0
if mode == "queue":  # as the app starts: today's queue (the deck list), then statistics
    t0 = time.perf_counter()
    StudySession(store, library, Scope.all(), clock=clock)
    t1 = time.perf_counter()
    StudySession(store, library, Scope.all(), clock=clock)
    out.update(queue=t1 - t0, again=time.perf_counter() - t1)
if mode in ("queue", "stats"):  # "stats": statistics the first thing the process does
    t0 = time.perf_counter()
    collect(store, library, clock)
    t1 = time.perf_counter()
    collect(store, library, clock)
    out.update(stats=t1 - t0, stats_again=time.perf_counter() - t1)
store.close()
print(json.dumps(out))
"""
# The bare baseline, in a fresh process on the same file: open it and count its rows per deck
# and state from the covering index, the least any queue showing counts must read.
BARE_COUNTS = """
import json, sqlite3, sys, time
t0 = time.perf_counter()
conn = sqlite3.connect(sys.argv[1])
conn.execute("SELECT deck_id, state, count(*) FROM card_state GROUP BY deck_id, state").fetchall()
print(json.dumps({"s": time.perf_counter() - t0}))
"""


def scheduling(sizes: list[int], answers: int, runs: int, tmp: Path) -> list[Row]:
    """The first queue and statistics of the day at each size, each in a fresh process on a
    fresh copy of the progress file, interleaved with a bare SQLite count of the same file;
    then answers through the whole window at the largest size."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    made = {}
    for cards in sizes:
        folder = tmp / f"collection-{cards}"
        folder.mkdir()
        library, store, clock = collection(cards, folder)
        store.register_library(library)  # as on any day after the first with this library
        store.close()
        made[cards] = (library, clock, folder)
    samples: dict[tuple[int, str], list[float]] = {}

    def child(cards: int, mode: str, n: int) -> dict:
        folder = made[cards][2]
        db = folder / f"first-{n}.sqlite3"  # a fresh copy: nothing the last run kept
        shutil.copyfile(folder / "progress.sqlite3", db)
        try:
            if mode == "bare":
                return _child(BARE_COUNTS, env, str(db))
            return _child(FIRST_OPEN, env, str(folder / "collection.yaml"),
                          str(folder / "cache"), str(db), mode)
        finally:
            db.unlink()

    for n in range(runs):  # interleaved: every size and mode once per round
        for cards in sizes:
            for mode in ("bare", "queue", "stats", *(("register",) if n < 3 else ())):
                for key, value in child(cards, mode, n).items():
                    samples.setdefault((cards, f"{mode}:{key}"), []).append(value)
    big = sizes[-1]
    p50, p99 = answer_latency(made[big][0], made[big][2], made[big][1], answers)
    rows = []
    for cards in sizes:
        bare = samples[cards, "bare:s"]
        largest = cards == big
        rows += [
            Row(f"today's queue, {cards} cards, first of the day", samples[cards, "queue:queue"],
                bare, "s", "<= 0.050 s" if largest else "-"),
            Row(f"statistics, {cards} cards, first open", samples[cards, "queue:stats"], bare,
                "s", "<= 0.120 s" if largest else "-"),
            Row(f"statistics, {cards} cards, first thing in a process",
                samples[cards, "stats:stats"], bare, "s", "-"),
        ]
    rows += [
        Row(f"today's queue, {big} cards, again", samples[big, "queue:again"], None, "s",
            "<= 0.050 s"),
        Row(f"statistics, {big} cards, again", samples[big, "queue:stats_again"], None, "s",
            "-"),
        Row(f"registering the library anew, {big} cards", samples[big, "register:register"],
            None, "s", "-"),
        Row("answer to next card painted, whole window, p50", p50, None, "s", "-"),
        Row("answer to next card painted, whole window, p99", p99, None, "s", "<= 0.008 s"),
    ]
    return rows


def answer_latency(library, tmp: Path, clock, answers: int) -> tuple[list[float], list[float]]:
    """Rate, let the window's listeners (status bar, deck counts) run, repaint the window."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from omtquiz.profile import Dirs
    from omtquiz.progress.store import Store
    from omtquiz.study.scope import Scope
    from omtquiz.ui.context import AppContext
    from omtquiz.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    store = Store.open(tmp / "progress.sqlite3", clock=clock)
    dirs = Dirs(data=tmp / "window-data", cache=tmp / "window-cache")
    dirs.data.mkdir(exist_ok=True)
    context = AppContext(dirs=dirs, library=library, store=store, clock=clock)
    window = MainWindow(context)
    window.resize(1100, 750)
    window.show()
    window.study(Scope.all())
    page = window.review_page
    app.processEvents()
    p50s, p99s = [], []
    for _ in range(3):  # three blocks of answers, for a spread
        latencies = []
        for _ in range(answers):
            page.reveal()
            app.processEvents()
            start = time.perf_counter()
            page.rate(3)
            app.processEvents()
            window.repaint()
            latencies.append(time.perf_counter() - start)
        latencies.sort()
        p50s.append(latencies[len(latencies) // 2])
        p99s.append(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))])
    window.close()
    store.close()
    return p50s, p99s


EXPORT_OURS = """
import json, sys, time
from omtquiz.decks.format.loader import load_deck_file
from omtquiz.interop.anki_export import export_apkg
deck = load_deck_file(sys.argv[1]).deck
start = time.perf_counter()
export_apkg([deck], sys.argv[2])
print(json.dumps({"s": time.perf_counter() - start}))
"""
EXPORT_BARE = """
import json, pickle, sys, time
import genanki
from omtquiz.interop.anki_export import _note_types
with open(sys.argv[1], "rb") as fh:
    notes = pickle.load(fh)
models = {model.model_id: model for model in _note_types().values()}
start = time.perf_counter()
out = genanki.Deck(2059400110, "Bare")
for mid, guid, flds, tags in notes:
    out.add_note(genanki.Note(model=models[mid], fields=flds.split("\x1f"), guid=guid,
                              tags=tags.split()))
genanki.Package(out).write_to_file(sys.argv[2])
print(json.dumps({"s": time.perf_counter() - start}))
"""
# The same, but the package compressed as ours is (deflate, level 1): genanki's own
# `write_to_file` stores the collection uncompressed (4-5x the file); the same file either way.
EXPORT_BARE_DEFLATED = EXPORT_BARE.replace(
    "genanki.Package(out).write_to_file(sys.argv[2])", """\
import itertools, os, sqlite3, tempfile, zipfile
fd, db = tempfile.mkstemp()
os.close(fd)  # Package.write_to_file, line for line, but for the compression
conn = sqlite3.connect(db)
stamp = time.time()
genanki.Package(out).write_to_db(conn.cursor(), stamp, itertools.count(int(stamp * 1000)))
conn.commit()
conn.close()
with zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_DEFLATED, compresslevel=1) as outzip:
    outzip.write(db, "collection.anki2")
    outzip.writestr("media", json.dumps({}))""")
assert EXPORT_BARE_DEFLATED != EXPORT_BARE


def export_growth(sizes: list[int], runs: int, tmp: Path) -> list[Row]:
    """The export rows at each size, so the curve from 1k to 100k cards is visible."""
    rows = []
    for cards in sizes:
        folder = tmp / f"export-growth-{cards}"
        folder.mkdir()
        rows += [replace(row, figure=f"growth: {row.figure}", target="-")
                 for row in export(cards, runs, folder)[:2]]
        shutil.rmtree(folder, ignore_errors=True)
    return rows


def export(cards: int, runs: int, tmp: Path) -> list[Row]:
    """Ours from a realistic mixed deck, against bare genanki writing the very notes ours
    wrote; each export cold, in a fresh process (render caches empty), runs interleaved.
    Ours compresses the package (deflate, level 1) and genanki's `write_to_file` does not, so
    the ratio is printed both ways: against genanki as it is, and against genanki writing the
    same notes compressed as ours is; and the two packages' sizes."""
    import sqlite3
    import zipfile

    deck = make_deck(tmp / "export.yaml", cards, realistic=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    ours_path, bare_path, deflated_path = tmp / "ours.apkg", tmp / "bare.apkg", tmp / "bz.apkg"
    _child(EXPORT_OURS, env, str(deck), str(ours_path))
    with zipfile.ZipFile(ours_path) as package:
        (tmp / "ours.anki2").write_bytes(package.read("collection.anki2"))
    with sqlite3.connect(tmp / "ours.anki2") as db:
        notes = db.execute("SELECT mid, guid, flds, tags FROM notes").fetchall()
    (tmp / "notes.pickle").write_bytes(pickle.dumps(notes))
    ours, base, deflated = [], [], []
    for _ in range(runs):  # interleaved
        base.append(_child(EXPORT_BARE, env, str(tmp / "notes.pickle"), str(bare_path))["s"])
        deflated.append(_child(EXPORT_BARE_DEFLATED, env, str(tmp / "notes.pickle"),
                               str(deflated_path))["s"])
        ours.append(_child(EXPORT_OURS, env, str(deck), str(ours_path))["s"])
    figure = f"export {cards} cards to .apkg, realistic mixed, cold"
    return [Row(figure, ours, base, "s", "<= 1.5x"),
            Row("  same, vs genanki deflating as ours does (level 1)", ours, deflated, "s",
                "-"),
            Row("  package size, ours (deflate 1) vs genanki's (stored)",
                [ours_path.stat().st_size / 1000], [bare_path.stat().st_size / 1000], "KB",
                "-")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one run (for CI)")
    parser.add_argument("--json", metavar="FILE", help="also write the rows as JSON")
    parser.add_argument("--only", choices=["startup", "loading", "scheduling", "export"],
                        action="append", help="run only these groups")
    parser.add_argument("--runs", type=int, default=7, help="runs of each figure (default 7)")
    parser.add_argument("--big", type=int, default=100_000,
                        help="cards of the big deck and the collection (default 100000)")
    parser.add_argument("--anki-python", metavar="PYTHON",
                        help="an interpreter with Anki desktop (pip install aqt): "
                        "also time Anki's start to its deck list, beside ours")
    args = parser.parse_args(argv)
    quick = args.quick
    runs = 1 if quick else max(5, args.runs)
    big = 400 if quick else args.big
    groups = args.only or ["startup", "loading", "scheduling", "export"]
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="omtquiz-bench-") as name:
        tmp = Path(name)
        if "startup" in groups:
            rows += startup(runs, tmp, args.anki_python)
        growth = [100, 300] if quick else [1_000, 10_000, big]
        if "loading" in groups:
            rows += loading(200 if quick else 10_000, big, runs, tmp)
            rows += load_growth(growth, runs, tmp)
        if "scheduling" in groups:
            rows += scheduling(growth, 20 if quick else 500, runs, tmp)
        if "export" in groups:
            rows += export(200 if quick else 10_000, runs, tmp)
            rows += export_growth(growth, runs, tmp)
    print(f"{'figure':<56} {'omtquiz median (min-max)':>26} {'baseline':>26} {'ratio':>7}  "
          "target")
    for row in rows:
        unit = "" if row.unit == "s" else f"  ({row.unit})"
        print(f"{row.figure:<56} {_fmt(row.samples, row.unit):>26} "
              f"{_fmt(row.base_samples, row.unit):>26} {row.ratio():>7}  {row.target}{unit}")
    if args.json:
        Path(args.json).write_text(json.dumps([row.as_dict() for row in rows], indent=2))
    return 0


if __name__ == "__main__":  # `python bench/run.py` as well as `python -m bench`
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
