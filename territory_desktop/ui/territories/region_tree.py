"""The territories panel's region tree ("Group by region"): its model, proxy and view wired like the flat
table's, the switch between the two, and what a reset of the tree keeps (groups the planner closed, the
selected territory, the sort the table shows).

Kept apart from the panel because the flat table needs none of it. A mixin of `TerritoryPanel`: a tree row
of a territory calls the same panel methods as a table row, so it selects, takes drops and edits alike.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QSettings, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QStackedWidget

from territory_desktop.core.plan import Plan
from territory_desktop.ui.territories.model import SORT_ROLE, TERRITORY_ROLE, TerritoryTableModel
from territory_desktop.ui.territories.tree_model import GROUP_ROLE, TerritoryTreeModel
from territory_desktop.ui.territories.tree_view import TerritoryTreeView
from territory_desktop.ui.territories.view import TerritoryView

GROUP_SETTING = "territories/groupByRegion"
"""QSettings key under which "Group by region" is remembered."""


def territory_of(idx: QModelIndex) -> int | None:
    """The territory of a row of either view (None on a region or area row)."""
    t = idx.data(TERRITORY_ROLE) if idx.isValid() else None
    return None if t is None else int(t)


class RegionTreeMixin:
    """The tree mode of the territories panel; mix in before QWidget."""

    plan: Plan
    message: Signal
    model: TerritoryTableModel
    view: TerritoryView
    stack: QStackedWidget
    actions_by_name: dict[str, QAction]
    _settings: QSettings | None

    def _setup_tree(self) -> None:
        """The tree mode's model, proxy and view, wired to the same handlers as the flat table."""
        self.tree_model = TerritoryTreeModel(self.model, self)
        self.tree_proxy = QSortFilterProxyModel(self)
        self.tree_proxy.setSourceModel(self.tree_model)
        self.tree_proxy.setSortRole(SORT_ROLE)
        self.tree_proxy.setFilterKeyColumn(-1)
        self.tree_proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.tree_proxy.setRecursiveFilteringEnabled(True)  # a match shows its region and area
        self.tree_proxy.setAutoAcceptChildRows(True)  # typing a region's name shows all of it
        self.tree = TerritoryTreeView(self)
        self.tree.setModel(self.tree_proxy)
        self.tree.setSortingEnabled(True)
        self.tree.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.tree.setItemDelegateForColumn(0, None)
        self.tree.accountsDropped.connect(self.move_rows_to)
        self.tree.drop_check = self.drop_problem
        self.tree.plan_version = lambda: self.plan.version
        self.tree.dropHint.connect(self.message)
        self.tree.activated.connect(lambda i: self.edit_territory() if territory_of(i) is not None else None)
        self._collapsed: set[str] = set()
        self._keep_current: int | None = None
        self.tree.collapsed.connect(lambda i: self._collapsed.add(str(i.data(GROUP_ROLE))))
        self.tree.expanded.connect(lambda i: self._collapsed.discard(str(i.data(GROUP_ROLE))))
        self.tree_model.modelAboutToBeReset.connect(self._before_tree_reset)
        self.tree_model.modelReset.connect(self._after_tree_reset)
        self.view.horizontalHeader().sortIndicatorChanged.connect(self._sort_tree_like_table)
        self.tree.header().sortIndicatorChanged.connect(self._sort_table_like_tree)

    @property
    def grouped(self) -> bool:
        """True when the panel shows the region tree."""
        return self.stack.currentWidget() is self.tree

    @property
    def active_view(self) -> TerritoryView | TerritoryTreeView:
        """The view shown: the tree when grouped, else the flat table."""
        return self.tree if self.grouped else self.view

    def set_grouped(self, on: bool, remember: bool = True) -> None:
        """Show the region tree (on) or the flat table, keeping the selected territory selected."""
        current = self.current_territory() if hasattr(self, "stack") else None
        self.stack.setCurrentWidget(self.tree if on else self.view)
        self.tree_model.set_active(on)
        # the shell focuses `view`: in tree mode that focus goes to the tree
        self.view.setFocusProxy(self.tree if on else None)
        self.actions_by_name["group"].setChecked(on)
        if remember and self._settings is not None:
            self._settings.setValue(GROUP_SETTING, on)
        if current is not None:
            self.select_territory(current)
        self._update_actions()

    def _before_tree_reset(self) -> None:
        """Remember the selected territory, to select it again after the reset."""
        self._keep_current = territory_of(self.tree.currentIndex())

    def _after_tree_reset(self) -> None:
        """New shape (a region edited, a territory added): groups open unless the planner closed them,
        the territory that was selected stays selected wherever it went."""
        self.tree.expandAll()
        for r in range(self.tree_proxy.rowCount()):
            top = self.tree_proxy.index(r, 0)
            for idx in (top, *(self.tree_proxy.index(c, 0, top) for c in range(self.tree_proxy.rowCount(top)))):
                if str(idx.data(GROUP_ROLE)) in self._collapsed:
                    self.tree.blockSignals(True)
                    self.tree.collapse(idx)
                    self.tree.blockSignals(False)
        self._widen_to_fit()
        if self._keep_current is not None:
            self.select_territory(self._keep_current)
        self._keep_current = None

    def _sort_tree_like_table(self, column: int, order: Qt.SortOrder) -> None:
        """Sort the tree as the table was just sorted (the two views show one sort)."""
        header = self.tree.header()
        if (header.sortIndicatorSection(), header.sortIndicatorOrder()) != (column, order):
            self.tree.sortByColumn(column, order)

    def _sort_table_like_tree(self, column: int, order: Qt.SortOrder) -> None:
        """Sort the table as the tree was just sorted."""
        header = self.view.horizontalHeader()
        if (header.sortIndicatorSection(), header.sortIndicatorOrder()) != (column, order):
            self.view.sortByColumn(column, order)
