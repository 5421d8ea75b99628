"""The desktop app as `omtquiz` starts it, plus one line on stdout when its first screen paints.

`bench.run` times start-up with this: the same argument parsing, profile, library and window as
`python -m omtquiz`, then "painted" and a quit once the deck list (or, with --study, the card)
has been drawn, with its peak memory (VmHWM). The watching lives here, not in the app.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

from omtquiz.cli.common import profile_from
from omtquiz.cli.main import parse_args
from omtquiz.ui.app import run


def peak_kib() -> int:
    """This process's own peak resident set (VmHWM), which, unlike `ru_maxrss`, starts afresh
    at exec instead of carrying over the parent's peak."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


class _ReportFirstPaint(QObject):
    def eventFilter(self, watched, event) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._done)
        return False

    def _done(self) -> None:
        print("painted", flush=True)
        print("hwm", peak_kib(), flush=True)
        QApplication.instance().quit()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)

    def watch(window) -> None:
        page = window.review_page.view if args.study else window.deck_page.tree
        page.viewport().installEventFilter(_ReportFirstPaint(window))

    return run(profile_from(args), study=args.study, on_window=watch)


if __name__ == "__main__":
    sys.exit(main())
