"""Author an occlusion card: draw its shapes on the picture, name them, choose its mode, save.

The drawing is `widgets.occlusion_editor.ShapeCanvas`; this dialog adds the tools, the list of
shapes with each one's label and group, the card's mode and question text, and Save. Saving is
the core's (`decks.format.editor.set_shapes` / `add_occlusion_card`): the deck file keeps its
comments and order, the loader checks the result before anything is written, and the `Edit`
it returns can be undone. A refused save says why and keeps the drawing.

In the app, an edit of a card's shapes moves the progress of the items it renumbers with the
file (`study.shape_progress`): the store and library are the app's main window's, found from
the dialog's parent or, for the authoring window, the main window that opened it; the main window
is told what moved (its `relay`), after the save and after an undo.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    QSpacerItem,
    QVBoxLayout,
    QWidget,
)

from omtquiz.decks import resolver
from omtquiz.decks.format.editor import Edit, EditError, add_occlusion_card
from omtquiz.decks.model import OCCLUSION_MODES, Shape
from omtquiz.study.changes import Changes
from omtquiz.study.shape_progress import ShapeEdit, save_shapes
from omtquiz.ui import theme
from omtquiz.ui.widgets.controls import make_heading, make_label
from omtquiz.ui.widgets.occlusion_editor import ShapeCanvas

TOOL_NAMES = (("select", "Select", "V"), ("rect", "Rectangle", "R"),
              ("ellipse", "Ellipse", "E"), ("polygon", "Polygon", "P"))
MODE_NAMES = {"hide-all-guess-one": "Hide all, guess one",
              "hide-one-guess-one": "Hide one, guess one"}
HINTS = {
    "select": "Click a shape to select it, drag to move it, drag a handle (or a polygon's "
              "corner) to reshape. Tab steps through shapes; arrows move, Shift+arrows "
              "resize, Delete removes, Ctrl+Z undoes.",
    "rect": "Drag a box over what to cover.",
    "ellipse": "Drag a box; the ellipse fills it.",
    "polygon": "Click each corner; Enter, a double click or the first corner closes it "
               "(Esc drops it).",
}


class OcclusionEditorDialog(QDialog):
    """Shapes of one occlusion card: `card_id` None starts a new card on `image_ref`."""

    def __init__(self, deck_path: str | Path, image_path: str, *, card_id: str | None = None,
                 image_ref: str | None = None, shapes: tuple[Shape, ...] = (),
                 mode: str = OCCLUSION_MODES[0], front: str = "",
                 sources: tuple[tuple[str, str], ...] = (), parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("occlusionEditorDialog")
        self.deck_path = Path(deck_path)
        self.card_id = card_id
        self.image_ref = image_ref
        self.edit: Edit | FollowedEdit | None = None
        self._dirty = False
        self.setWindowTitle(("Edit shapes · " + card_id if card_id else "New occlusion card")
                            + f" · {self.deck_path.name}")
        self.resize(1100, 720)

        self.canvas = ShapeCanvas(image_path, resolver.roots_of(self.deck_path), shapes)
        self.canvas.shapesChanged.connect(self._shapes_changed)
        self.canvas.selectionChanged.connect(self._selection_changed)
        self.canvas.toolChanged.connect(self._tool_changed)
        tools = QHBoxLayout()
        self.tool_buttons = QButtonGroup(self)
        for tool, name, key in TOOL_NAMES:
            button = QPushButton(f"{name}  ({key})")
            button.setObjectName(f"tool_{tool}")
            button.setCheckable(True)
            button.setAutoDefault(False)
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            button.setToolTip(HINTS[tool])
            button.clicked.connect(lambda _=False, t=tool: self._use_tool(t))
            self.tool_buttons.addButton(button)
            tools.addWidget(button)
        self.tool_buttons.buttons()[0].setChecked(True)
        c = theme.colors(theme.current())
        self.setStyleSheet(f"QPushButton:checked {{ background: {c['highlight']}; color: white;"
                           f" border-color: {c['highlight']}; }}")
        tools.addStretch(1)
        self.delete_button = QPushButton("Delete shape")
        self.delete_button.setObjectName("deleteShapeButton")
        self.delete_button.setAutoDefault(False)
        self.delete_button.clicked.connect(self.canvas.delete_selected)
        tools.addWidget(self.delete_button)
        self.hint = QLabel(HINTS["select"])
        self.hint.setObjectName("shapeEditorHint")
        self.hint.setProperty("role", "muted")
        self.hint.setWordWrap(True)

        self.shape_list = QListWidget()
        self.shape_list.setObjectName("shapeList")
        self.shape_list.setAccessibleName("Shapes, in the order they are asked")
        self.shape_list.currentRowChanged.connect(self.canvas.select)
        self.shape_list.setStyleSheet("QListWidget#shapeList::item { padding: 3px 4px; }")
        self.label_edit = QLineEdit()
        self.label_edit.setObjectName("shapeLabelEdit")
        self.label_edit.setAccessibleName("Label of the selected shape (the answer)")
        self.label_edit.setPlaceholderText("what the shape covers")
        self.label_edit.textEdited.connect(
            lambda text: self.canvas.set_text(self.canvas.selected, label=text))
        self.label_edit.returnPressed.connect(self.canvas.setFocus)
        self.group_edit = QLineEdit()
        self.group_edit.setObjectName("shapeGroupEdit")
        self.group_edit.setAccessibleName("Group of the selected shape (optional)")
        self.group_edit.setPlaceholderText("optional; a group is asked together")
        self.group_edit.textEdited.connect(
            lambda text: self.canvas.set_text(self.canvas.selected, group=text))
        self.group_edit.returnPressed.connect(self.canvas.setFocus)
        self.mode_combo = QComboBox()
        self.mode_combo.setObjectName("occlusionModeCombo")
        self.mode_combo.setAccessibleName("Mode")
        for key, name in MODE_NAMES.items():
            self.mode_combo.addItem(name, key)
        self.mode_combo.setCurrentIndex(max(0, self.mode_combo.findData(mode)))
        self.mode_combo.currentIndexChanged.connect(self._mark_dirty)
        self.front_edit = QLineEdit(front)
        self.front_edit.setObjectName("occlusionFrontEdit")
        self.front_edit.setAccessibleName("Question text above the picture (optional)")
        self.front_edit.setPlaceholderText("e.g. Name the covered landmark")
        self.front_edit.textEdited.connect(self._mark_dirty)
        self.source_combo = QComboBox()
        self.source_combo.setObjectName("occlusionSourceCombo")
        self.source_combo.setAccessibleName("Source")
        self.source_combo.addItem("(none)", "")
        for source_id, citation in sources:
            self.source_combo.addItem(f"{source_id}: {citation[:50]}", source_id)
        if len(sources) == 1:
            self.source_combo.setCurrentIndex(1)

        form = QFormLayout()
        form.addRow("Label", self.label_edit)
        form.addRow("Group", self.group_edit)
        form.addItem(QSpacerItem(0, 8))
        form.addRow(make_heading("Card"))
        form.addRow("Mode", self.mode_combo)
        form.addRow("Question", self.front_edit)
        if card_id is None:
            form.addRow("Source", self.source_combo)
        side = QVBoxLayout()
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(make_heading("Shapes, in the order asked"))
        side.addWidget(self.shape_list, 1)
        side.addLayout(form)
        panel = QWidget()
        panel.setObjectName("shapeEditorPanel")
        panel.setLayout(side)
        panel.setFixedWidth(320)

        self.problem_label = make_label("shapeEditorProblem", "badge")
        self.problem_label.setWordWrap(True)
        self.problem_label.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("shapeSaveButton")
        self.save_button.setToolTip("Save into the deck file (Ctrl+S)")
        for button in buttons.buttons():
            button.setAutoDefault(False)  # Enter belongs to the canvas and the text fields
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        QShortcut(QKeySequence.StandardKey.Undo, self, self.canvas.undo)  # a field's own first

        left = QVBoxLayout()
        left.addLayout(tools)
        left.addWidget(self.hint)
        left.addWidget(self.canvas, 1)
        columns = QHBoxLayout()
        columns.setSpacing(16)
        columns.addLayout(left, 1)
        columns.addWidget(panel)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addWidget(self.problem_label)
        layout.addWidget(buttons)
        order = [self.canvas, self.label_edit, self.group_edit, self.shape_list,
                 self.mode_combo, self.front_edit,
                 *([self.source_combo] if card_id is None else []), *buttons.buttons(),
                 *self.tool_buttons.buttons(), self.delete_button]
        for first, second in zip(order, order[1:], strict=False):
            QWidget.setTabOrder(first, second)
        self._fill_list()
        self._selection_changed(-1)
        self.canvas.setFocus()

    # -- keeping the panel in step with the canvas ------------------------------------------
    def _use_tool(self, tool: str) -> None:
        self.canvas.set_tool(tool)
        self.canvas.setFocus()

    def _tool_changed(self, tool: str) -> None:
        for button in self.tool_buttons.buttons():
            button.setChecked(button.objectName() == f"tool_{tool}")
        self.hint.setText(HINTS[tool])

    def _fill_list(self) -> None:
        self.shape_list.blockSignals(True)
        self.shape_list.clear()
        for index, shape in enumerate(self.canvas.shapes):
            text = f"{index + 1}. {shape.kind}: {shape.label or '(no label yet)'}"
            self.shape_list.addItem(text + (f"  [{shape.group}]" if shape.group else ""))
        self.shape_list.setCurrentRow(self.canvas.selected)
        self.shape_list.blockSignals(False)

    def _shapes_changed(self) -> None:
        self._mark_dirty()
        self._fill_list()

    def _selection_changed(self, index: int) -> None:
        shape = self.canvas.shapes[index] if 0 <= index < len(self.canvas.shapes) else None
        self.shape_list.blockSignals(True)
        self.shape_list.setCurrentRow(index)
        self.shape_list.blockSignals(False)
        for edit, text in ((self.label_edit, shape.label if shape else ""),
                           (self.group_edit, (shape.group or "") if shape else "")):
            edit.setText(text)
            edit.setEnabled(shape is not None)
        self.delete_button.setEnabled(shape is not None)

    def _mark_dirty(self, *_args) -> None:
        self._dirty = True

    # -- saving ----------------------------------------------------------------------------
    def mode(self) -> str:
        return str(self.mode_combo.currentData())

    def save(self) -> None:
        shapes = tuple(self.canvas.shapes)
        try:
            if self.card_id is not None:
                self.edit = self._save_shapes(shapes)
            else:
                self.edit = add_occlusion_card(
                    self.deck_path, str(self.image_ref), shapes, self.mode(),
                    self.front_edit.text(), str(self.source_combo.currentData() or ""))
        except (EditError, OSError) as exc:
            problems = getattr(exc, "problems", ())
            self.problem_label.setText("Not saved: " + ("\n".join(problems) or str(exc)))
            self.problem_label.show()
            self._select_unlabelled()
            return
        self._dirty = False
        self.accept()

    def _save_shapes(self, shapes: tuple[Shape, ...]) -> FollowedEdit:
        """The card's shapes written, the progress of the items renumbered moved with them."""
        window, own = _study_window(self.parent())
        context = getattr(window, "context", None)
        saved = save_shapes(getattr(context, "store", None), getattr(context, "library", None),
                            self.deck_path, str(self.card_id), shapes, self.mode(),
                            self.front_edit.text(), self.canvas.origins)
        followed = FollowedEdit(saved, window, reload=not own)
        followed.tell(saved.changes)
        return followed

    @classmethod
    def ask(cls, deck_path: str | Path, card, parent=None) -> Edit | FollowedEdit | None:
        """Edit `card`'s shapes in a modal dialog: the edit saved, or None when cancelled."""
        dialog = cls(deck_path, card.image, card_id=card.id, shapes=card.shapes,
                     mode=card.mode, front=card.front, parent=parent)
        return dialog.edit if dialog.exec() == QDialog.DialogCode.Accepted else None

    def _select_unlabelled(self) -> None:
        missing = next((i for i, s in enumerate(self.canvas.shapes) if not s.label.strip()), -1)
        if missing >= 0:
            self.canvas.select(missing)
            self.label_edit.setFocus()

    def reject(self) -> None:
        if self._dirty and self.isVisible():
            answer = QMessageBox.question(self, "Discard the shapes?",
                                          "Close without saving these shapes?")
            if answer != QMessageBox.StandardButton.Yes:
                return
        super().reject()


