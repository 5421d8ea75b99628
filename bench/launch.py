"""The desktop app as `omtquiz` starts it, plus one line on stdout when its first screen paints.

`bench.run` times start-up with this: the same argument parsing, profile, library and window as
`python -m omtquiz`, then "painted" and a quit once the deck list (or, with --study, the card)
has been drawn, with its peak memory (VmHWM). The watching lives here, not in the app.

Modules load in the order `omtquiz` loads them: the command line and the profile (the core)
first, then the app (`omtquiz.ui`, which imports Qt); only then this watcher's own Qt classes.
"""

from __future__ import annotations

import sys

from omtquiz.cli.common import profile_from
from omtquiz.cli.main import parse_args
from omtquiz.ui.app import run


def _qt():
    """The watcher's Qt classes, imported after the app's modules (as in `omtquiz`)."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    return QEvent, QObject, QTimer, QApplication


def peak_kib() -> int:
    """This process's own peak resident set (VmHWM), which, unlike `ru_maxrss`, starts afresh
    at exec instead of carrying over the parent's peak."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def _report_first_paint(parent):
    """An event filter that prints "painted" and the peak memory after the first paint it
    sees, then quits."""
    QEvent, QObject, QTimer, QApplication = _qt()

    class ReportFirstPaint(QObject):
        def eventFilter(self, watched, event) -> bool:
            if event.type() == QEvent.Type.Paint:
                watched.removeEventFilter(self)
                QTimer.singleShot(0, self._done)
            return False

        def _done(self) -> None:
            print("painted", flush=True)
            print("hwm", peak_kib(), flush=True)
            QApplication.instance().quit()

    return ReportFirstPaint(parent)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)

    def watch(window) -> None:
        # The list (or card view) itself, not its viewport: the view and its viewport are drawn
        # in the same pass, and asking PySide for a viewport (a bare QWidget*) would make it
        # build the Python types of ~50 widget classes (~7 ms, ~0.6 MB) that the app, which
        # never asks, does not build; the bare window's watcher asks for nothing either.
        page = window.review_page.view if args.study else window.deck_page.tree
        page.installEventFilter(_report_first_paint(window))

    return run(profile_from(args), study=args.study, on_window=watch)


if __name__ == "__main__":
    sys.exit(main())
