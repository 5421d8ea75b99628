"""The review screen: question, Space to show the answer, 1-4 to rate, Ctrl+Z to undo.

An occlusion card shows its picture with masks; a "point to it" card its map, where the student
clicks (or moves a pointer with the arrow keys and presses Enter) and the click is graded by
its distance from the right spot, which then shows; Space takes the rating the click earned.

A diagnosis drill shows its case as text and as a diagram, takes a typed answer (Enter grades
it component by component against the rules), then rates like any card.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QElapsedTimer, Qt, QUrl, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QBoxLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from omtquiz.decks.occlusion import masks
from omtquiz.decks.points import MISSED, RIGHT, describe
from omtquiz.decks.points import grade as grade_click
from omtquiz.decks.render import drill_case, render_drill, render_item
from omtquiz.scheduling import format_interval
from omtquiz.study.changes import Changes
from omtquiz.study.recording import MAX_ANSWER_MS
from omtquiz.ui import theme
from omtquiz.ui.widgets.card_view import (
    card_document_html,
    deck_path,
    make_card_view,
    source_html,
    style_card_view,
)
from omtquiz.ui.widgets.toast import Toast

RATINGS = (("Again", "again", 1), ("Hard", "hard", 2), ("Good", "good", 3), ("Easy", "easy", 4))
OCCLUSION_TEXT_SHARE = 0.4  # at most this much of the page for an occlusion card's text
DRILL_BESIDE_WIDTH = 960  # a page this wide shows a drill's diagram beside the text
DRILL_PANEL_WIDTH = 480  # the diagram's width there: every region's drawing fits (widgets.drill)
SIDE_BY_SIDE_ASPECT = 1.1  # a picture this much taller than wide goes beside the text
CURSOR_STEP = 0.01  # an arrow key moves the map pointer this much of the map's width
CURSOR_BIG_STEP = 0.05  # with Shift
VERDICT_COLOR = {RIGHT: "good", MISSED: "bad"}  # close: "hard"
# Under a "where is it?" question: how to answer without a mouse (the page is keyboard-first).
CLICK_HINT = ('<p class="source">Click the spot on the map, or press an arrow key to show a '
              "pointer, move it (Shift: bigger steps) and press Enter.</p>")


class ReviewPage(QWidget):
    finished = Signal()  # the student left the screen (Esc or Back)
    changed = Signal(object)  # the Changes of an answer, an undo, a bury, suspend or flag
    edit_requested = Signal(object)  # E: edit the card shown (its Item)
    info_requested = Signal(object)  # I: card info of the card shown (its Item)

    def __init__(self, context, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewPage")
        self.context = context
        self.session = None
        self.revealed = False
        self.timer = QElapsedTimer()
        self._total = 0

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.setSpacing(10)
        top = QHBoxLayout()
        self.scope_label = QLabel()
        self.scope_label.setObjectName("reviewScopeLabel")
        self.scope_label.setTextFormat(Qt.TextFormat.PlainText)  # a deck's title, as typed
        self.scope_label.setProperty("role", "muted")
        self.counts_label = QLabel()
        self.counts_label.setObjectName("reviewCountsLabel")
        self.counts_label.setTextFormat(Qt.TextFormat.RichText)
        self.more_button = QPushButton("More")
        self.more_button.setObjectName("reviewMoreButton")
        self.more_button.setAccessibleName("More actions")
        self.back_button = QPushButton("Decks")
        self.back_button.setObjectName("reviewBackButton")
        self.back_button.setAccessibleName("Back to decks")
        self.back_button.clicked.connect(self.finished.emit)
        top.addWidget(self.scope_label, 1)
        top.addWidget(self.counts_label)
        top.addSpacing(12)
        top.addWidget(self.more_button)
        top.addWidget(self.back_button)
        layout.addLayout(top)
        self.progress = QProgressBar()
        self.progress.setObjectName("reviewProgress")
        self.progress.setAccessibleName("Progress through today's queue")
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(6)
        layout.addWidget(self.progress)

        # The drill panel, and the rule engine behind it, are made for the first drill card.
        self._layout, self._drill_at, self._drill_panel = layout, layout.count(), None
        self._case = None
        self._marks = None
        self.view = make_card_view()
        # The text and a card's picture: one above the other, or side by side for a tall
        # picture (a body map) in a wide window, so the picture gets the page's height.
        self.card_area = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self.card_area.setSpacing(12)
        layout.addLayout(self.card_area, 1)
        self.card_area.addWidget(self.view, 1)
        self._picture = None  # made for the first picture card (`picture`)
        self._pointed: tuple[float, float] | None = None
        self._point_result = None
        self._suggested = 3
        self.toast = Toast(self)
        self.flag_label = QLabel()
        self.flag_label.setObjectName("flagLabel")
        self.flag_label.setTextFormat(Qt.TextFormat.PlainText)
        self.flag_label.setProperty("role", "muted")
        layout.addWidget(self.flag_label)

        self.bottom = QStackedWidget()
        self.bottom.setObjectName("reviewButtons")
        show_row = QWidget()
        show_layout = QHBoxLayout(show_row)
        show_layout.setContentsMargins(0, 0, 0, 0)
        self.show_button = QPushButton("Show answer   (Space)")
        self.show_button.setObjectName("showAnswerButton")
        self.show_button.setAccessibleName("Show answer")
        self.show_button.setProperty("primary", True)
        self.show_button.setMinimumWidth(260)
        self.show_button.clicked.connect(self._show_clicked)
        show_layout.addStretch(1)
        show_layout.addWidget(self.show_button)
        show_layout.addStretch(1)
        rate_row = QWidget()
        rate_layout = QHBoxLayout(rate_row)
        rate_layout.setContentsMargins(0, 0, 0, 0)
        rate_layout.addStretch(1)
        self.rate_buttons: dict[int, QPushButton] = {}
        for label, key, value in RATINGS:
            button = QPushButton(label)
            button.setObjectName(f"rate{label}Button")
            button.setAccessibleName(f"Rate {label}")
            button.setProperty("rating", key)
            button.setMinimumWidth(120)
            button.clicked.connect(lambda _=False, v=value: self.rate(v))
            self.rate_buttons[value] = button
            rate_layout.addWidget(button)
        rate_layout.addStretch(1)
        self.bottom.addWidget(show_row)
        self.bottom.addWidget(rate_row)
        layout.addWidget(self.bottom)

        self.done_label = QLabel()
        self.done_label.setObjectName("reviewDoneLabel")
        self.done_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.done_label.setWordWrap(True)
        self.done_label.hide()
        layout.addWidget(self.done_label)

        menu = QMenu(self)
        self.undo_action = menu.addAction("Undo last answer", QKeySequence.StandardKey.Undo,
                                          self.undo)
        menu.addSeparator()
        self.bury_action = menu.addAction("Bury until tomorrow", QKeySequence("-"), self.bury)
        self.suspend_action = menu.addAction("Suspend card", QKeySequence("@"), self.suspend)
        for n, color in ((1, "red"), (2, "orange"), (3, "green"), (4, "blue")):
            menu.addAction(f"Flag {color}", QKeySequence(f"Ctrl+{n}"),
                           lambda n=n: self.flag(n))
        menu.addAction("Remove flag", QKeySequence("Ctrl+0"), lambda: self.flag(0))
        menu.addSeparator()
        self.edit_action = menu.addAction("Edit card", QKeySequence("E"), self.request_edit)
        self.info_action = menu.addAction("Card info", QKeySequence("I"), self.request_info)
        self.more_button.setMenu(menu)
        for action in menu.actions():
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(action)
        steps = (("Left", -1, 0), ("Right", 1, 0), ("Up", 0, -1), ("Down", 0, 1))
        arrows = [((f"{mod}{key}",), lambda dx=dx, dy=dy, size=size: self.nudge(dx * size,
                                                                               dy * size))
                  for key, dx, dy in steps
                  for mod, size in (("", CURSOR_STEP), ("Shift+", CURSOR_BIG_STEP))]
        for keys, slot in ((("Space",), self._space), (("Return", "Enter"), self._enter),
                           *arrows,
                           (("1",), lambda: self.rate(1)), (("2",), lambda: self.rate(2)),
                           (("3",), lambda: self.rate(3)), (("4",), lambda: self.rate(4)),
                           (("Escape",), self.finished.emit)):
            for key in keys:
                shortcut = QShortcut(QKeySequence(key), self)
                shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                shortcut.activated.connect(slot)

    # -- driving ---------------------------------------------------------------------------
    def start(self, session, title: str) -> None:
        self.session = session
        self.scope_label.setText(title)
        self._total = max(1, session.counts().total)
        self.setFocus()
        self.show_current()

    def show_current(self) -> None:
        style_card_view(self.view)
        item = self.session.current() if self.session else None
        self._update_counts()
        self.revealed = False
        self._pointed, self._point_result, self._suggested = None, None, 3
        if item is None:
            self._case = None
            self._hide_drill()
            self._show_done()
            return
        self.done_label.hide()
        self.view.show()
        self.bottom.show()
        self.bottom.setCurrentIndex(0)
        card = self.context.library.card(item)
        seed, case = None, None
        if card.type == "drill":  # a fresh case per review, the same on undo
            from omtquiz.drills.present import case_seed

            seed = case_seed(item.key, self.session.record(item).card.reps)
            case = drill_case(card, item.ord, seed)
            self._rendered = render_drill(card, item.ord, seed, case=case)
        else:
            if card.type == "mcq":  # the choices in a new order per review, the same on undo
                seed = self.session.record(item).card.reps
            self._rendered = render_item(card, item.ord, image_src=self._image_url(card),
                                         seed=seed)
        question = self._rendered.question
        if card.type == "point" and item.ord == 1:
            question += CLICK_HINT
        self.view.show_html(card_document_html(question),
                            deck_path(self.context.library, item.deck_id))
        self._show_picture(card, item.ord, revealed=False)
        self._show_drill(case)
        self._show_flag(item)
        self.timer.start()

    @property
    def drill_panel(self):
        """The diagram and answer box of drill items, made on first use."""
        if self._drill_panel is None:
            from omtquiz.ui.widgets.drill import DrillPanel

            self._drill_panel = DrillPanel()
            self._drill_panel.hide()
            self._drill_panel.answer_edit.submitted.connect(self.check_drill)
            self._layout.insertWidget(self._drill_at, self._drill_panel)
        return self._drill_panel

    def _hide_drill(self) -> None:
        if self._drill_panel is not None:
            self._drill_panel.hide()
            self._place_drill(beside=False)

    def _place_drill(self, beside: bool) -> None:
        """The drill's diagram beside the card's text in a wide window (the text keeps the
        page's height for the findings, the verdict and the rule), above it in a narrow one."""
        panel = self._drill_panel
        if beside == (self.card_area.indexOf(panel) >= 0):
            return
        if beside:
            self._layout.removeWidget(panel)
            self.card_area.insertWidget(0, panel, 0, Qt.AlignmentFlag.AlignTop)
            panel.setFixedWidth(DRILL_PANEL_WIDTH)
        else:
            self.card_area.removeWidget(panel)
            self._layout.insertWidget(self._drill_at, panel)
            panel.setMinimumWidth(0)
            panel.setMaximumWidth(16_777_215)
        self.card_area.setDirection(QBoxLayout.Direction.LeftToRight if beside
                                    else QBoxLayout.Direction.TopToBottom)

    def _drill_beside(self) -> bool:
        return self._case is not None and self.width() >= DRILL_BESIDE_WIDTH \
            and self.drill_panel.diagram.findings is not None

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        if self._case is not None and self._drill_panel is not None:
            self._place_drill(self._drill_beside())

    def _show_drill(self, case) -> None:
        """The diagram and answer box for a drill item's case; hidden for any other card
        (`case` None)."""
        self._marks = None
        self.show_button.setText("Show answer   (Space)")
        self._case = case
        if self._case is None:
            self._hide_drill()
            return
        self.drill_panel.show_case(self._case)
        self._place_drill(self._drill_beside())
        self.drill_panel.show()
        if self.drill_panel.answer_edit.isVisible():
            self.drill_panel.answer_edit.setFocus()
            self.show_button.setText("Check my answer   (Enter)")

    def _show_clicked(self) -> None:
        if self._case is not None and self.drill_panel.answer_edit.isVisible():
            self.check_drill()
        else:
            self.reveal()

    def check_drill(self) -> None:
        """Grade the typed diagnosis, then show the answer (empty: just show the answer)."""
        if self._case is None or self.revealed:
            return
        given = self.drill_panel.answer_edit.text().strip()
        if given:
            from omtquiz.drills.cases import grade

            self._marks = grade(self._case.region, self._case.diagnosis, given)
        self.drill_panel.answer_edit.setReadOnly(True)
        self.drill_panel.hint.hide()
        self.reveal()
        self.setFocus()

    def _marks_html(self) -> str:
        if self._marks is None:
            return ""
        from omtquiz.drills.present import mark_lines

        colors = theme.colors(theme.current())
        rows = "".join(
            f'<li style="color:{colors["good" if ok else "bad"]}">'
            f'{"✓" if ok else "✗"} {html.escape(text)}</li>'
            for ok, text in mark_lines(self._marks))
        verdict = "Right" if self._marks.correct else "Not quite"
        return f"<p><b>{verdict}</b></p><ul>{rows}</ul><hr>"

    def _show_flag(self, item) -> None:
        """Say "⚑ Flagged red" in the flag's colour; nothing for a card without a flag."""
        flag = self.session.record(item).flag
        if not flag:
            self.flag_label.setText("")
            return
        known = 1 <= flag <= len(theme.FLAGS)
        name, color = theme.FLAGS[flag - 1][1:] if known else (str(flag), "")
        self.flag_label.setText(f"⚑ Flagged {name.lower()}")
        self.flag_label.setStyleSheet(f"color: {color}; font-weight: 600;" if color else "")

    def _image_url(self, card) -> str | None:
        if card.type in ("occlusion", "point"):  # drawn with its masks or marks, not in text
            return None
        return QUrl.fromLocalFile(card.image).toString() if card.image else None

    @property
    def picture(self):
        """The picture of an occlusion or map card under (or beside) the text, made for the
        first such card: its widget loads QtSvg, which a review of text cards does without."""
        if self._picture is None:
            from omtquiz.ui.widgets.occlusion import OcclusionView

            self._picture = OcclusionView()
            self._picture.hide()
            self._picture.clicked.connect(self.point_at)
            self.card_area.insertWidget(self.card_area.indexOf(self.view) + 1, self._picture, 3)
        return self._picture

    def _show_picture(self, card, ord_: int, *, revealed: bool) -> None:
        """An occlusion card's picture under its text; other cards give the text all room."""
        if card.type not in ("occlusion", "point"):
            if self._picture is not None:
                self._picture.hide()
            self._text_beside(False)
            return
        deck = deck_path(self.context.library, card.deck_id)
        if card.type == "occlusion":
            self.picture.show_picture(card.image, masks(card, ord_, revealed=revealed), deck)
        elif revealed:
            verdict = self._point_result.verdict if self._point_result else MISSED
            self.picture.show_answer(card.spots(), self._pointed,
                                     VERDICT_COLOR.get(verdict, "hard"))
        else:
            self.picture.show_map(card.image, marker=None if ord_ == 1 else card.spot,
                                  accepts_clicks=ord_ == 1, deck_path=deck, cue=card.cue)
        beside = self.picture.aspect() >= SIDE_BY_SIDE_ASPECT and self.width() >= 720
        self._text_beside(beside)
        if not beside:
            document = self.view.document()
            document.setTextWidth(self.view.viewport().width())
            wanted = document.size().height() + 2 * self.view.frameWidth() + 4
            self.view.setFixedHeight(int(min(max(wanted, 60),
                                             self.height() * OCCLUSION_TEXT_SHARE)))
        self.picture.show()

    def _text_beside(self, beside: bool) -> None:
        """The text beside the picture (taking the page's height) or above it."""
        drill = self._drill_panel is not None and self.card_area.indexOf(self._drill_panel) >= 0
        self.card_area.setDirection(QBoxLayout.Direction.LeftToRight if beside or drill
                                    else QBoxLayout.Direction.TopToBottom)
        view_at = self.card_area.indexOf(self.view)
        self.card_area.setStretch(view_at, 1)
        self.card_area.setStretch(view_at + 1, 1 if beside else 3)
        self.view.setMinimumHeight(0)
        self.view.setMaximumHeight(16_777_215)

    def _asks_for_a_click(self) -> bool:
        item = self.session.current() if self.session else None
        if item is None or self.revealed or item.ord != 1:
            return False
        card = self.context.library.card(item)
        return card is not None and card.type == "point"

    def point_at(self, x: float, y: float) -> None:
        """The student pointed at (x, y) of the map: grade it and show the right spot."""
        if not self._asks_for_a_click():
            return
        card = self.context.library.card(self.session.current())
        self._pointed = (x, y)
        self._point_result = grade_click(card.spots(), x, y, self.picture.aspect())
        self.reveal()

    def nudge(self, dx: float, dy: float) -> None:
        """Arrow keys move the map's pointer (the keyboard's way to click)."""
        if self._asks_for_a_click():
            self.picture.move_cursor(dx, dy)

    def _enter(self) -> None:
        if self._asks_for_a_click() and self.picture.cursor is not None:
            self.point_at(*self.picture.cursor)
        else:
            self._space()

    def reveal(self) -> None:
        if self.session is None or self.session.current() is None or self.revealed:
            return
        self.revealed = True
        item = self.session.current()
        card = self.context.library.card(item)
        deck = self.context.library.deck(item.deck_id)
        citation = source_html(deck.source(card.source) if deck else None)
        body = self._rendered.answer_side
        if self._case is not None and self._case.direction == "findings_to_name":
            # the findings stay on screen in the diagram above; the name is the answer
            body = self._marks_html() + f"<b>{self._rendered.answer}</b>"
        elif card.type == "point" and item.ord == 1:
            body = self._verdict_html() + body
        elif self._marks is not None:  # a typed set-up (counterstrain): marks, then the answer
            body = self._marks_html() + body
        self.view.show_html(card_document_html(body, source=citation,
                                               explanation=self._rendered.explanation),
                            deck.path if deck else None)
        self._show_picture(card, item.ord, revealed=True)
        intervals = self.session.intervals()  # none when answers reschedule nothing
        for label, _, value in RATINGS:
            interval = intervals.get(value)
            self.rate_buttons[value].setText(
                f"{label}  ·  {format_interval(interval)}   ({value})" if interval is not None
                else f"{label}   ({value})")
        self.bottom.setCurrentIndex(1)

    def _verdict_html(self) -> str:
        """How the click did, and the rating Space will give."""
        result = self._point_result
        self._suggested = result.rating if result else 1
        said = describe(result) if result else "No spot chosen."
        color = VERDICT_COLOR.get(result.verdict if result else MISSED, "hard")
        rating = RATINGS[self._suggested - 1][0]
        return (f'<p style="color:{theme.colors(theme.current())[color]}; font-weight:600">'
                f"{html.escape(said)} Space rates it {rating}.</p>")

    def _space(self) -> None:
        if not self.revealed:
            self.reveal()
        else:
            self.rate(self._suggested)

    def rate(self, value: int) -> None:
        if not self.revealed or self.session is None or self.session.current() is None:
            return
        elapsed = min(self.timer.elapsed(), MAX_ANSWER_MS)
        entry = self.session.answer(value, elapsed)
        self.changed.emit(Changes.of_items((entry.item,), answers=True))
        self.show_current()

    def undo(self) -> None:
        entry = self.session.undo() if self.session is not None else None
        if entry is None:
            self.toast.show_message("Nothing to undo")
            return
        self.changed.emit(Changes.of_items((entry.item,), answers=True))
        self.show_current()
        self.toast.show_message(f"Undid {RATINGS[int(entry.rating) - 1][0]}")

    def bury(self) -> None:
        """Hide the card until the next study day."""
        if self.session is not None and self.session.current() is not None:
            self._changed(self.session.bury(), "Buried until tomorrow")

    def suspend(self) -> None:
        if self.session is not None and self.session.current() is not None:
            self._changed(self.session.suspend(), "Suspended")

    def _changed(self, item, said: str) -> None:
        self.changed.emit(Changes.of_items((item,)))
        self.show_current()
        self.toast.show_message(said)

    def request_info(self) -> None:
        item = self.session.current() if self.session else None
        if item is not None:
            self.info_requested.emit(item)

    def request_edit(self) -> None:
        item = self.session.current() if self.session else None
        if item is not None:
            self.edit_requested.emit(item)

    def flag(self, n: int) -> None:
        """Set or clear the card's flag and say so; the card stays as it is, answer and all,
        and its answer time keeps running (the session never swaps it for one that fell due)."""
        item = self.session.current() if self.session else None
        if item is None:
            return
        self.session.flag(item, n)
        self.changed.emit(Changes.of_items((item,)))
        self._show_flag(item)
        self.toast.show_message(f"Flagged {theme.FLAGS[n - 1][1].lower()}" if n
                                else "Flag removed")

    def _update_counts(self) -> None:
        if self.session is None:
            return
        counts = self.session.counts()
        new, learning, review = counts.new, counts.learning, counts.due
        c = theme.colors(theme.current())
        self.counts_label.setText(
            f'<span style="color:{c["highlight"]}">{new}</span> · '
            f'<span style="color:{c["bad"]}">{learning}</span> · '
            f'<span style="color:{c["good"]}">{review}</span>')
        self.counts_label.setToolTip("new · learning · due")
        remaining = new + learning + review
        self._total = max(self._total, remaining)
        self.progress.setMaximum(self._total)
        self.progress.setValue(self._total - remaining)

    def _show_done(self) -> None:
        self.view.hide()
        if self._picture is not None:
            self._picture.hide()
        self.bottom.hide()
        self.flag_label.setText("")
        from omtquiz.study.custom import CustomSession  # here: few sessions are custom

        if isinstance(self.session, CustomSession):
            when = self.session.next_due()
            later = ("" if when is None else
                     f"<p>{html.escape(self.context.next_due_text(self.session))}</p>")
            self.done_label.setText(
                "<p style='font-size:20pt; font-weight:600'>Custom study done.</p>"
                f"<p>{html.escape(self.session.finished_text())}</p>{later}"
                "<p>Press Esc to go back to your decks.</p>")
            self.done_label.show()
            return
        nxt = self.context.next_due_text(self.session)
        self.done_label.setText(
            "<p style='font-size:20pt; font-weight:600'>All done for now.</p>"
            f"<p>{html.escape(nxt)}</p><p>Press Esc to go back to your decks.</p>")
        self.done_label.show()
