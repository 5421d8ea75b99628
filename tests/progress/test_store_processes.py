"""Real processes on one data folder: four answering at once, and one killed mid-backup
(issue 14, items 12 and 13). Bounded by timeouts; nothing here is timed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import ROOT
from omtquiz.progress.backups import list_backups
from omtquiz.progress.recovery import open_or_recover
from omtquiz.progress.store import Store
from omtquiz.progress.vetting import check_file

ANSWERING = textwrap.dedent("""
    import sys
    from omtquiz.decks.model import Item
    from omtquiz.progress.store import Store
    from omtquiz.scheduling import Settings
    from omtquiz.study.recording import record_quiz_answer

    db, backups, who, answers = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    items = [Item("d", f"c{i}", 0) for i in range(6)]
    store = Store.open(db, backup_dir=backups, backup_now=False, keep=1000)  # no rotation
    print("ready", flush=True)
    sys.stdin.readline()  # every process starts answering together
    for i in range(answers):
        record_quiz_answer(store, items[(i + who) % len(items)], i % 3 != 0, 1000, "mcq")
        if i % 10 == 9:
            print("backup", store.backup(), flush=True)
    store.close()
""")


def child_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


@pytest.mark.slow
def test_four_processes_answering_lose_no_update_and_share_no_backup_name(tmp_path):
    db, backups = tmp_path / "progress.sqlite3", tmp_path / "backups"
    with Store.open(db) as store:
        from omtquiz.scheduling import Settings

        store.save_settings(Settings().with_global(fuzz=False, new_per_day=1000))
    script = tmp_path / "answer.py"
    script.write_text(ANSWERING, encoding="utf-8")
    answers = 60
    children = [subprocess.Popen([sys.executable, str(script), str(db), str(backups), str(who),
                                  str(answers)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, text=True, env=child_env())
                for who in range(4)]
    try:
        for child in children:
            assert child.stdout.readline().strip() == "ready", child.stderr.read()
        for child in children:
            child.stdin.write("go\n")
            child.stdin.flush()
        outputs = [child.communicate(timeout=180) for child in children]
    finally:
        for child in children:
            if child.poll() is None:
                child.kill()
                child.wait()
    for child, (_out, err) in zip(children, outputs, strict=True):
        assert child.returncode == 0, err
    made = [Path(line.split(" ", 1)[1]) for out, _ in outputs for line in out.splitlines()
            if line.startswith("backup ")]
    assert len(made) == 4 * answers // 10
    assert len(set(made)) == len(made)  # no two processes wrote the same backup
    assert sorted(list_backups(backups)) == sorted(made)
    for path in made:
        assert check_file(path) is None

    with Store.open(db) as store:
        assert store.quick_check() == []
        entries = store.entries()
        assert len(entries) == 4 * answers
        last = {}
        for entry in entries:  # in commit order: each answer starts from the one before it
            if entry.item in last:
                assert entry.before == last[entry.item].after, entry
            else:
                assert entry.before.card.reps == 0
            last[entry.item] = entry
        for item, entry in last.items():
            assert store.get(item) == entry.after
        assert sum(e.after.card.reps for e in last.values()) == sum(
            1 for e in entries if e.rescheduled)


BACKING_UP = textwrap.dedent("""
    import sys
    from omtquiz.progress.store import Store

    store = Store.open(sys.argv[1], backup_now=False)
    while True:
        print(store.backup(sys.argv[2], keep=3), flush=True)
""")


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_a_backup_killed_midway_leaves_files_the_next_start_removes(tmp_path):
    db, backups = tmp_path / "progress.sqlite3", tmp_path / "backups"
    with Store.open(db) as store, store.batch():
        for i in range(150):  # about 15 MB: a backup takes long enough to be caught in
            store.set_value(f"pad{i}", os.urandom(50_000).hex())
    script = tmp_path / "backup.py"
    script.write_text(BACKING_UP, encoding="utf-8")
    leftovers: list[Path] = []
    for _attempt in range(20):  # a kill may land between two backups; then try again
        child = subprocess.Popen([sys.executable, str(script), str(db), str(backups)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                 env=child_env())
        try:
            first = child.stdout.readline()
            assert first.strip(), child.stderr.read()
            for _poll in range(100_000):
                if list(backups.glob("*.partial")):
                    break
        finally:
            os.kill(child.pid, signal.SIGKILL)
            child.wait(timeout=60)
            child.stdout.close()
            child.stderr.close()
        leftovers = [p for p in backups.iterdir() if ".partial" in p.name]
        if leftovers:
            break
    assert leftovers, "no kill landed during a backup in 20 tries"
    published = list_backups(backups)
    store, message = open_or_recover(db, backups, backup_now=False)
    with store:
        assert message is None and store.quick_check() == []
    assert not [p for p in backups.iterdir() if ".partial" in p.name]
    assert list_backups(backups) == published  # finished backups are never touched
    for path in published:
        assert check_file(path) is None, json.dumps(str(path))


RESTORING = textwrap.dedent("""
    import sys
    from omtquiz.progress.store import Store

    store = Store.open(sys.argv[1], backup_dir=sys.argv[2], backup_now=False, keep=1000)
    while True:
        for source in sys.argv[3:]:
            store.restore_from(source)
            print(source, flush=True)
""")


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
@pytest.mark.parametrize("kill_after", [1, 4])
def test_a_restore_killed_midway_leaves_one_whole_state(tmp_path, kill_after):
    """The copy goes in as one transaction: after a kill the progress is one file's or the
    other's, never a mix, and the next start opens it without a message."""
    db, backups = tmp_path / "progress.sqlite3", tmp_path / "backups"
    sources = []
    with Store.open(db) as store:
        for name, count in (("small", 5), ("large", 120)):
            with store.batch():
                for i in range(count):
                    store.set_value(f"pad{i}", os.urandom(50_000).hex())
            sources.append(store.backup(tmp_path / name))
    states = []
    for source in sources:
        with Store.open(source) as store:
            states.append(store.get_value("pad4"))
    script = tmp_path / "restore.py"
    script.write_text(RESTORING, encoding="utf-8")
    child = subprocess.Popen([sys.executable, str(script), str(db), str(backups),
                              *map(str, sources)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=child_env())
    try:
        for _ in range(kill_after):
            assert child.stdout.readline().strip(), child.stderr.read()
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=60)
        child.stdout.close()
        child.stderr.close()
    store, message = open_or_recover(db, backups, backup_now=False)
    with store:
        assert message is None and store.quick_check() == []
        which = states.index(store.get_value("pad4"))  # raises if it is neither
        count = sum(1 for i in range(200) if store.get_value(f"pad{i}") is not None)
        assert count == (5, 120)[which]
