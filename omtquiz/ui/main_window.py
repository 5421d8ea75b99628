"""The main window: one stack of screens (decks, review, quiz, exam) under standard menus.

Message boxes are imported where they are shown: PySide makes a Qt class's Python type on its
first use, and QMessageBox's (with QDialog's) is ~1 MB and ~1.5 ms the start need not pay.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QStackedWidget

from omtquiz import __version__
from omtquiz.study.changes import Changes
from omtquiz.study.scope import Scope
from omtquiz.ui.pages.decks import DeckPage
from omtquiz.ui.widgets.controls import fix_minimum_size

REFIT_CHECK_MS = 1000  # from the window's making to the check whether FSRS needs a re-fit


class MainWindow(QMainWindow):
    """The stack of screens. Every screen's `changed` (a core `Changes`) is relayed as this
    window's one `changed` signal, and each screen refreshes only what it shows of it."""

    changed = Signal(object)

    def __init__(self, context, reload_library=None, *, fill_deck_list: bool = True) -> None:
        """`fill_deck_list=False` when the window opens on another screen (`omtquiz --study`):
        the deck list is filled when it is first shown (`show_decks`), not computed unseen."""
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle("omtquiz")
        self.context = context
        self._reload_library = reload_library
        self.settings = QSettings(str(context.dirs.data / "window.ini"),
                                  QSettings.Format.IniFormat)
        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        self.deck_page = DeckPage()
        self.stack.addWidget(self.deck_page)
        self._review_page = None
        self.deck_page.study_requested.connect(self.study)
        self.deck_page.study_due_requested.connect(self.study_due)
        self.deck_page.quiz_requested.connect(self.quiz)
        self.deck_page.exam_requested.connect(self.exam)
        self.deck_page.broken_requested.connect(self.explain_broken)
        self.deck_page.custom_requested.connect(self.custom_study)
        self.pages: dict[str, object] = {}
        self.authoring_windows: list = []
        self._edits: list = []  # card edits of this session, newest last (Ctrl+Alt+Z)
        self._browser = None
        self.status_label = QLabel()
        self.status_label.setObjectName("todayLabel")
        self.statusBar().addPermanentWidget(self.status_label)
        # Says so while a custom study session is on the review screen.
        self.custom_label = QLabel("Custom study session: other cards keep their schedule")
        self.custom_label.setObjectName("customStudyStatus")
        self.custom_label.setProperty("role", "muted")
        self.custom_label.setContentsMargins(12, 0, 0, 0)
        self.custom_label.hide()
        self.statusBar().addPermanentWidget(self.custom_label)
        self._source = None  # the screen whose change is being relayed
        self._in_exam = 0  # answers given in the exam in progress, saved when it ends
        self.changed.connect(self._on_changes)
        self._refit = None  # the background re-fit's process, while it runs
        self._backup_problem: str | None = None  # the failed backup last reported
        self._backup_watch = QTimer(self)
        self._backup_watch.timeout.connect(self.report_backup_problem)
        self._backup_watch.start(30_000)  # background backups finish out of sight
        self._build_menus()
        if fill_deck_list:
            self.refresh()
        else:
            self._update_status()
        # After the first paint: the check reads the log and loads the optimizer's modules.
        QTimer.singleShot(REFIT_CHECK_MS, self, self.maybe_refit)
        fix_minimum_size(self)
        self.resize(1000, 680)
        geometry = self.settings.value("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        if context.startup_message:
            self.statusBar().showMessage(context.startup_message, 30_000)

    @property
    def review_page(self):
        """Made on first use: the deck list paints sooner without it and its Markdown stack."""
        if self._review_page is None:
            from omtquiz.ui.pages.review import ReviewPage

            self._review_page = ReviewPage(self.context)
            self._review_page.finished.connect(self.show_decks)
            self._review_page.edit_requested.connect(self.edit_card)
            self._review_page.info_requested.connect(self.card_info)
            self._listen(self._review_page)
            self.stack.addWidget(self._review_page)
        return self._review_page

    # -- menus -----------------------------------------------------------------------------
    def _action(self, menu, text: str, slot, shortcut=None, name: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if name:
            action.setObjectName(name)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self._action(file_menu, "&Reload decks", self.reload, QKeySequence.StandardKey.Refresh,
                     "reloadAction")
        self.export_action = self._action(file_menu, "&Export to Anki…", self.export_anki,
                                          "Ctrl+E", "exportAction")
        file_menu.addSeparator()
        self._action(file_menu, "&New deck…", lambda: file_actions().new_deck(self), "Ctrl+N",
                     "newDeckAction")
        self._action(file_menu, "&Add deck or import (Anki .apkg, CSV, Quizlet)…", self.add_file,
                     "Ctrl+Shift+O", "addFileAction")
        self._action(file_menu, "&Import reviews from Anki…", self.import_reviews, None,
                     "importReviewsAction")
        self._action(file_menu, "&Open deck for authoring…", self.open_authoring, "Ctrl+O",
                     "openAuthoringAction")
        file_menu.addSeparator()
        self._action(file_menu, "&Back up progress now", lambda: file_actions().back_up_now(self),
                     None, "backupAction")
        self._action(file_menu, "&Restore progress from backup…",
                     lambda: file_actions().restore_backup(self), None, "restoreAction")
        self._action(file_menu, "Open &data folder",
                     lambda: file_actions().open_data_folder(self), None, "openDataFolderAction")
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, QKeySequence.StandardKey.Quit, "quitAction")
        edit_menu = bar.addMenu("&Edit")
        self._action(edit_menu, "&Add card…", self.add_card, "Ctrl+Shift+A", "addCardAction")
        self._action(edit_menu, "&Undo last card edit", self.undo_card_edit, "Ctrl+Alt+Z",
                     "undoCardEditAction")
        study_menu = bar.addMenu("&Study")
        self._action(study_menu, "Study &all due", self.study_due, "Ctrl+Shift+S",
                     "studyAllAction")
        self._action(study_menu, "&Decks", self.show_decks, "Ctrl+D", "showDecksAction")
        # C as on Anki's deck overview: only while the deck list has the focus (typing a C
        # into the filter still types it).
        custom = self._action(study_menu, "&Custom study…", self.deck_page.request_custom, "C",
                              "customStudyAction")
        custom.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.deck_page.addAction(custom)
        self._action(study_menu, "&Find deck", self._focus_filter, QKeySequence.StandardKey.Find,
                     "findDeckAction")
        self.tools_menu = bar.addMenu("&Tools")
        self._action(self.tools_menu, "&Preferences…", self.preferences,
                     QKeySequence.StandardKey.Preferences, "preferencesAction")
        if QKeySequence(QKeySequence.StandardKey.Preferences).isEmpty():
            self.findChild(QAction, "preferencesAction").setShortcut(QKeySequence("Ctrl+,"))
        self._action(self.tools_menu, "&Optimize FSRS parameters now", self.optimize, None,
                     "optimizeAction")
        self.tools_menu.addSeparator()
        self._action(self.tools_menu, "&Statistics", self.statistics, "Ctrl+Shift+T",
                     "statisticsAction")
        self._action(self.tools_menu, "&Browse cards", self.browse, "Ctrl+B", "browseAction")
        self._action(self.tools_menu, "Exam &planner…", self.plan_exam, "Ctrl+Shift+P",
                     "plannerAction")
        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&Keyboard shortcuts", self.show_shortcuts, "F1",
                     "shortcutsAction")
        self._action(help_menu, "&About omtquiz", self.about, None, "aboutAction")

    # -- editing cards ---------------------------------------------------------------------
    def add_card(self, deck_id: str | None = None):
        """Add a card to a deck (the one selected or being studied, else the student picks)."""
        from omtquiz.ui.dialogs.card_editor import CardEditorDialog, ask_deck, editable_path

        deck = self.context.library.deck(deck_id) if deck_id else self._deck_in_view()
        deck = deck or ask_deck(self, self.context.library)
        path = editable_path(self, deck) if deck is not None else None
        if path is None:
            return None
        return self._after_edit(CardEditorDialog.ask(self.context, path, None, self))

    def edit_card(self, item):
        """Edit the card of `item` (E on the review screen and in the browser)."""
        from omtquiz.ui.dialogs.card_editor import TYPE_FIELDS, CardEditorDialog, editable_path

        deck, card = self.context.library.deck(item.deck_id), self.context.library.card(item)
        if deck is None or card is None:
            return None
        if card.type == "occlusion":
            return self._edit_shapes(deck, card)
        if card.type not in TYPE_FIELDS:  # map spots are not fields of the form
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.information(self, "This card cannot be edited here",
                                    f"A {card.type} card's picture, shapes and spots are "
                                    f"edited in its deck file: {deck.path}, line {card.line}.")
            return None
        path = editable_path(self, deck)
        if path is None:
            return None
        try:
            edit = CardEditorDialog.ask(self.context, path, card.id, self)
        except Exception as exc:  # noqa: BLE001  the file cannot be edited: say why
            from omtquiz.decks.format.editor import EditError

            if not isinstance(exc, EditError):
                raise
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.information(self, "This card cannot be edited here", str(exc))
            return None
        return self._after_edit(edit)

    def _edit_shapes(self, deck, card):
        """An occlusion card's shapes, in the shape editor (undone by Ctrl+Alt+Z as any)."""
        from omtquiz.ui.dialogs.card_editor import editable_path
        from omtquiz.ui.dialogs.occlusion_editor import OcclusionEditorDialog

        path = editable_path(self, deck)
        return None if path is None else self._after_edit(OcclusionEditorDialog.ask(
            path, card, self))

    def card_info(self, item) -> None:
        from omtquiz.study.card_info import card_info
        from omtquiz.ui.dialogs.card_info import CardInfoDialog

        CardInfoDialog.show_for(card_info(self.context.store, self.context.library, item,
                                          self.context.clock), self)

    def copy_to_my_decks(self, path: str):
        """Copy a bundled deck file into the student's decks (ids kept, so progress follows);
        the copy is loaded in its place. The copy's path."""
        from pathlib import Path

        from omtquiz.decks.format.editor import copy_deck

        dirs = self.context.dirs
        copy = copy_deck(Path(path), dirs.user_decks, dirs.schema)
        self.reload_in_place()
        self.statusBar().showMessage(f"Copied to {copy}: edit it there.", 10_000)
        return copy

    def undo_card_edit(self) -> None:
        from omtquiz.decks.format.editor import EditError

        if not self._edits:
            self.statusBar().showMessage("No card edit to undo", 4000)
            return
        edit = self._edits.pop()
        try:
            edit.undo()
        except EditError as exc:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.information(self, "Cannot undo", str(exc))
            return
        self.reload_in_place()
        self.statusBar().showMessage(f"Undid the edit of '{edit.card_id}'", 5000)

    def _after_edit(self, edit):
        if edit is None:
            return None
        self._edits.append(edit)
        self.reload_in_place()
        self.statusBar().showMessage(
            f"Saved '{edit.card_id}' in {edit.path.name} (Ctrl+Alt+Z undoes it)", 6000)
        return edit

    def reload_in_place(self) -> None:
        """Reread the decks after an edit, staying on the screen shown."""
        if self._reload_library is not None:
            self.context.library = self._reload_library()
        self.refresh()
        if self.stack.currentWidget() is self._review_page and self._review_page is not None:
            self._review_page.show_current()
        if self._browser is not None:
            self._browser.reload()

    def _deck_in_view(self):
        library = self.context.library
        if self.stack.currentWidget() is self._review_page and self._review_page is not None:
            item = self._review_page.session.current() if self._review_page.session else None
            if item is not None:
                return library.deck(item.deck_id)
        scope = self.deck_page.scope()
        return library.deck(scope.value) if scope is not None and scope.kind == "deck" else None

    def _focus_filter(self) -> None:
        self.show_decks()
        self.deck_page.filter_edit.setFocus()
        self.deck_page.filter_edit.selectAll()

    # -- screens ---------------------------------------------------------------------------
    def refresh(self) -> None:
        self.deck_page.populate(self.context.deck_list())
        self._update_status()

    def _listen(self, screen) -> None:
        screen.changed.connect(lambda changes: self.relay(changes, screen))

    def relay(self, changes: Changes, source=None) -> None:
        """Tell every screen what `source` (a screen, or None) changed."""
        if not changes:
            return
        self._source = source
        try:
            self.changed.emit(changes)
        finally:
            self._source = None

    def _on_changes(self, changes: Changes) -> None:
        if changes.answers:
            self._update_status()
        if changes.counts and self.stack.currentWidget() is self.deck_page:
            self.refresh()
        stats = self.pages.get("stats")
        if (stats is not None and stats is not self._source and stats.isVisible()
                and (changes.answers or changes.exams or changes.items)):
            stats.refresh()
        browser = self._browser
        if browser is not None and browser is not self._source and browser.isVisible():
            browser.show_changes(changes)

    def _update_status(self) -> None:
        self.status_label.setText(self.context.today_text(self._in_exam))
        self.report_backup_problem()

    def report_backup_problem(self) -> str | None:
        """Say once in the status bar that an automatic backup failed (`Store.backup_error`);
        the message, or None when there is nothing new to say. A later failure after a
        backup that worked is said again."""
        problem = self.context.store.backup_error
        if problem is None or problem == self._backup_problem:
            self._backup_problem = problem
            return None
        self._backup_problem = problem
        message = (f"Automatic backup failed: {problem}. Your answers are safe in the progress "
                   "file; File > Back up progress now tries again.")
        self.statusBar().showMessage(message, 60_000)
        return message

    def show_decks(self) -> None:
        self.custom_label.hide()
        self.refresh()
        self.maybe_refit()
        self.stack.setCurrentWidget(self.deck_page)
        self.deck_page.tree.setFocus()

    def show_page(self, page) -> None:
        self.custom_label.hide()  # a quiz, an exam or the statistics: no custom session shown
        if self.stack.indexOf(page) < 0:
            self.stack.addWidget(page)
        self.stack.setCurrentWidget(page)
        page.setFocus()

    def explain_broken(self, path: str, problems: list[str]) -> None:
        """A deck file that did not load cannot be studied: say why, and offer to fix it."""
        from omtquiz.ui.dialogs.broken_deck import BrokenDeckDialog

        if BrokenDeckDialog.ask(path, problems, self):
            self.open_authoring(path)

    def study(self, scope: Scope | None) -> None:
        """Review a scope; None (a deck file that did not load) starts nothing."""
        if scope is None:
            return
        session = self.context.new_session(scope)
        self._review(session, scope.title(self.context.library))

    def _review(self, session, title: str, custom: bool = False) -> None:
        self.custom_label.setVisible(custom)
        self.stack.setCurrentWidget(self.review_page)
        self.review_page.start(session, title)

    def custom_study(self, scope: Scope | None):
        """Anki's custom study for a scope: a limit raised for today and study, or a session
        of chosen cards that leaves every other card's schedule alone. The spec, or None."""
        from omtquiz.ui.dialogs.custom_study import CustomStudyDialog

        if scope is None:
            return None
        spec = CustomStudyDialog.ask(self.context, scope, self)
        if spec is None:
            return None
        if spec.is_limit:
            self.relay(self.context.extend_limits(spec))
            self.study(scope)
            self.statusBar().showMessage(
                spec.title(self.context.library).replace("Custom study: ", "Raised for today: "),
                8000)
            return spec
        session = self.context.custom_session(spec)
        self._review(session, session.title, custom=True)
        return spec

    def study_due(self) -> bool:
        """Review what is due in every deck, no new cards; with nothing due, say so and stay
        on the deck list. Whether a review started."""
        session = self.context.due_session()
        if session.current() is None:
            self.show_decks()
            self.statusBar().showMessage(
                "Nothing is due now. " + self.context.next_due_text(session), 10_000)
            return False
        self.stack.setCurrentWidget(self.review_page)
        self.review_page.start(session, "All due")
        return True

    def quiz(self, scope: Scope | None, mode: str) -> None:
        if scope is None:  # a deck file that did not load: nothing to ask, as in study
            return
        from omtquiz.ui.pages.quiz import QuizPage

        page = self.pages.get("quiz")
        if page is None:
            page = self.pages["quiz"] = QuizPage(self.context)
            page.finished.connect(self.show_decks)
            self._listen(page)
        self.show_page(page)
        page.start(scope, mode)

    def exam(self, scope: Scope | None, count: int, minutes: int) -> None:
        if scope is None:
            return
        from omtquiz.ui.pages.exam import ExamPage

        page = self.pages.get("exam")
        if page is None:
            page = self.pages["exam"] = ExamPage(self.context)
            page.finished.connect(self.show_decks)
            page.review_requested.connect(self._review_missed)
            page.answered.connect(self._exam_answered)
            self._listen(page)
        self.show_page(page)
        page.start(scope, count, minutes)

    def _exam_answered(self, count: int) -> None:
        self._in_exam = count
        self._update_status()

    def _review_missed(self, items, title: str = "Missed in the exam") -> None:
        self._review(self.context.missed_session(items), title)

    def statistics(self) -> None:
        from omtquiz.ui.pages.stats import StatsPage

        page = self.pages.get("stats")
        if page is None:
            page = self.pages["stats"] = StatsPage(self.context)
            page.finished.connect(self.show_decks)
            page.study_items_requested.connect(
                lambda items: self._review_missed(items, "Hardest cards"))
        self.show_page(page)

    def browse(self) -> None:
        from omtquiz.ui.windows.browser import BrowserWindow

        if self._browser is None:
            self._browser = BrowserWindow(self.context, self)
            self._browser.edit_requested.connect(self.edit_card)
            self._browser.info_requested.connect(self.card_info)
            self._browser.copy_requested.connect(self.copy_to_my_decks)
            self._listen(self._browser)
        self._browser.show()
        self._browser.raise_()
        self._browser.activateWindow()

    def plan_exam(self) -> None:
        from omtquiz.ui.dialogs.planner import PlannerDialog

        if PlannerDialog.ask(self.context, self):
            self.relay(Changes(settings=True))

    # -- actions ---------------------------------------------------------------------------
    def reload(self) -> None:
        if self._reload_library is not None:
            self.context.library = self._reload_library()
        self.show_decks()
        errors = sum(1 for d in self.context.library.diagnostics if d.is_error)
        self.statusBar().showMessage(
            f"Reloaded {len(self.context.library.decks)} decks"
            + (f", {errors} problem(s)" if errors else ""), 5000)

    def open_authoring(self, path: str | None = None) -> None:
        """A live-reloading preview of a deck file, beside the study window."""
        from PySide6.QtWidgets import QFileDialog

        from omtquiz.ui.windows.authoring import AuthoringWindow

        if not path:
            path, _ = QFileDialog.getOpenFileName(self, "Open deck for authoring",
                                                  str(self.context.dirs.user_decks),
                                                  "Deck files (*.yaml *.yml)")
        if path:
            window = AuthoringWindow(path)
            # Freed when closed, so `destroyed` drops it here and its file watcher stops.
            window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.authoring_windows.append(window)
            window.destroyed.connect(lambda *_: self._forget(window))
            window.show()

    def add_file(self, path: str | None = None):
        """Add a deck file, Anki package or table to the user's decks, after showing what."""
        from omtquiz.ui.dialogs.add_file import choose_and_offer, offer_file

        return offer_file(self, path) if path else choose_and_offer(self)

    def _forget(self, window) -> None:
        if window in self.authoring_windows:
            self.authoring_windows.remove(window)

    def preferences(self) -> None:
        from omtquiz.ui.dialogs.preferences import PreferencesDialog

        if PreferencesDialog.ask(self.context, self):
            self.relay(Changes(settings=True))
            self.refresh()  # the theme or font may have changed too

    def export_anki(self) -> None:
        from omtquiz.ui.dialogs.export import ExportDialog

        ExportDialog.ask(self.context, self)

    def import_reviews(self, path: str | None = None) -> str | None:
        """Ask for an Anki package and bring its reviews home; the summary, or None."""
        from PySide6.QtWidgets import QFileDialog

        from omtquiz.interop.imported import ImportFailed
        from omtquiz.progress.db import StoreError

        if path is None:
            path, _ = QFileDialog.getOpenFileName(
                self, "Import reviews from Anki", "",
                "Anki packages (*.apkg *.colpkg);;All files (*)")
            if not path:
                return None
        try:
            summary, changes = self.context.import_reviews(path)
        except (ImportFailed, StoreError, OSError) as exc:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.warning(self, "Import reviews from Anki", str(exc))
            return None
        self.relay(changes)
        self.statusBar().showMessage(summary, 15000)
        return summary

    def optimize(self) -> str:
        """Fit the FSRS parameters to this learner's reviews now, and say how it went."""
        summary, changes = self.context.optimize()
        self.relay(changes)
        self.statusBar().showMessage(summary, 20000)
        return summary

    def maybe_refit(self):
        """Re-fit in a process of its own when the answers have doubled since the last fit;
        the process, or None. Reviews never wait for it."""
        from omtquiz.study.optimize import refit_in_background

        if not self.isVisible():  # closed before the check came round: no fit for it
            return None
        if self._refit is not None and self._refit.poll() is None:
            return None
        if not self.context.needs_refit():
            return None
        self._refit = refit_in_background(self.context.dirs.data)
        return self._refit

    def show_shortcuts(self) -> None:
        shortcuts_dialog(self).exec()

    def about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.about(self, "About omtquiz",
                          f"<b>omtquiz {__version__}</b><p>Offline OMT study for osteopathic "
                          "medical students: spaced repetition (FSRS), quizzes and Anki "
                          "export.</p>")

    def closeEvent(self, event) -> None:
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.sync()
        super().closeEvent(event)


