"""The Territories panel: one row per territory, a drop target for accounts, and the territory actions.

"Group by region" shows the same rows as a tree (areas → regions → territories, tree_model.py) with totals
per level; a territory row there selects, takes drops and edits exactly as in the flat table, because both
views call the same panel methods. The choice is remembered in the QSettings the panel is given.
"Balance within region" is an undoable SetSettings: each territory is then judged against its region's.

Dropping account rows (ui/hub/drag_payload.py) on a row moves them there as one mergeable, undoable step;
the row under the cursor is outlined while dragging so the planner sees where the accounts will land.
Every action goes through the PlanController, so a refused edit (a locked territory) is reported in one
place and every view follows the plan's change event.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from PySide6.QtCore import QModelIndex, QSettings, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QAction, QColor, QFont, QFontMetrics, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QColorDialog,
    QHeaderView,
    QInputDialog,
    QLineEdit,
    QSizePolicy,
    QStackedWidget,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from territory_desktop.core import kpis
from territory_desktop.core.edits import (
    AddTerritory,
    Edit,
    MoveAccounts,
    RemoveTerritory,
    SetSettings,
    UpdateTerritory,
)
from territory_desktop.core.palette import PALETTE, color_for
from territory_desktop.core.plan import EditRefused, Plan, PlanChange
from territory_desktop.core.territory import Territory
from territory_desktop.ui.hub.plan_controller import PlanController
from territory_desktop.ui.territories.delegates import (
    BAND_TEXT_ROLE,
    BandDelegate,
    WorkloadBarDelegate,
    workload_text,
)
from territory_desktop.ui.territories.dialog import RemoveTerritoryDialog, TerritoryDialog
from territory_desktop.ui.territories.model import SORT_ROLE, TERRITORY_ROLE, TerritoryTableModel
from territory_desktop.ui.territories.tree_model import GROUP_ROLE, TerritoryTreeModel
from territory_desktop.ui.territories.tree_view import TerritoryTreeView
from territory_desktop.ui.territories.view import TerritoryView
from territory_desktop.ui.theme import icons
from territory_desktop.ui.theme.style import WORKLOAD_ROLE

_SORT_ARROW = 18
"""px the header's sort indicator takes beside a title, so "Potential" never runs under its arrow."""
GROUP_SETTING = "territories/groupByRegion"


def _territory_of(idx: QModelIndex) -> int | None:
    """The territory of a row of either view (None on a region or area row)."""
    t = idx.data(TERRITORY_ROLE) if idx.isValid() else None
    return None if t is None else int(t)


