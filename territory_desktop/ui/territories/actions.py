"""The territories panel's toolbar and context menu: one QAction per territory command (add, rename,
recolour, edit, lock, remove, set region, select its accounts), the "Group by region" and "Balance within
region" toggles, the filter box, and which actions the selected territory enables.

Kept apart from the panel so the list of commands, their shortcuts and their words live in one place; the
shell reads the same actions (`actions_by_name`) for the Territories menu. A mixin of `TerritoryPanel`,
whose methods the actions trigger.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLineEdit, QSizePolicy, QToolBar, QToolButton, QWidget

from territory_desktop.core.plan import Plan
from territory_desktop.ui.territories.tree_view import TerritoryTreeView
from territory_desktop.ui.territories.view import TerritoryView
from territory_desktop.ui.theme import icons


class PanelActionsMixin:
    """Builds and updates the panel's actions, toolbar and filter box; mix in before QWidget."""

    plan: Plan
    view: TerritoryView
    tree: TerritoryTreeView

    def _build_toolbar(self) -> None:
        """The toolbar: the territory actions, the two toggles, then the filter box at its right end."""
        self.actions_by_name: dict[str, QAction] = {}
        self.toolbar = QToolBar("Territory actions", self)
        self.toolbar.setIconSize(self.toolbar.iconSize().scaled(18, 18, Qt.AspectRatioMode.KeepAspectRatio))
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        self._build_actions()
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("Filter territories or reps")
        self.filter.setClearButtonEnabled(True)
        self.filter.setMaximumWidth(260)
        self.filter.setAccessibleName("Filter territories")
        self.filter.textChanged.connect(self.set_filter_text)
        spacer = QWidget(self.toolbar)
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.toolbar.addWidget(spacer)
        self.toolbar.addWidget(self.filter)

    def _build_actions(self) -> None:
        """The territory actions (toolbar and context menu of both views), with their icons and shortcuts."""
        specs = (
            ("add", "&Add Territory…", "add", "Add an empty territory", QKeySequence("Ctrl+Shift+N")),
            ("rename", "Re&name Territory…", "rename", "Rename the selected territory", QKeySequence("F2")),
            ("recolour", "Change &Colour…", "recolour", "Pick the selected territory's map colour", None),
            ("edit", "&Edit Territory…", "edit", "Edit rep, home, capacity and region", QKeySequence("Ctrl+E")),
            ("lock", "&Lock Territory", "lock", "Lock: nothing moves in or out", QKeySequence("Ctrl+L")),
            ("remove", "Re&move Territory…", "remove", "Remove the selected territory", QKeySequence.StandardKey.Delete),
        )
        handlers = {"add": self.add_territory, "rename": self.rename_territory,
                    "recolour": self.recolour_territory, "edit": self.edit_territory,
                    "lock": self.toggle_lock, "remove": self.remove_territory}
        for name, text, icon_name, tip, key_spec in specs:
            key = QKeySequence(key_spec) if key_spec is not None else None
            a = QAction(icons.icon(icon_name), text, self)
            a.setToolTip(tip + (f" ({key.toString(QKeySequence.SequenceFormat.NativeText)})" if key else ""))
            a.setStatusTip(tip)
            if key is not None:
                a.setShortcut(key)
                a.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            a.triggered.connect(lambda _checked=False, h=handlers[name]: h())
            self.actions_by_name[name] = a
            self.toolbar.addAction(a)
            self.view.addAction(a)
            if name in ("add", "lock"):
                self.toolbar.addSeparator()
        self._build_hierarchy_actions()
        select = QAction("&Select Its Accounts", self)
        select.setStatusTip("Select the territory's accounts in the table (then Ctrl+M moves them)")
        select.triggered.connect(lambda _checked=False: self.select_accounts())
        self.actions_by_name["select"] = select
        separator = QAction(self)
        separator.setSeparator(True)
        self.view.addAction(separator)
        self.view.addAction(select)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        for a in self.view.actions():
            self.tree.addAction(a)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

    def _build_hierarchy_actions(self) -> None:
        """Group by region (a view choice, remembered) and judge balance within region (an undoable edit)."""
        region = QAction("Set Re&gion…", self)
        region.setStatusTip("Put the selected territory in another region (and area)")
        region.triggered.connect(lambda _checked=False: self.ask_region())
        self.actions_by_name["region"] = region
        self.view.addAction(region)
        group = QAction("Group by region", self)
        group.setCheckable(True)
        group.setToolTip("Show regions (and areas) with their totals, each expandable to its territories")
        group.setStatusTip(group.toolTip())
        group.triggered.connect(lambda checked: self.set_grouped(bool(checked)))
        within = QAction("Balance within region", self)
        within.setCheckable(True)
        within.setChecked(self.plan.settings.balance_within_region)
        within.setToolTip("Judge each territory against the territories of its own region (undoable)")
        within.setStatusTip(within.toolTip())
        within.triggered.connect(lambda checked: self.set_balance_within_region(bool(checked)))
        self.actions_by_name["group"], self.actions_by_name["within_region"] = group, within
        self.toolbar.addSeparator()
        for a in (group, within):
            button = QToolButton(self.toolbar)
            button.setDefaultAction(a)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setAutoRaise(True)
            self.toolbar.addWidget(button)

    def _update_actions(self) -> None:
        """Enable the per-territory actions when a territory is selected; word Lock/Unlock for it."""
        if "group" not in self.actions_by_name or not hasattr(self, "stack"):
            return
        t = self.current_territory()
        for name in ("rename", "recolour", "edit", "lock", "remove", "select", "region"):
            self.actions_by_name[name].setEnabled(t is not None)
        lock = self.actions_by_name["lock"]
        locked = t is not None and self.plan.territories[t].locked
        lock.setText("Un&lock Territory" if locked else "&Lock Territory")
        lock.setIcon(icons.icon("unlock" if locked else "lock"))
