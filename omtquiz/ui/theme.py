"""Light and dark looks: Fusion with our palette, so both look the same on every platform."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from omtquiz.resources import assets_dir

STYLE = "Fusion"
_STYLE_GIVEN = "omtquiz_style"  # the app property saying the style is set
ACCENT = "#2f6fdb"
# The tick drawn in a ticked box: Fusion's own box is nearly invisible on the dark theme, and a
# style sheet that redraws the box must supply the tick as a picture.
_CHECK = (assets_dir() / "ui" / "check.svg").as_posix()
# Anki's flags: number, name, colour (the same in both looks, as in Anki).
FLAGS = ((1, "Red", "#d93025"), (2, "Orange", "#e8710a"), (3, "Green", "#188038"),
         (4, "Blue", "#1a73e8"), (5, "Pink", "#d01884"), (6, "Turquoise", "#12a4af"),
         (7, "Purple", "#9334e6"))

_COLORS = {
    "light": {
        "window": "#f4f5f7", "base": "#ffffff", "alt": "#eef0f3", "text": "#1d2330",
        "muted": "#5c6577", "button": "#ffffff", "border": "#c9ced8", "highlight": ACCENT,
        "good": "#1e8e3e", "bad": "#c5221f", "hard": "#b06000", "cloze": "#1a56c4",
        "mask": "#c3cad6", "mask_edge": "#7d8799", "asked": "#f2a144", "asked_edge": "#a35a00",
    },
    "dark": {
        "window": "#1f2228", "base": "#272b33", "alt": "#2d323b", "text": "#e6e8ec",
        "muted": "#a2a9b6", "button": "#323843", "border": "#48505e", "highlight": "#4f8cf0",
        "good": "#5cc27a", "bad": "#f07067", "hard": "#f0a94f", "cloze": "#7fb0ff",
        "mask": "#5a6475", "mask_edge": "#8893a6", "asked": "#e8913a", "asked_edge": "#ffc680",
    },
}


def resolve(choice: str) -> str:
    """'system' follows the platform's colour scheme; anything else is taken as given."""
    if choice in _COLORS:
        return choice
    scheme = QGuiApplication.styleHints().colorScheme()
    return "dark" if scheme == Qt.ColorScheme.Dark else "light"


def colors(name: str) -> dict[str, str]:
    return _COLORS[name]


def current() -> str:
    """The look `apply` last set ("light" or "dark", never "system").

    Screens read it as they draw, so a change in Preferences shows at once, and a student who
    chose Dark on a light desktop gets dark colours everywhere.
    """
    app = QApplication.instance()
    name = app.property("omtquiz_theme") if app is not None else None
    return name if name in _COLORS else "light"


def font_pt() -> int:
    """The card text size `apply` last set."""
    app = QApplication.instance()
    return int((app.property("omtquiz_font_pt") if app is not None else None) or 15)


def new_app(argv: list[str]) -> QApplication:
    """The QApplication with Fusion named on the command line Qt reads, rather than set by
    `setStyle`, whose return value makes PySide build the Python type of QStyle and its eleven
    enums (~5 ms of the start); `apply` then leaves the style be."""
    app = QApplication([*argv, "-style", STYLE])
    app.setProperty(_STYLE_GIVEN, STYLE)
    return app


def apply(app: QApplication, choice: str = "system", font_pt: int = 15) -> str:
    name = resolve(choice)
    c = _COLORS[name]
    if app.property(_STYLE_GIVEN) != STYLE:  # not named on the command line (`new_app`)
        app.setStyle(STYLE)
        app.setProperty(_STYLE_GIVEN, STYLE)
    palette = QPalette()
    for role, key in (
        (QPalette.ColorRole.Window, "window"), (QPalette.ColorRole.Base, "base"),
        (QPalette.ColorRole.AlternateBase, "alt"), (QPalette.ColorRole.Text, "text"),
        (QPalette.ColorRole.WindowText, "text"), (QPalette.ColorRole.Button, "button"),
        (QPalette.ColorRole.ButtonText, "text"), (QPalette.ColorRole.Highlight, "highlight"),
        (QPalette.ColorRole.ToolTipBase, "base"), (QPalette.ColorRole.ToolTipText, "text"),
        (QPalette.ColorRole.PlaceholderText, "muted"), (QPalette.ColorRole.Mid, "border"),
    ):
        palette.setColor(role, QColor(c[key]))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.Link, QColor(c["highlight"]))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText,
                     QColor(c["muted"]))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor(c["muted"]))
    app.setPalette(palette)
    app.setStyleSheet(stylesheet(name, font_pt))
    app.setProperty("omtquiz_theme", name)
    app.setProperty("omtquiz_font_pt", font_pt)
    return name