# Every key the app answers to, by screen: (screen, ((keys, what they do), ...)). F1 shows it
# as a table; tests check that the keys named here are the ones the screens bind.
SHORTCUTS = (
    ("Decks", (
        ("Enter", "Study the selected deck"), ("Ctrl+F", "Filter decks (Enter studies the "
                                                  "first match, Down enters the list)"),
        ("C", "Custom study: more new cards, review ahead, forgotten, by tag"),
        ("Ctrl+Shift+S", "Study all due"), ("Ctrl+D", "Back to the deck list"),
        ("F5", "Reload decks"))),
    ("Review", (
        ("Space / Enter", "Show the answer; on the answer side, rate Good"),
        ("1 2 3 4", "Again, Hard, Good, Easy"), ("Ctrl+Z", "Undo the last answer"),
        ("-", "Bury until tomorrow"), ("@", "Suspend"),
        ("Ctrl+1 … Ctrl+4", "Flag red, orange, green, blue"), ("Ctrl+0", "Remove the flag"),
        ("E", "Edit the card"), ("I", "Card info"), ("Esc", "Back to the deck list"))),
    ("Drill", (
        ("T5 FRlSl, L on R …", "Type the diagnosis in any usual notation"),
        ("F L L …", "Or the component keys"), ("Enter", "Check; then rate 1-4"))),
    ("Quiz", (
        ("1 2 3 4", "Choose an answer"), ("Enter", "Check a typed answer, then next"),
        ("R / W", "Typed: I was right / I was wrong"), ("Esc", "Back to the deck list"))),
    ("Exam", (
        ("1 2 3 4", "Choose an answer"), ("→ / PgDown, Enter", "Next question"),
        ("← / PgUp", "Previous question"), ("Ctrl+Enter", "Finish the exam"),
        ("Esc", "Leave (asks first: the exam is dropped)"))),
    ("Browse cards (Ctrl+B)", (
        ("Ctrl+F", "Search"), ("Ctrl+J / Ctrl+Shift+J", "Suspend / unsuspend"),
        ("Ctrl+1 … Ctrl+7", "Flag"), ("Ctrl+0", "Remove the flag"),
        ("E", "Edit the selected card"), ("Ctrl+Shift+I", "Card info"),
        ("Ctrl+L", "Show in the deck file"), ("Esc", "Close"))),
    ("Everywhere", (
        ("Ctrl+N", "New deck"), ("Ctrl+Shift+A", "Add a card"),
        ("Ctrl+Alt+Z", "Undo the last card edit"),
        ("Ctrl+Shift+O", "Add a deck or import (.apkg, CSV)"),
        ("Ctrl+O", "Open a deck for authoring"), ("Ctrl+E", "Export to Anki"),
        ("Ctrl+Shift+T", "Statistics"), ("Ctrl+B", "Browse cards"),
        ("Ctrl+Shift+P", "Exam planner"),
        ("Ctrl+,", "Preferences"), ("F1", "This list"), ("Ctrl+Q", "Quit"))),
)


