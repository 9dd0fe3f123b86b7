"""How wide the territories panel's columns are: delegates per column kind, each column sized to its widest
cell and header, widened (never narrowed) after an edit or a sort, and the tree's columns kept in step.

Kept apart from the panel because it is all measuring: which role a delegate paints, a cache of widths per
(column, text), and the name column taking what the others leave. A mixin of `TerritoryPanel`, which owns
the views, models and proxies it reads.
"""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QStyledItemDelegate, QStyleOptionViewItem

from territory_desktop.ui.territories.delegates import (
    BAND_TEXT_ROLE,
    BandDelegate,
    WorkloadBarDelegate,
    workload_text,
)
from territory_desktop.ui.territories.model import TerritoryTableModel
from territory_desktop.ui.territories.tree_model import TerritoryTreeModel
from territory_desktop.ui.territories.tree_view import TerritoryTreeView
from territory_desktop.ui.territories.view import TerritoryView
from territory_desktop.ui.theme.style import WORKLOAD_ROLE

_SORT_ARROW = 18
"""px the header's sort indicator takes beside a title, so "Potential" never runs under its arrow."""


class ColumnWidthsMixin:
    """Column delegates and widths of the flat table, copied onto the tree; mix in before QWidget."""

    model: TerritoryTableModel
    proxy: QSortFilterProxyModel
    view: TerritoryView
    tree: TerritoryTreeView
    tree_model: TerritoryTreeModel
    grouped: bool

    def _setup_view(self) -> None:
        """The flat table's look, its column delegates and widths, and what widens a column later."""
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