def stylesheet(name: str, font_pt: int) -> str:
    c = _COLORS[name]
    return f"""
    QPushButton {{ padding: 6px 14px; border: 1px solid {c['border']}; border-radius: 6px;
                   background: {c['button']}; min-height: 22px; }}
    QPushButton:hover {{ border-color: {c['highlight']}; }}
    QPushButton:focus {{ border: 2px solid {c['highlight']}; }}
    QPushButton:disabled {{ color: {c['muted']}; }}
    QPushButton[primary="true"] {{ background: {c['highlight']}; color: white;
                                   border-color: {c['highlight']}; font-weight: 600; }}
    QPushButton[primary="true"]:disabled {{ background: {c['alt']}; color: {c['muted']};
                                            border-color: {c['border']}; }}
    QPushButton[rating="again"] {{ color: {c['bad']}; font-weight: 600; }}
    QPushButton[rating="hard"] {{ color: {c['hard']}; font-weight: 600; }}
    QPushButton[rating="good"] {{ color: {c['good']}; font-weight: 600; }}
    QPushButton[rating="easy"] {{ color: {c['highlight']}; font-weight: 600; }}
    QPushButton[choice="right"] {{ background: {c['good']}; color: white; }}
    QPushButton[choice="wrong"] {{ background: {c['bad']}; color: white; }}
    QTextBrowser#cardView {{ border: 1px solid {c['border']}; border-radius: 8px;
                             background: {c['base']}; padding: 18px; font-size: {font_pt}pt; }}
    QLabel[role="title"] {{ font-size: 18pt; font-weight: 600; }}
    QLabel[role="muted"] {{ color: {c['muted']}; }}
    QLabel[role="big"] {{ font-size: 28pt; font-weight: 700; }}
    QLabel[role="badge"] {{ color: {c['bad']}; font-weight: 600; }}
    QTreeView, QTableView, QListWidget {{ border: 1px solid {c['border']}; border-radius: 6px; }}
    QLineEdit {{ padding: 5px 6px; border: 1px solid {c['border']}; border-radius: 5px;
                 background: {c['base']}; }}
    QLineEdit:focus {{ border-color: {c['highlight']}; }}
    QRadioButton::indicator {{ width: 12px; height: 12px; border-radius: 8px;
                               border: 2px solid {c['muted']}; background: {c['button']}; }}
    QRadioButton::indicator:checked {{ border: 4px solid {c['highlight']}; width: 8px;
                                       height: 8px; background: {c['button']}; }}
    QRadioButton:focus {{ color: {c['highlight']}; }}
    QCheckBox::indicator, QListView::indicator {{ width: 13px; height: 13px; border-radius: 3px;
                               border: 2px solid {c['muted']}; background: {c['button']}; }}
    QCheckBox::indicator:checked, QListView::indicator:checked {{
        border-color: {c['highlight']}; background: {c['highlight']}; image: url("{_CHECK}"); }}
    QCheckBox::indicator:disabled, QListView::indicator:disabled {{ border-color: {c['border']}; }}
    QCheckBox:focus {{ color: {c['highlight']}; }}
    QTreeView::item, QTableView::item {{ padding: 4px 2px; }}
    QListView::item {{ padding: 2px 2px; }}
    QLineEdit#typedAnswerEdit {{ font-size: {font_pt}pt; padding: 8px; }}
    QProgressBar {{ border: none; background: {c['alt']}; height: 6px; border-radius: 3px; }}
    QProgressBar::chunk {{ background: {c['highlight']}; border-radius: 3px; }}
    """


def card_css(name: str) -> str:
    """Style for card HTML in QTextBrowser (Qt's rich text reads a subset of CSS)."""
    c = _COLORS[name]
    return (
        f".cloze {{ color: {c['cloze']}; font-weight: bold; }}"
        f".wrong {{ color: {c['bad']}; }} .missing {{ color: {c['good']}; font-weight: bold; }}"
        f".source {{ color: {c['muted']}; font-size: 11pt; }}"
        f".explanation {{ color: {c['muted']}; }}"
        f"a {{ color: {c['highlight']}; }} hr {{ color: {c['border']}; }}"
        "code { font-family: monospace; }"
    )
