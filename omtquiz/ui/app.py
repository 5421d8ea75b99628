"""Starting the desktop app: one instance per data folder, the library, the store, the window."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QLockFile, Qt, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from omtquiz.digest import blake2b
from omtquiz.profile import Dirs, Profile
from omtquiz.progress.db import StoreError
from omtquiz.resources import assets_dir
from omtquiz.study.scope import Scope
from omtquiz.ui import theme
from omtquiz.ui.context import AppContext
from omtquiz.ui.errors import install_excepthook
from omtquiz.ui.main_window import MainWindow


def _server_name(dirs: Dirs) -> str:
    return "omtquiz-" + blake2b(str(dirs.data).encode(), digest_size=8).hexdigest()


class SingleInstance:
    """A lock file per data folder; a second start asks the first window to come forward."""

    def __init__(self, dirs: Dirs) -> None:
        self.lock = QLockFile(str(dirs.data / "omtquiz.lock"))
        self.lock.setStaleLockTime(0)
        self.name = _server_name(dirs)
        self.server = None

    def acquire(self) -> bool:
        return self.lock.tryLock(200)

    def ask_first_to_raise(self, open_file: str | None = None) -> bool:
        """Ask the running instance to come forward (and to offer `open_file`, if given)."""
        from PySide6.QtNetwork import QLocalSocket

        socket = QLocalSocket()
        socket.connectToServer(self.name)
        if not socket.waitForConnected(500):
            return False
        message = "raise\n"
        if open_file:
            message += "open " + str(Path(open_file).resolve()) + "\n"
        socket.write(message.encode("utf-8"))
        socket.flush()
        socket.waitForBytesWritten(500)
        socket.disconnectFromServer()
        return True

    def listen(self, window) -> None:
        from PySide6.QtNetwork import QLocalServer

        QLocalServer.removeServer(self.name)
        self.server = QLocalServer()
        self.server.newConnection.connect(lambda: self._accept(window))
        self.server.listen(self.name)

    def _accept(self, window) -> None:
        connection = self.server.nextPendingConnection()
        if connection is None:
            return
        # The sender writes its lines and disconnects at once: read whatever has arrived then.
        connection.readyRead.connect(lambda: self._read(connection, window))
        connection.disconnected.connect(lambda: self._read(connection, window, last=True))
        self._raise(window)

    def _read(self, connection, window, last: bool = False) -> None:
        pending = bytes(connection.readAll().data()).decode("utf-8", "replace")
        buffered = connection.property("pending") or ""
        lines = (buffered + pending).split("\n")
        connection.setProperty("pending", lines.pop())  # an unfinished line waits for more
        for line in lines:
            if line.startswith("open ") and len(line) < 8192:
                path = line[len("open "):]
                QTimer.singleShot(0, lambda p=path: window.add_file(p))
        if last:
            connection.deleteLater()

    @staticmethod
    def _raise(window) -> None:
        window.showNormal()
        window.raise_()
        window.activateWindow()


def make_app(*, offscreen: bool = False) -> QApplication:
    """The QApplication, named and with its icon (offscreen for screenshots)."""
    if offscreen and not os.environ.get("QT_QPA_PLATFORM"):  # unset, or set but empty
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    app = QApplication.instance() or theme.new_app(sys.argv[:1])
    app.setApplicationName("omtquiz")
    app.setOrganizationName("omtquiz")
    icon = assets_dir() / "omtquiz.png"
    if icon.is_file():
        app.setWindowIcon(QIcon(str(icon)))
    return app


def build(profile: Profile, app: QApplication, *,
          fill_deck_list: bool = True) -> tuple[AppContext, MainWindow]:
    """The context and main window of a profile (shared by run and --screenshot)."""
    store, message = profile.open_store()
    prefs = store.get_value("ui", {}) or {}
    name = theme.apply(app, prefs.get("theme", "system"), int(prefs.get("font_pt", 15)))
    library = profile.load_library()
    context = AppContext(dirs=profile.dirs, library=library, store=store, clock=profile.clock,
                         theme_name=name, startup_message=message)
    window = MainWindow(context, reload_library=profile.load_library,
                        fill_deck_list=fill_deck_list)
    return context, window


def _say_recovered(window, message: str) -> None:
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.warning(window, "Progress recovered", message)


def run(profile: Profile, *, study: str | None = None, open_file: str | None = None,
        on_window: Callable[[MainWindow], None] | None = None) -> int:
    """The desktop app until its window closes; `study` opens straight into a deck's review,
    `open_file` offers to add a deck file or package (sent to the running app if there is one).

    `on_window` sees the window just before it is shown (the start-up benchmark watches for
    its first paint there).
    """
    app = make_app()
    instance = SingleInstance(profile.dirs)
    if not instance.acquire():
        if instance.ask_first_to_raise(open_file):
            print("omtquiz is already running with this data folder: brought its window "
                  "forward" + (f" and sent it {open_file}" if open_file else ""),
                  file=sys.stderr)
            return 0
        from PySide6.QtWidgets import QMessageBox  # here: see main_window's docstring

        QMessageBox.warning(None, "omtquiz is already running",
                            "omtquiz is already open with this data folder. Close the other "
                            "window first, so that two windows never write the same "
                            "progress file.")
        return 1
    install_excepthook()
    try:
        context, window = build(profile, app, fill_deck_list=not study)
    except StoreError as exc:
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(QMessageBox.Icon.Critical, "omtquiz cannot open your progress",
                          str(exc))
        box.setTextFormat(Qt.TextFormat.PlainText)  # the message quotes a file path
        box.exec()
        return 1
    QTimer.singleShot(300, lambda: instance.listen(window))  # after the first paint
    if study:
        window.study(Scope.deck(study))
    if on_window is not None:
        on_window(window)
    window.show()
    if open_file:
        QTimer.singleShot(0, lambda: window.add_file(open_file))
    if context.startup_message:
        QTimer.singleShot(0, lambda: _say_recovered(window, context.startup_message))
    backup_timer = QTimer(window)
    backup_timer.timeout.connect(lambda: context.store.maybe_backup(background=True))
    backup_timer.start(60_000)
    code = app.exec()
    context.store.close()
    instance.lock.unlock()
    return code
