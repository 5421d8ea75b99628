"""Test set-up: headless Qt, and a data folder that is never the real user's."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
BUNDLED_DECKS = ROOT / "decks"


@pytest.fixture(autouse=True)
def _private_data_dir(tmp_path_factory, monkeypatch):
    """Every test gets its own data and cache folders; nothing reaches the user's profile."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("OMTQUIZ_DATA_DIR", str(home / "data"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "xdg-data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "xdg-cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "xdg-config"))
    monkeypatch.setenv("HOME", str(home))
    return home / "data"


@pytest.fixture
def data_dir(_private_data_dir):
    return _private_data_dir


@pytest.fixture
def store(tmp_path, clock):
    """A progress store in a fresh folder, on the test module's `clock` fixture."""
    from omtquiz.progress.store import Store

    with Store.open(tmp_path / "progress.sqlite3", clock=clock) as opened:
        yield opened


@pytest.fixture
def write_deck(tmp_path):
    """Write a deck file from text; returns its path."""

    def write(text: str, name: str = "deck.yaml", folder: Path | None = None) -> Path:
        target = (folder or tmp_path) / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        return target

    return write


@pytest.fixture
def logged_context(tmp_path, qapp):
    """The app's context over `samples.hand_log`: its numbers are worked out there."""
    from omtquiz.clock import FixedClock
    from omtquiz.ui import theme
    from samples import START, hand_log, make_context, stats_library

    clock = FixedClock(START)
    context = make_context(tmp_path, stats_library(), clock)
    hand_log(context.store, clock)
    yield context
    context.store.close()
    theme.apply(qapp, "light", 15)


def run_cli(*args: str, cwd: Path | None = None):
    """Run `python -m omtquiz` as a user would, in a subprocess."""
    import subprocess

    return subprocess.run([sys.executable, "-m", "omtquiz", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=120)


# A 1x1 PNG, for decks and packages with a picture.
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
       b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")


def clean(path: Path) -> None:
    """No error or warning from the loader, the lints or the JSON Schema: `validate --strict`."""
    import json

    import jsonschema
    import yaml

    from omtquiz.decks.format.lint import lint_library
    from omtquiz.decks.format.loader import load_deck_file
    from omtquiz.decks.format.writer import SCHEMA_PATH
    from omtquiz.decks.model import Library

    result = load_deck_file(path)
    found = [*result.diagnostics, *lint_library(Library((result,)))]
    assert found == [], "\n".join(str(d) for d in found)
    schema = jsonschema.Draft7Validator(json.loads(SCHEMA_PATH.read_text()))
    assert list(schema.iter_errors(yaml.safe_load(path.read_text(encoding="utf-8")))) == []


def run_capped(*args: str, seconds: float = 60, memory_mb: int = 1536, cwd: Path | None = None):
    """Run `python ARGS` under an address-space cap and a time limit: a hang detector.

    Hostile inputs are run this way so that a regression fails (killed, or out of memory)
    instead of hanging the suite or swapping the machine. The limits are generous bounds, not
    benchmarks: the fixed code finishes far inside them.
    """
    import resource
    import subprocess

    def limit() -> None:
        cap = memory_mb * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    try:
        return subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=cwd,
                              timeout=seconds, preexec_fn=limit)
    except subprocess.TimeoutExpired:
        pytest.fail(f"still running after {seconds:g} s (killed): {' '.join(args)[:200]}")


HAS_XVFB = bool(shutil.which("Xvfb") and shutil.which("xwininfo"))


@pytest.fixture
def xserver():
    """A private Xvfb display (\":N\"), stopped after the test."""
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0",
                               "1280x800x24", "-nolisten", "tcp"], pass_fds=(write_fd,),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        display = ":" + pipe.readline().strip()
    yield display
    server.terminate()
    server.wait(timeout=10)


def x_windows(display: str) -> str:
    """The X server's window tree, as `xwininfo -root -tree` prints it."""
    result = subprocess.run(["xwininfo", "-root", "-tree"], capture_output=True, text=True,
                            env={**os.environ, "DISPLAY": display}, timeout=10)
    return result.stdout


def run_until_window(cmd: list[str], env: dict[str, str], display: str) -> str:
    """Start `cmd` on `display`, wait (at most 60 s) for its "omtquiz" window, stop it; its
    stderr. Fails if it exits first or no window appears."""
    import time

    app = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and app.poll() is None:
            if '"omtquiz"' in x_windows(display):
                break
            time.sleep(0.2)
        assert app.poll() is None, app.communicate()[1][-2000:]
        assert '"omtquiz"' in x_windows(display)
    finally:
        app.terminate()
        _, err = app.communicate(timeout=30)
    return err
