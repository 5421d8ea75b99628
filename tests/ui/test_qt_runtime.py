"""Guards against a broken Qt binding: PySide6 6.12.0 loses a reference to None per
processEvents() call and crashes Python 3.11 after a few thousand (pinned out in pyproject)."""

from __future__ import annotations

import sys


def test_process_events_keeps_none_alive(qapp):
    before = sys.getrefcount(None)
    for _ in range(2000):
        qapp.processEvents()
    assert sys.getrefcount(None) >= before - 50
