"""File menu actions that reach the data folder: a new deck, back up now, restore, open folder.

Each is the same core code its command does (`new-deck`, `backup`, `restore`): this module only
asks the student and reports the outcome. Modal questions go through `ask_*` functions that
tests replace.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget

from omtquiz.decks.format.ids import slugify
from omtquiz.decks.format.writer import NewDeckError, write_new_deck
from omtquiz.progress.store import StoreError


def ask_title(parent: QWidget) -> str | None:
    title, ok = QInputDialog.getText(parent, "New deck", "Title of the new deck:")
    return title if ok and title.strip() else None


def ask_backup_file(parent: QWidget, folder: Path) -> str | None:
    path, _ = QFileDialog.getOpenFileName(parent, "Restore progress from a backup", str(folder),
                                          "Progress backups (*.sqlite3)")
    return path or None


def confirm_restore(parent: QWidget, path: str) -> bool:
    answer = QMessageBox.question(
        parent, "Restore from backup",
        f"Replace all your progress with the backup {Path(path).name}?\n\nYour progress as it "
        "is now is saved as a backup first, so this can be undone by restoring that one.")
    return answer == QMessageBox.StandardButton.Yes


def _plain_box(parent: QWidget, icon, title: str, text: str) -> None:
    box = QMessageBox(icon, title, text, parent=parent)
    box.setTextFormat(Qt.TextFormat.PlainText)  # paths and messages are never HTML
    box.exec()


def new_deck(window) -> Path | None:
    """Ask a title, write a starter deck into the user's decks, load it and open it to edit."""
    title = ask_title(window)
    if title is None:
        return None
    folder = window.context.dirs.user_decks
    name, n = slugify(title), 2
    while (folder / f"{name}.yaml").exists():
        name, n = f"{slugify(title)}-{n}", n + 1
    try:
        path, _ = write_new_deck(folder / f"{name}.yaml", title=title,
                                 schema=window.context.dirs.schema)
    except (NewDeckError, OSError) as exc:
        _plain_box(window, QMessageBox.Icon.Warning, "Could not create the deck", str(exc))
        return None
    window.reload()
    window.open_authoring(str(path))
    window.statusBar().showMessage(f"New deck “{title}”: {path}", 8000)
    return path


def back_up_now(window) -> Path | None:
    try:
        path = window.context.store.backup(window.context.dirs.backups)
    except (StoreError, OSError) as exc:
        _plain_box(window, QMessageBox.Icon.Warning, "Backup failed", str(exc))
        return None
    window.statusBar().showMessage(f"Progress backed up to {path}", 8000)
    return path


def restore_backup(window) -> bool:
    context = window.context
    path = ask_backup_file(window, context.dirs.backups)
    if path is None or not confirm_restore(window, path):
        return False
    try:
        safety = context.store.restore_from(path)
    except (StoreError, OSError) as exc:
        _plain_box(window, QMessageBox.Icon.Warning, "Could not restore",
                   f"{exc}\n\nYour progress was not changed.")
        return False
    window.refresh()
    said = f"Progress restored from {Path(path).name}."
    if safety is not None:
        said += f" The progress it replaced was saved as {safety}."
    window.statusBar().showMessage(said, 10000)
    return True


def open_data_folder(window) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(window.context.dirs.data)))