class TerritoryPanel(QWidget):
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
        self.tree.activated.connect(lambda i: self.edit_territory() if _territory_of(i) is not None else None)
        self._collapsed: set[str] = set()
        self._keep_current: int | None = None
        self.tree.collapsed.connect(lambda i: self._collapsed.add(str(i.data(GROUP_ROLE))))
        self.tree.expanded.connect(lambda i: self._collapsed.discard(str(i.data(GROUP_ROLE))))
        self.tree_model.modelAboutToBeReset.connect(self._before_tree_reset)
        self.tree_model.modelReset.connect(self._after_tree_reset)
        self.view.horizontalHeader().sortIndicatorChanged.connect(self._sort_tree_like_table)
        self.tree.header().sortIndicatorChanged.connect(self._sort_table_like_tree)

    def _setup_view(self) -> None:
        v = self.view
        v.setSortingEnabled(True)
        v.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        v.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        v.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        v.setAlternatingRowColors(True)
        v.setShowGrid(False)
        v.setWordWrap(False)
        v.setTabKeyNavigation(False)
        v.verticalHeader().setVisible(False)
        v.verticalHeader().setDefaultSectionSize(30)
        v.horizontalHeader().setHighlightSections(False)
        v.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        v.horizontalHeader().setStretchLastSection(False)
        self._band_delegate = BandDelegate(v)
        self._bar_delegate = WorkloadBarDelegate(v)
        self.proxy.modelReset.connect(self._apply_column_setup)
        self._width_cache: dict[tuple[int, object], int] = {}
        """Width of a cell by column and what it shows: deviations and workloads repeat across territories
        and edits, so after the first edits a cell is measured by a dict lookup."""
        self.model.dataChanged.connect(lambda top, bottom, *_: self._widen_to_fit(range(top.row(), bottom.row() + 1)))
        self.proxy.modelReset.connect(self._width_cache.clear)
        v.horizontalHeader().sortIndicatorChanged.connect(lambda *_: self._widen_to_fit())
        self._apply_column_setup()

    def _apply_column_setup(self) -> None:
        """Delegates and widths per column kind (the measure columns follow the balance settings)."""
        for c in range(self.model.columnCount()):
            key = self.model.column_key(c)
            if key.startswith("dev_"):
                self.view.setItemDelegateForColumn(c, self._band_delegate)
            elif key == "workload":
                self.view.setItemDelegateForColumn(c, self._bar_delegate)
            else:
                self.view.setItemDelegateForColumn(c, None)
            self.view.setColumnWidth(c, self._needed_width(c))
        self.view.fit_name_column()
        self._sync_tree_columns()

    def _sync_tree_columns(self) -> None:
        """The tree's delegates and widths are the table's (the tree indents the name column only)."""
        if not hasattr(self, "tree"):
            return
        for c in range(self.model.columnCount()):
            self.tree.setItemDelegateForColumn(c, self.view.itemDelegateForColumn(c))
            if c >= 2:
                self.tree.setColumnWidth(c, self.view.columnWidth(c))
        h = self.tree_model.hierarchy
        self.tree.depth = 3 if h is not None and h.has_areas else 2
        self.tree.fit_name_column()

    def _needed_width(self, column: int, rows: range | None = None) -> int:
        """The width a column needs: its widest cell and its header (with the sort arrow's room when sorted).

        Only the sorted column reserves the arrow's room: reserving it everywhere cost ~65 px, which a laptop's
        territories panel does not have; sorting widens that one column and the name column gives way.
        K is at most a few hundred rows, so measuring every cell costs well under a millisecond per column.
        """
        key = self.model.column_key(column)
        defaults = {"name": 184, "rep": 120, "accounts": 84, "potential": 84, "workload": 128, "locked": 52}
        header = self.view.horizontalHeader()
        bold = QFont(header.font())
        bold.setBold(True)
        title = str(self.model.headerData(column, Qt.Orientation.Horizontal) or "")
        arrow = _SORT_ARROW if header.isSortIndicatorShown() and header.sortIndicatorSection() == column else 0
        need = max(defaults.get(key, 104), QFontMetrics(bold).horizontalAdvance(title) + 2 * 6 + arrow)
        if key in ("name", "rep"):
            return need
        delegate = self.view.itemDelegateForColumn(column) or self.view.itemDelegate()
        opt = QStyleOptionViewItem()
        opt.initFrom(self.view)
        opt.font = self.view.font()
        need = max(need, self._widest_cell(column, delegate, opt, rows))
        if hasattr(self, "tree_model") and self.grouped:  # a region's total is wider than its territories'
            bold = QFont(opt.font)
            bold.setBold(True)
            opt.font = bold
            painted_by_delegate = key == "workload"  # the bar and its percentage, in the plain font
            if painted_by_delegate:
                opt.font = self.view.font()
            for idx in self.tree_model.group_indexes(column):
                need = max(need, delegate.sizeHint(opt, idx).width() if painted_by_delegate else
                           QFontMetrics(bold).horizontalAdvance(str(idx.data() or "")) + 2 * 8)
        return need

    def _widest_cell(self, column: int, delegate: QStyledItemDelegate, opt: QStyleOptionViewItem,
                     rows: range | None = None) -> int:
        """The widest cell of a column (of `rows`, default all). Qt's size hint of every cell cost ~0.5 s per
        edit at 200 territories (it reads every role of the cell): the panel's own delegates measure their
        width directly, a plain cell is its text plus the padding Qt's hint adds to it (found on the first
        row), and each (column, text) is measured once."""
        n = self.model.rowCount()
        rows = range(n) if rows is None else range(max(rows.start, 0), min(rows.stop, n))
        if not len(rows):
            return 0
        width_for = getattr(delegate, "width_for", None)
        role = BAND_TEXT_ROLE if isinstance(delegate, BandDelegate) else \
            WORKLOAD_ROLE if isinstance(delegate, WorkloadBarDelegate) else Qt.ItemDataRole.DisplayRole
        fm = QFontMetrics(opt.font)
        cache = self._width_cache
        widest = 0
        value = self.model.value
        for r in rows:
            shown = value(r, column, role)
            if role == WORKLOAD_ROLE and shown:  # the bar's width is fixed: only its words vary
                shown = workload_text(*shown)[0]
            key = (column, shown)
            width = cache.get(key)
            if width is None:
                index = self.model.index(r, column)
                if width_for is not None:
                    width = width_for(opt, index) or 0
                else:
                    pad = cache.get((column, "\x00pad"))
                    if pad is None:
                        pad = cache[(column, "\x00pad")] = \
                            delegate.sizeHint(opt, index).width() - fm.horizontalAdvance(str(shown or ""))
                    width = fm.horizontalAdvance(str(shown or "")) + pad
                cache[key] = width
            widest = max(widest, width)
        return widest

    def _widen_to_fit(self, rows: range | None = None) -> None:
        """After an edit or a sort a cell or header may say more ("1,097% over", the sort arrow): widen its
        column, never narrow it under the user; the name column takes what is left. Columns only widen, so
        after an edit only the rows it changed (`rows`) need measuring."""
        for c in range(self.model.columnCount()):
            if self.model.column_key(c) in ("name", "rep"):
                continue
            need = self._needed_width(c, rows)
            if self.view.columnWidth(c) < need:
                self.view.setColumnWidth(c, need)
        self.view.fit_name_column()
        self._sync_tree_columns()

    def _build_actions(self) -> None:
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
        self.plan.changed.disconnect(self._on_plan_changed)
        self.plan = plan
        self.controller = controller
        plan.changed.connect(self._on_plan_changed)
        self.model.set_plan(plan)
        self._show_within_region()

    def _on_plan_changed(self, change: PlanChange) -> None:
        if change.kind == "settings":  # an undo of "Balance within region" unticks it
            self._show_within_region()

    def _show_within_region(self) -> None:
        self.actions_by_name["within_region"].setChecked(self.plan.settings.balance_within_region)

    @property
    def grouped(self) -> bool:
        """True when the panel shows the region tree."""
        return self.stack.currentWidget() is self.tree

    @property
    def active_view(self) -> TerritoryView | TerritoryTreeView:
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
        self._keep_current = _territory_of(self.tree.currentIndex())

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
        header = self.tree.header()
        if (header.sortIndicatorSection(), header.sortIndicatorOrder()) != (column, order):
            self.tree.sortByColumn(column, order)

    def _sort_table_like_tree(self, column: int, order: Qt.SortOrder) -> None:
        header = self.view.horizontalHeader()
        if (header.sortIndicatorSection(), header.sortIndicatorOrder()) != (column, order):
            self.view.sortByColumn(column, order)

    def current_territory(self) -> int | None:
        view = self.active_view if hasattr(self, "stack") else self.view
        idx = view.currentIndex()
        if not idx.isValid():
            sel = view.selectionModel().selectedRows()
            idx = sel[0] if sel else idx
        return _territory_of(idx)

    def select_territory(self, territory: int) -> None:
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

    def _update_actions(self) -> None:
        if "group" not in self.actions_by_name or not hasattr(self, "stack"):
            return
        t = self.current_territory()
        for name in ("rename", "recolour", "edit", "lock", "remove", "select", "region"):
            self.actions_by_name[name].setEnabled(t is not None)
        lock = self.actions_by_name["lock"]
        locked = t is not None and self.plan.territories[t].locked
        lock.setText("Un&lock Territory" if locked else "&Lock Territory")
        lock.setIcon(icons.icon("unlock" if locked else "lock"))

    # ----- edits ----------------------------------------------------------------------------------------
    def move_rows_to(self, rows: np.ndarray, territory: int) -> bool:
        """Move plan rows to a territory as one mergeable step (consecutive drops merge in the history)."""
        rows = np.asarray(rows, dtype=np.int64)
        rows = rows[(rows >= 0) & (rows < self.plan.n_accounts)]
        if not len(rows):
            return False
        name = self.plan.territories[territory].name if territory >= 0 else "Unassigned"
        edit = MoveAccounts(rows, territory, f"Move {len(rows):,} account{'s' if len(rows) != 1 else ''} "
                                             f"to {name}")
        if not self.controller.apply(edit, mergeable=True):
            return False
        self.message.emit(f"Moved {len(rows):,} account{'s' if len(rows) != 1 else ''} to {name}.")
        return True

    def drop_problem(self, rows: np.ndarray, territory: int) -> str:
        """Why these rows may not go to `territory` ("" if they may): shown while the drag hovers."""
        rows = np.asarray(rows, dtype=np.int64)
        rows = rows[(rows >= 0) & (rows < self.plan.n_accounts)]
        try:
            self.plan.check_movable(rows, territory)
        except EditRefused as exc:
            return str(exc)
        return ""

    def add_territory(self, name: str | None = None) -> int | None:
        """Add an empty territory; without a name, the territory editor asks for one."""
        if name is not None:
            edit: Edit | None = AddTerritory(Territory(name.strip(), color=self._free_colour()),
                                             f"Add territory {name.strip()}")
        else:
            dlg = TerritoryDialog(self.plan, None, self)
            edit = dlg.result_edit() if dlg.exec() else None
        if edit is None or not self.controller.apply(edit):
            return None
        index = self.plan.n_territories - 1
        self.select_territory(index)
        self.message.emit(f"Added {self.plan.territories[index].name}.")
        return index

    def _free_colour(self) -> str:
        used = {t.color.upper() for t in self.plan.territories if not t.removed}
        return next((c for c in PALETTE if c.upper() not in used), color_for(self.plan.n_territories))

    def rename_territory(self, territory: int | None = None, name: str | None = None) -> bool:
        territory = self.current_territory() if territory is None else territory
        if territory is None:
            return False
        old = self.plan.territories[territory].name
        if name is None:
            name, ok = QInputDialog.getText(self, "Rename Territory", f"New name for {old}:", text=old)
            if not ok or name.strip() == old:
                return False
        return self.controller.apply(UpdateTerritory(territory, {"name": name.strip()},
                                                     f"Rename {old} to {name.strip()}"))

    def recolour_territory(self, territory: int | None = None, colour: str | None = None) -> bool:
        territory = self.current_territory() if territory is None else territory
        if territory is None:
            return False
        t = self.plan.territories[territory]
        if colour is None:
            for i, c in enumerate(PALETTE[:16]):
                QColorDialog.setCustomColor(i, QColor(c))
            picked = QColorDialog.getColor(QColor(t.color), self, f"Colour of {t.name}")
            if not picked.isValid():
                return False
            colour = picked.name().upper()
        return self.controller.apply(UpdateTerritory(territory, {"color": colour}, f"Recolour {t.name}"))

    def set_locked(self, territory: int, locked: bool) -> bool:
        name = self.plan.territories[territory].name
        ok = self.controller.apply(UpdateTerritory(territory, {"locked": bool(locked)},
                                                   f"{'Lock' if locked else 'Unlock'} {name}"))
        if ok:
            self.message.emit(f"{name} is {'locked: its accounts stay put' if locked else 'unlocked'}.")
        self._update_actions()
        return ok

    def toggle_lock(self, territory: int | None = None) -> bool:
        territory = self.current_territory() if territory is None else territory
        if territory is None:
            return False
        return self.set_locked(territory, not self.plan.territories[territory].locked)

    def remove_territory(self, territory: int | None = None, to: int | None = None) -> bool:
        """Remove a territory; its accounts go to `to` (-1 = unassigned). Asks where when `to` is None."""
        territory = self.current_territory() if territory is None else territory
        if territory is None:
            return False
        name = self.plan.territories[territory].name
        if to is None:
            dlg = RemoveTerritoryDialog(self.plan, territory, self)
            if not dlg.exec():
                return False
            edit = dlg.result_edit()
        else:
            edit = RemoveTerritory(territory, to, f"Remove territory {name}")
        ok = self.controller.apply(edit)
        if ok:
            self.message.emit(f"Removed {name}.")
        return ok

    def edit_territory(self, territory: int | None = None) -> bool:
        """Open the territory editor (rep, home, capacity, region, colour, lock) for one territory."""
        territory = self.current_territory() if territory is None else territory
        if territory is None:
            return False
        dlg = TerritoryDialog(self.plan, territory, self)
        edit = dlg.result_edit() if dlg.exec() else None
        return edit is not None and self.controller.apply(edit)

    # ----- hierarchy ------------------------------------------------------------------------------------
    def regions(self) -> list[str]:
        """The regions the plan's territories name, each once (as first written), for the region chooser."""
        seen: dict[str, str] = {}
        for t in self.plan.territories:
            if not t.removed and t.region.strip():
                seen.setdefault(t.region.strip().casefold(), t.region.strip())
        return sorted(seen.values(), key=str.casefold)

    def set_region(self, territory: int, region: str, area: str | None = None) -> bool:
        """Put a territory in a region (and area) as one undoable edit; the tree moves it there."""
        t = self.plan.territories[territory]
        changes: dict[str, str] = {"region": region.strip()}
        if area is not None:
            changes["area"] = area.strip()
        elif region.strip():  # a region that lives in one area brings its area along
            areas = {o.area.strip() for o in self.plan.territories
                     if not o.removed and o is not t and o.region.strip().casefold() == region.strip().casefold()}
            if len(areas) == 1:
                changes["area"] = areas.pop()
        if all(getattr(t, k) == v for k, v in changes.items()):
            return False
        where = changes["region"] or "no region"
        ok = self.controller.apply(UpdateTerritory(territory, changes, f"Move {t.name} to {where}"))
        if ok:
            self.message.emit(f"{t.name} is now in {where}.")
        return ok

    def ask_region(self, territory: int | None = None) -> bool:
        """Ask which region the selected territory belongs to (an existing one or a new name)."""
        territory = self.current_territory() if territory is None else territory
        if territory is None:
            return False
        t = self.plan.territories[territory]
        names = self.regions()
        current = names.index(t.region.strip()) if t.region.strip() in names else 0
        region, ok = QInputDialog.getItem(self, "Set Region", f"Region of {t.name} (type a new one to add it):",
                                          names, current, True)
        return bool(ok) and self.set_region(territory, region)

    def set_balance_within_region(self, on: bool) -> bool:
        """Judge balance within each region (on) or across the plan, as one undoable settings edit."""
        if self.plan.settings.balance_within_region == on:
            self._show_within_region()
            return False
        label = "Judge balance within each region" if on else "Judge balance across regions"
        ok = self.controller.apply(SetSettings(replace(self.plan.settings, balance_within_region=on), label))
        self._show_within_region()
        if ok:
            out = kpis.plan_health(self.plan).out_of_band
            self.message.emit(f"Balance is now judged {'within each region' if on else 'across regions'}: "
                              f"{out} territor{'y' if out == 1 else 'ies'} out of band.")
        return ok
