"""Preferences: daily limits, desired retention, when the day starts, theme and card font size.

OK applies everything at once: scheduling goes to the progress store through the context (the
next session and the deck counts use it), the look is re-applied to the whole application.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QSpinBox,
    QVBoxLayout,
)

from omtquiz.ui import theme

THEMES = (("Follow system", "system"), ("Light", "light"), ("Dark", "dark"))
FONT_RANGE = (10, 32)


def _spin(name: str, accessible: str, low: int, high: int, value: int, *,
          suffix: str = "") -> QSpinBox:
    spin = QSpinBox()
    spin.setObjectName(name)
    spin.setAccessibleName(accessible)
    spin.setRange(low, high)
    spin.setValue(value)
    spin.setSuffix(suffix)
    return spin


class PreferencesDialog(QDialog):
    def __init__(self, context, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("preferencesDialog")
        self.setWindowTitle("Preferences")
        self.context = context
        current = context.settings.global_settings
        prefs = context.ui_prefs()

        self.new_spin = _spin("newPerDaySpin", "New cards per day", 0, 9999,
                              current.new_per_day)
        self.reviews_spin = _spin("reviewsPerDaySpin", "Reviews per day", 0, 99999,
                                  current.reviews_per_day)
        self.retention_spin = QDoubleSpinBox()
        self.retention_spin.setObjectName("retentionSpin")
        self.retention_spin.setAccessibleName("Desired retention")
        self.retention_spin.setDecimals(2)
        self.retention_spin.setRange(0.70, 0.99)
        self.retention_spin.setSingleStep(0.01)
        self.retention_spin.setValue(min(0.99, max(0.70, current.desired_retention)))
        self.day_start_spin = _spin("dayStartSpin", "Day starts at hour", 0, 23,
                                    current.day_start_hour, suffix=":00")
        self.theme_combo = QComboBox()
        self.theme_combo.setObjectName("themeCombo")
        self.theme_combo.setAccessibleName("Theme")
        for label, key in THEMES:
            self.theme_combo.addItem(label, key)
        index = self.theme_combo.findData(prefs.get("theme", "system"))
        self.theme_combo.setCurrentIndex(max(0, index))
        font_pt = int(prefs.get("font_pt", 15))
        self.font_spin = _spin("fontSizeSpin", "Card font size", *FONT_RANGE,
                               min(FONT_RANGE[1], max(FONT_RANGE[0], font_pt)), suffix=" pt")

        study = QGroupBox("Study")
        study.setObjectName("studyGroup")
        study_form = QFormLayout(study)
        self.quiz_new_check = QCheckBox("Quizzes and exams introduce new cards")
        self.quiz_new_check.setObjectName("quizIntroducesNewCheck")
        self.quiz_new_check.setChecked(context.quiz_introduces_new())
        study_form.addRow("&New cards per day", self.new_spin)
        limits = QLabel("Each deck gets this many new cards a day; a parent deck, a tag or "
                        "All decks keeps to this one total, not the sum of its decks'.")
        limits.setObjectName("limitsNoteLabel")
        limits.setProperty("role", "muted")
        limits.setWordWrap(True)
        study_form.addRow(limits)
        study_form.addRow("&Reviews per day", self.reviews_spin)
        study_form.addRow("Desired &retention", self.retention_spin)
        study_form.addRow("&Day starts at", self.day_start_spin)
        study_form.addRow(self.quiz_new_check)
        note = QLabel("Higher retention means more reviews; 0.90 suits most students. A day "
                      "that starts at 4:00 keeps late-night study in the same day.")
        note.setObjectName("studyNoteLabel")
        note.setProperty("role", "muted")
        note.setWordWrap(True)
        study_form.addRow(note)
        look = QGroupBox("Look")
        look.setObjectName("lookGroup")
        look_form = QFormLayout(look)
        look_form.addRow("&Theme", self.theme_combo)
        look_form.addRow("Card &font size", self.font_spin)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.setObjectName("preferencesButtons")
        for which, name, accessible in (
            (QDialogButtonBox.StandardButton.Ok, "preferencesOkButton", "Apply and close"),
            (QDialogButtonBox.StandardButton.Cancel, "preferencesCancelButton", "Cancel"),
        ):
            button = self.buttons.button(which)
            button.setObjectName(name)
            button.setAccessibleName(accessible)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addWidget(study)
        layout.addWidget(look)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(440)

    def apply(self) -> None:
        """Save and use the choices now; nothing waits for a restart."""
        settings = self.context.settings.with_global(
            new_per_day=self.new_spin.value(),
            reviews_per_day=self.reviews_spin.value(),
            desired_retention=round(self.retention_spin.value(), 2),
            day_start_hour=self.day_start_spin.value(),
        )
        self.context.save_settings(settings)
        self.context.set_quiz_introduces_new(self.quiz_new_check.isChecked())
        choice = self.theme_combo.currentData()
        font_pt = self.font_spin.value()
        self.context.save_ui_prefs({**self.context.ui_prefs(), "theme": choice,
                                    "font_pt": font_pt})
        self.context.theme_name = theme.apply(QApplication.instance(), choice, font_pt)

    def accept(self) -> None:
        self.apply()
        super().accept()

    @classmethod
    def ask(cls, context, parent=None) -> bool:
        """Show the dialog; True when the student pressed OK (and the changes are in force)."""
        return cls(context, parent).exec() == QDialog.DialogCode.Accepted
