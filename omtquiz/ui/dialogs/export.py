"""File > Export to Anki: pick decks, choose a file, watch it write, read what happened.

The export runs on a worker thread so a large package never freezes the window; progress is
read from the store on the main thread first, because a SQLite connection stays on its thread.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
)

from omtquiz.decks.model import notes_and_cards
from omtquiz.interop import anki_export


class _Worker(QObject):
    progressed = Signal(int, int)
    done = Signal(object)
    failed = Signal(str)

    def __init__(self, decks, path: Path, progress) -> None:
        super().__init__()
        self.decks, self.path, self.progress = decks, path, progress

    def run(self) -> None:
        try:
            report = anki_export.export_apkg(self.decks, self.path, progress=self.progress,
                                             on_progress=self.progressed.emit)
        except (anki_export.ExportError, OSError) as exc:
            self.failed.emit(str(exc))
        else:
            self.done.emit(report)


class ExportDialog(QDialog):
    finished_export = Signal(bool)  # True when a package was written

    def __init__(self, context, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export to Anki")
        self.context = context
        self.thread_: QThread | None = None
        self.report = None
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Decks to export (a re-export updates the same notes in Anki):"))
        self.deck_list = QListWidget()
        self.deck_list.setObjectName("exportDeckList")
        self.deck_list.setAccessibleName("Decks to export")
        for deck in context.library.decks:
            item = QListWidgetItem(f"{deck.full_name}  ({notes_and_cards(deck.cards)})")
            item.setData(Qt.ItemDataRole.UserRole, deck.id)
            item.setCheckState(Qt.CheckState.Checked)
            self.deck_list.addItem(item)
        layout.addWidget(self.deck_list, 1)
        self.progress_box = QCheckBox("Include my progress (Anki: tick \u201cImport any learning "
                                      "progress\u201d when importing)")
        self.progress_box.setObjectName("exportProgressCheck")
        self.progress_box.setAccessibleName("Include my progress")
        layout.addWidget(self.progress_box)
        row = QHBoxLayout()
        self.path_edit = QLineEdit(str(Path.home() / "omtquiz.apkg"))
        self.path_edit.setObjectName("exportPathEdit")
        self.path_edit.setAccessibleName("Export file")
        browse = QPushButton("Choose…")
        browse.setObjectName("exportBrowseButton")
        browse.setAccessibleName("Choose export file")
        browse.clicked.connect(self._browse)
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        layout.addLayout(row)
        self.bar = QProgressBar()
        self.bar.setObjectName("exportProgressBar")
        self.bar.setAccessibleName("Export progress")
        self.bar.setTextVisible(False)
        self.bar.hide()
        layout.addWidget(self.bar)
        self.message = QLabel()
        self.message.setObjectName("exportMessageLabel")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)  # paths and errors, never markup
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.message)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.export_button = self.buttons.addButton("Export",
                                                    QDialogButtonBox.ButtonRole.ActionRole)
        self.export_button.setObjectName("exportButton")
        self.export_button.setAccessibleName("Export")
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(self.start)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(560, 460)

    @classmethod
    def ask(cls, context, parent=None) -> None:
        cls(context, parent).exec()

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export to Anki", self.path_edit.text(),
                                              "Anki package (*.apkg)")
        if path:
            self.path_edit.setText(path if path.endswith(".apkg") else path + ".apkg")

    def chosen_decks(self):
        wanted = {self.deck_list.item(i).data(Qt.ItemDataRole.UserRole)
                  for i in range(self.deck_list.count())
                  if self.deck_list.item(i).checkState() == Qt.CheckState.Checked}
        return [deck for deck in self.context.library.decks if deck.id in wanted]

    def start(self) -> None:
        decks = self.chosen_decks()
        path = Path(self.path_edit.text()).expanduser()
        if not decks:
            self._fail("Choose at least one deck.")
            return
        if path.suffix != ".apkg":
            self._fail("The file name must end in .apkg.")
            return
        progress = None
        if self.progress_box.isChecked():
            items = [item for deck in decks for item in deck.items()]
            progress = anki_export.progress_from_store(self.context.store, items)
        self.export_button.setEnabled(False)
        self.bar.show()
        self.bar.setRange(0, 0)
        self.message.setText("Writing…")
        self.thread_ = QThread(self)
        self.worker = _Worker(decks, path, progress)
        self.worker.moveToThread(self.thread_)
        self.thread_.started.connect(self.worker.run)
        self.worker.progressed.connect(self._progressed)
        self.worker.done.connect(self._done)
        self.worker.failed.connect(self._fail)
        self.thread_.start()

    def _join(self) -> None:
        """The worker has emitted its last signal; wait for its thread to end, so the dialog
        can never be destroyed under a running QThread (Qt aborts the process then)."""
        if self.thread_ is not None:
            self.thread_.quit()
            self.thread_.wait()

    def _progressed(self, done: int, total: int) -> None:
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)

    def _done(self, report) -> None:
        self._join()
        self.report = report
        self.bar.setRange(0, 1)
        self.bar.setValue(1)
        text = report.summary().replace("wrote ", "Wrote ", 1) + "."
        if report.warnings:
            text += "\n" + "\n".join(report.warnings[:5])
        self.message.setText(text + "\nIn Anki: File > Import and choose this file.")
        self.export_button.setEnabled(True)
        self.finished_export.emit(True)

    def _fail(self, message: str) -> None:
        self._join()
        self.message.setText(f"Export failed: {message}")
        self.bar.hide()
        self.export_button.setEnabled(True)
        self.finished_export.emit(False)

    def done(self, result: int) -> None:
        self._join()
        super().done(result)
