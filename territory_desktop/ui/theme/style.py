"""The look of the window: Fusion with a calm light palette, one spacing scale, the band colours, and the
cell painters that draw them (workload bar, deviation pill).

Every widget takes its colours from here so the panel, the status bar and future docks (map, capacity)
speak the same visual language. Band colours come with words everywhere they are shown: colour is never
the only signal (a planner with red-green colour blindness must read the same thing).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication

SPACING = 6
"""The base unit of margins and gaps (px): layouts use 1×, 2× or 3× of it."""

ACCENT = "#2F6FDE"
TEXT = "#1F2328"
MUTED = "#5B636E"
BORDER = "#D5D9DF"
WINDOW_BG = "#F4F5F7"

BAND_COLORS: dict[str, tuple[str, str]] = {
    "in": ("#1E6B34", "#E5F3E8"),
    "near": ("#8A5300", "#FFF1D1"),
    "out": ("#B3261E", "#FCE4E1"),
}
"""(text, background) per balance band: calm green / amber / red."""

BAND_WORDS = {"in": "in band", "near": "near edge", "out": "out of band"}

WORKLOAD_ROLE = Qt.ItemDataRole.UserRole + 3
"""Item role the workload painter reads: (workload hours, capacity hours, utilisation)."""
BAND_ROLE = Qt.ItemDataRole.UserRole + 4
"""Item role the band painter reads: (deviation from the fair share, band status)."""

STYLE_SHEET = f"""
QMainWindow::separator {{ background: {BORDER}; width: 1px; height: 1px; }}
QToolBar {{ spacing: 4px; padding: 3px 6px; border: none; border-bottom: 1px solid {BORDER};
           background: {WINDOW_BG}; }}
QToolBar QToolButton {{ padding: 4px 6px; border-radius: 4px; }}
QToolBar QToolButton:hover {{ background: #E3E7ED; }}
QToolBar QToolButton:pressed, QToolBar QToolButton:checked {{ background: #D6DEEA; }}
QDockWidget {{ font-weight: 600; }}
QDockWidget::title {{ padding: 6px 8px; background: {WINDOW_BG}; border-bottom: 1px solid {BORDER}; }}
QTableView, QListView, QTreeView {{ border: 1px solid {BORDER}; gridline-color: #ECEEF1;
           selection-background-color: #D8E4FA; selection-color: {TEXT}; }}
QTableView::item {{ padding: 0 6px; }}
QHeaderView::section {{ background: #EEF0F3; border: none; border-right: 1px solid {BORDER};
           border-bottom: 1px solid {BORDER}; padding: 4px 6px; font-weight: 600; color: {MUTED}; }}
QStatusBar {{ border-top: 1px solid {BORDER}; background: {WINDOW_BG}; }}
QStatusBar::item {{ border: none; }}
QStatusBar QLabel {{ padding: 0 8px; color: {TEXT}; }}
QLabel#healthPill {{ border-radius: 9px; padding: 1px 8px; }}
QFrame#notice {{ background: #FFFFFF; border: 1px solid {BORDER}; border-left: 4px solid #B3261E;
           border-radius: 6px; }}
QFrame#notice[kind="info"] {{ border-left-color: {ACCENT}; }}
QLabel#noticeText {{ color: {TEXT}; }}
QLineEdit {{ padding: 4px 6px; border: 1px solid {BORDER}; border-radius: 4px; background: #FFFFFF; }}
QLineEdit:focus {{ border-color: {ACCENT}; }}
"""


def light_palette() -> QPalette:
    """A low-contrast-background, high-contrast-text palette that stays readable on cheap laptop screens."""
    p = QPalette()
    roles = {
        QPalette.ColorRole.Window: WINDOW_BG, QPalette.ColorRole.WindowText: TEXT,
        QPalette.ColorRole.Base: "#FFFFFF", QPalette.ColorRole.AlternateBase: "#F8F9FB",
        QPalette.ColorRole.Text: TEXT, QPalette.ColorRole.Button: "#F7F8FA",
        QPalette.ColorRole.ButtonText: TEXT, QPalette.ColorRole.Highlight: ACCENT,
        QPalette.ColorRole.HighlightedText: "#FFFFFF", QPalette.ColorRole.ToolTipBase: "#FFFFFF",
        QPalette.ColorRole.ToolTipText: TEXT, QPalette.ColorRole.PlaceholderText: "#8A929C",
        QPalette.ColorRole.Link: ACCENT, QPalette.ColorRole.Mid: "#C9CED6",
        QPalette.ColorRole.Midlight: "#E6E9ED", QPalette.ColorRole.Dark: "#9AA1AB",
        QPalette.ColorRole.Light: "#FFFFFF", QPalette.ColorRole.Shadow: "#6B717A",
    }
    for role, colour in roles.items():
        p.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor("#A0A6AE"))
    return p


def apply_style(app: QApplication) -> None:
    """Fusion + the light palette + the shared style sheet, once per application."""
    app.setStyle("Fusion")
    app.setPalette(light_palette())
    font = app.font()
    if font.pointSizeF() < 9.5:
        font.setPointSizeF(9.5)
    font.setStyleHint(QFont.StyleHint.SansSerif)
    app.setFont(font)
    app.setStyleSheet(STYLE_SHEET)