def shortcuts_html() -> str:
    """SHORTCUTS as a table, its screens in two columns so the list fits a laptop screen."""
    import html

    def section(screen: str, keys) -> str:
        rows = "".join(f"<tr><td width=150><b>{html.escape(k)}</b></td>"
                       f"<td width=250>{html.escape(what)}</td></tr>" for k, what in keys)
        return (f"<tr><td colspan=2 style='padding-top:10px'><big><b>{html.escape(screen)}"
                f"</b></big></td></tr>{rows}")

    half = (len(SHORTCUTS) + 1) // 2
    columns = ["<table cellspacing=3>" + "".join(section(*entry) for entry in part) + "</table>"
               for part in (SHORTCUTS[:half], SHORTCUTS[half:])]
    return ("<table><tr>" + "".join(f"<td valign=top style='padding-right:28px'>{c}</td>"
                                    for c in columns) + "</tr></table>")


def file_actions():
    """The File menu's data-folder actions, imported when first used (start-up stays light)."""
    from omtquiz.ui.dialogs import file_actions as module

    return module


def shortcuts_dialog(parent=None):
    """F1: every key, in a dialog as wide as its table (a message box would clip it)."""
    from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout

    dialog = QDialog(parent)
    dialog.setObjectName("shortcutsDialog")
    dialog.setWindowTitle("Keyboard shortcuts")
    text = QLabel(shortcuts_html())
    text.setObjectName("shortcutsLabel")
    text.setTextFormat(Qt.TextFormat.RichText)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.setContentsMargins(22, 14, 22, 14)
    layout.addWidget(text)
    layout.addWidget(buttons)
    return dialog
