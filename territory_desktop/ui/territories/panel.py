"""The Territories panel: one row per territory, a drop target for accounts, and the territory actions.

"Group by region" shows the same rows as a tree (areas → regions → territories, tree_model.py) with totals
per level; a territory row there selects, takes drops and edits exactly as in the flat table, because both
views call the same panel methods. The choice is remembered in the QSettings the panel is given.
"Balance within region" is an undoable SetSettings: each territory is then judged against its region's.

Dropping account rows (ui/hub/drag_payload.py) on a row moves them there as one mergeable, undoable step;
the row under the cursor is outlined while dragging so the planner sees where the accounts will land.
Every action goes through the PlanController, so a refused edit (a locked territory) is reported in one
place and every view follows the plan's change event.

The panel is composed of mixins, one per responsibility: `column_widths.py` (delegates and column widths),
`region_tree.py` (the tree mode), `actions.py` (toolbar, context menu, filter box) and `territory_edits.py`
(the plan edits). This module builds the widget and holds its selection and plan state.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QSettings, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from territory_desktop.core.plan import Plan, PlanChange
from territory_desktop.ui.hub.plan_controller import PlanController
from territory_desktop.ui.territories.actions import PanelActionsMixin
from territory_desktop.ui.territories.column_widths import ColumnWidthsMixin
from territory_desktop.ui.territories.model import SORT_ROLE, TerritoryTableModel
from territory_desktop.ui.territories.region_tree import GROUP_SETTING, RegionTreeMixin, territory_of
from territory_desktop.ui.territories.territory_edits import TerritoryEditsMixin
from territory_desktop.ui.territories.view import TerritoryView

__all__ = ["GROUP_SETTING", "TerritoryPanel"]


class TerritoryPanel(ColumnWidthsMixin, RegionTreeMixin, PanelActionsMixin, TerritoryEditsMixin, QWidget):
    """Territory table, its toolbar (add, rename, recolour, edit, lock, remove) and drop handling."""

    message = Signal(str)  # a one-line result for the status bar
    selectAccounts = Signal(object)  # noqa: N815 (Qt naming) — plan rows to select in every view

    def __init__(self, plan: Plan, controller: PlanController, parent: QWidget | None = None,
                 settings: QSettings | None = None) -> None:
        super().__init__(parent)
        self.plan = plan
        self.controller = controller
        self._settings = settings
        """Where "Group by region" is remembered (None: for this session only)."""
        plan.changed.connect(self._on_plan_changed)
        self.model = TerritoryTableModel(plan, self)
        self.model.lockRequested.connect(self.set_locked)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setFilterKeyColumn(-1)  # name, rep and the other texts
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.view = TerritoryView(self)
        self.view.setModel(self.proxy)
        self._setup_view()
        self.view.accountsDropped.connect(self.move_rows_to)
        self.view.drop_check = self.drop_problem
        self.view.plan_version = lambda: self.plan.version
        self.view.dropHint.connect(self.message)
        self.view.activated.connect(lambda _i: self.edit_territory())  # double-click, or Enter
        self._setup_tree()
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.tree)
        self._build_toolbar()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.toolbar)
        lay.addWidget(self.stack)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._update_actions())
        self.tree.selectionModel().currentRowChanged.connect(lambda *_: self._update_actions())
        self.model.modelReset.connect(self._update_actions)
        self.model.dataChanged.connect(lambda *_: self._update_actions())
        grouped = settings is not None and str(settings.value(GROUP_SETTING, "false")).lower() == "true"
        self.set_grouped(grouped, remember=False)
        self._update_actions()

    # ----- selection ------------------------------------------------------------------------------------
    def current_territory(self) -> int | None:
        """The territory of the active view's current (or selected) row; None on a group row or none."""
        view = self.active_view if hasattr(self, "stack") else self.view
        idx = view.currentIndex()
        if not idx.isValid():
            sel = view.selectionModel().selectedRows()
            idx = sel[0] if sel else idx
        return territory_of(idx)

    def select_territory(self, territory: int) -> None:
        """Make `territory` the current row of the active view (in the tree: opening its group) and show it."""
        if self.grouped:
            src = self.tree_model.index_of_territory(territory)
            idx = self.tree_proxy.mapFromSource(src) if src.isValid() else QModelIndex()
            if not idx.isValid():
                return
            self.tree.expand(idx.parent())
            self.tree.setCurrentIndex(idx)
            self.tree.scrollTo(idx)
            return
        row = self.model.row_of(territory)
        if row < 0:
            return
        idx = self.proxy.mapFromSource(self.model.index(row, 0))
        self.view.setCurrentIndex(idx)
        self.view.scrollTo(idx)

    def view_row_of(self, territory: int) -> int:
        """Row of a territory in the (sorted) view, for tests and drop positions."""
        row = self.model.row_of(territory)
        return self.proxy.mapFromSource(self.model.index(row, 0)).row() if row >= 0 else -1

    def select_accounts(self, territory: int | None = None) -> bool:
        """Ask every view to select this territory's accounts (the shared selection does the rest)."""
        territory = self.current_territory() if territory is None else territory
        if territory is None:
            return False
        rows = self.plan.rows_in(territory)
        self.selectAccounts.emit(rows)
        self.message.emit(f"Selected the {len(rows):,} accounts of {self.plan.territories[territory].name}.")
        return True

    def set_filter_text(self, text: str) -> None:
        """Show only territories whose name, rep (or other cell) contains `text` (in the tree: with their
        region and area; a region's name shows the whole region)."""
        self.proxy.setFilterFixedString(text.strip())
        self.tree_proxy.setFilterFixedString(text.strip())
        if self.filter.text() != text:
            self.filter.setText(text)

    # ----- state ----------------------------------------------------------------------------------------
    def set_plan(self, plan: Plan, controller: PlanController) -> None:
        """Show another plan (a file opened, a scenario switched), edited through `controller`."""
        self.plan.changed.disconnect(self._on_plan_changed)
        self.plan = plan
        self.controller = controller
        plan.changed.connect(self._on_plan_changed)
        self.model.set_plan(plan)
        self._show_within_region()

    def _on_plan_changed(self, change: PlanChange) -> None:
        """Follow a settings change (an undo of "Balance within region" unticks it)."""
        if change.kind == "settings":  # an undo of "Balance within region" unticks it
            self._show_within_region()

    def _show_within_region(self) -> None:
        """Tick "Balance within region" as the plan's settings say."""
        self.actions_by_name["within_region"].setChecked(self.plan.settings.balance_within_region)
