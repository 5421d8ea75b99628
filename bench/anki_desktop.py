"""Time Anki desktop (aqt) from process start to its main window and its deck list, offscreen.

Each run starts a fresh interpreter (the `python` given, which has aqt) on a launcher script and
times, in this process, from `subprocess.Popen` to the lines it prints:

- `window`: the first Paint event of Anki's main window (filter installed on `profile_did_open`,
  which Anki calls right after `mw.show()`);
- `painted`: the deck list drawn. `gui_hooks.deck_browser_did_render` fires once the deck list's
  HTML is handed to the web view, before Chromium has loaded or drawn it, so the hook queues
  `requestAnimationFrame(() => requestAnimationFrame(() => pycmd(...)))` on that web view: Anki
  runs it once the new page's DOM is ready, and the message comes back through
  `gui_hooks.webview_did_receive_js_message` after Chromium has produced a frame of the page.
  The launcher then prints `painted` and leaves with `os._exit(0)`, skipping Anki's shutdown.

Runs use QT_QPA_PLATFORM=offscreen and QTWEBENGINE_CHROMIUM_FLAGS="--no-sandbox --disable-gpu"
(Chromium refuses to start as root with its sandbox on). A setup step writes a throwaway base
folder (`aqt -b`) with aqt's own ProfileManager: English chosen, firstRun off, one profile,
update, add-on update and auto sync checks off, the software video driver; and seeds its
collection with 8 top-level decks of 50 basic notes each, about the size of our bundled
decks. One discarded run comes first, so only warm starts are timed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

SETUP = """
import sys

import anki.lang
from anki.collection import Collection
from aqt.profiles import ProfileManager, VideoDriver

anki.lang.set_lang("en_US")
pm = ProfileManager(ProfileManager.get_created_base_folder(sys.argv[1]))
pm.setupMeta()
pm.setLang("en_US")
pm.meta.update(firstRun=False, check_for_updates=False, check_for_addon_updates=False)
pm.create("bench")
pm.load("bench")
pm.profile.update(autoSync=False, syncMedia=False)
pm.save()
pm.set_video_driver(VideoDriver.Software)
col = Collection(pm.collectionPath())
basic = col.models.by_name("Basic")
for d in range(8):
    deck_id = col.decks.id(f"OMT deck {d}")
    for i in range(50):
        note = col.new_note(basic)
        note["Front"], note["Back"] = f"Question {d}.{i}", f"Answer {d}.{i}"
        col.add_note(note, deck_id)
col.close()
"""

LAUNCHER = """
import os
import sys

import aqt
from aqt import gui_hooks
from aqt.qt import QEvent, QObject


class FirstPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            print("window", flush=True)
        return False


first = FirstPaint()


def on_render(browser):
    gui_hooks.deck_browser_did_render.remove(on_render)
    browser.web.eval("requestAnimationFrame(() => requestAnimationFrame("
                     "() => pycmd('bench:painted')))")


def on_message(handled, message, context):
    if message != "bench:painted":
        return handled
    print("painted", flush=True)
    os._exit(0)


gui_hooks.profile_did_open.append(lambda: aqt.mw.installEventFilter(first))
gui_hooks.deck_browser_did_render.append(on_render)
gui_hooks.webview_did_receive_js_message.append(on_message)
sys.argv = [sys.argv[0], "-b", sys.argv[1]]
aqt.run()
"""


def _start(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Seconds from process start to its 'window' and its 'painted' line."""
    seen: dict[str, float] = {}
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True)
    for line in proc.stdout:
        seen.setdefault(line.strip(), time.perf_counter() - start)
        if "painted" in seen:
            break
    proc.stdout.read()  # EOF once Chromium's helper processes, which share stdout, are gone
    if proc.wait() != 0 or "window" not in seen or "painted" not in seen:
        raise RuntimeError(f"{cmd} exited with {proc.returncode} after {sorted(seen)}")
    return seen["window"], seen["painted"]


def prepare(python: str, tmp: Path) -> tuple[list[str], dict[str, str]] | None:
    """The command and environment of one warm Anki start, or None when `python` lacks aqt.

    Writes the base folder and discards one start, so the caller can interleave timed starts
    of Anki with its own (`_start` each).
    """
    try:
        if subprocess.run([python, "-c", "import aqt"], capture_output=True).returncode:
            return None
    except OSError:
        return None
    base = tmp / "anki-base"
    shutil.rmtree(base, ignore_errors=True)
    launcher = tmp / "anki_launch.py"
    launcher.write_text(LAUNCHER)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "QTWEBENGINE_CHROMIUM_FLAGS": "--no-sandbox --disable-gpu"}
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    subprocess.run([python, "-c", SETUP, str(base)], env=env, capture_output=True, check=True)
    cmd = [python, str(launcher), str(base)]
    _start(cmd, env)  # discarded: first start opens the new collection and warms the caches
    return cmd, env


def start(prepared: tuple[list[str], dict[str, str]]) -> tuple[float, float]:
    """One timed warm start: seconds to (main window shown, deck list painted)."""
    return _start(*prepared)