def _study_window(parent) -> tuple[QWidget | None, bool]:
    """The app's main window (its `context` and `relay`) and whether it is the dialog's own
    parent (which reloads its decks after the edit by itself), else the main window that
    opened the authoring window the dialog belongs to; (None, False) without either."""
    chain, widget = [], parent
    while widget is not None:
        if hasattr(widget, "context") and hasattr(widget, "relay"):
            return widget, True
        chain.append(widget)
        widget = widget.parent()
    for top in QApplication.topLevelWidgets():
        opened = getattr(top, "authoring_windows", ())
        if hasattr(top, "context") and hasattr(top, "relay") and any(
                window in opened for window in chain):
            return top, False
    return None, False


class FollowedEdit:
    """A shape edit the app's progress followed: undone with it, and the main window told
    (reloading its decks first when the edit came from elsewhere, the authoring window)."""

    def __init__(self, saved: ShapeEdit, window: QWidget | None, *, reload: bool) -> None:
        self.saved = saved
        self.window = window
        self.reload = reload

    @property
    def path(self) -> Path:
        return self.saved.path

    @property
    def card_id(self) -> str:
        return self.saved.card_id

    def undo(self) -> None:
        """The file and the progress put back (EditError, nothing changed, when refused)."""
        self.tell(self.saved.undo())

    def tell(self, changes: Changes) -> None:
        if self.window is None or not changes:
            return
        if self.reload:
            self.window.reload_in_place()  # the study window shows the decks as now written
        self.window.relay(changes)
