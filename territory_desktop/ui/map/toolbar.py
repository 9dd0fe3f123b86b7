"""The Map panel's toolbar, built onto the view it drives."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QMenu, QToolButton

from territory_desktop.ui.map.coloring import COLOR_MODES
from territory_desktop.ui.theme import icons


class ToolbarHost(Protocol):
    """What the toolbar drives (the MapView): its widgets are set on it, its slots are connected."""

    canvas: object

    def set_mode(self, mode: str) -> None: ...

    def set_color_mode(self, mode: str) -> None: ...

    def set_only_filtered(self, on: bool) -> None: ...

    def set_size_by_potential(self, on: bool) -> None: ...

    def zoom_all(self) -> None: ...

    def zoom_selection(self) -> None: ...

    def export_dialog(self, ext: str = "png") -> None: ...

MODES = (("select", "Select", "Click, Shift+drag a rectangle, drag empty space to pan (S)", "S"),
         ("lasso", "Lasso", "Draw around accounts to select them; Shift adds, Ctrl removes (L)", "L"),
         ("paint", "Paint", "Draw around accounts to give them to the territory chosen beside (P)", "P"))


def build_toolbar(view: ToolbarHost) -> QHBoxLayout:
    """The row above the map: modes, paint target, colour by, filter, size, zoom, and the zoom/export menu.
    The widgets are set on `view` (view.paint_target, view.size_button...) where its slots find them."""
    bar = QHBoxLayout()
    bar.setContentsMargins(6, 6, 6, 0)
    bar.setSpacing(4)
    view.mode_group = QActionGroup(view)
    view.mode_buttons: dict[str, QToolButton] = {}
    for key, text, tip, shortcut in MODES:
        act = QAction(text, view, checkable=True, toolTip=tip)
        act.setShortcut(QKeySequence(shortcut))
        act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        act.triggered.connect(lambda _=False, k=key: view.set_mode(k))
        view.mode_group.addAction(act)
        view.addAction(act)
        b = QToolButton(view)
        b.setDefaultAction(act)
        b.setAutoRaise(True)
        bar.addWidget(b)
        view.mode_buttons[key] = b
    view.mode_buttons["select"].defaultAction().setChecked(True)
    view.paint_target = QComboBox(view)
    view.paint_target.setToolTip("The territory Paint gives accounts to")
    view.paint_target.setMinimumContentsLength(12)
    view.paint_target.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    view.paint_target.setVisible(False)
    bar.addWidget(view.paint_target)
    bar.addSpacing(10)
    view.color_combo = QComboBox(view)
    view.color_combo.setToolTip("Colour accounts by territory, band status, segment or moved vs baseline")
    for key, text in COLOR_MODES:
        view.color_combo.addItem(text, key)
    view.color_combo.currentIndexChanged.connect(lambda _i: view.set_color_mode(view.color_combo.currentData()))
    bar.addWidget(view.color_combo)
    view.filter_button = QToolButton(view, text="Filtered", checkable=True, autoRaise=True)
    view.filter_button.setToolTip("Show only the accounts the account table's search and filters show")
    view.filter_button.toggled.connect(view.set_only_filtered)
    bar.addWidget(view.filter_button)
    view.size_button = QToolButton(view, text="Size", checkable=True, autoRaise=True)
    view.size_button.setToolTip("Draw accounts by potential: the top 10% large, the next 40% medium, "
                                "the rest small")
    view.size_button.toggled.connect(view.set_size_by_potential)
    bar.addWidget(view.size_button)
    bar.addStretch(1)
    for text, tip, slot in (("−", "Zoom out (−)", lambda: view.canvas.zoom(1 / 1.5)),
                            ("+", "Zoom in (+)", lambda: view.canvas.zoom(1.5)),
                            ("Fit", "Zoom to all accounts (0)", view.zoom_all)):
        b = QToolButton(view, text=text, toolTip=tip, autoRaise=True)
        b.clicked.connect(slot)
        bar.addWidget(b)
    zoom_sel = QAction("Zoom to Selection", view, shortcut=QKeySequence("Z"), triggered=view.zoom_selection)
    zoom_sel.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    view.addAction(zoom_sel)
    more = QMenu(view)
    more.addAction(zoom_sel)
    more.addSeparator()
    for label, ext in (("Export as PNG…", "png"), ("Export as SVG…", "svg"), ("Export as PDF…", "pdf")):
        more.addAction(label, lambda e=ext: view.export_dialog(e))
    view.more_button = QToolButton(view, text="Map", autoRaise=True, toolTip="Zoom to selection, export")
    view.more_button.setIcon(icons.icon("export"))
    view.more_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
    view.more_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
    view.more_button.setMenu(more)
    bar.addWidget(view.more_button)
    return bar
