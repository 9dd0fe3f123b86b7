"""The territories tree view (group by region): the same drop target as the flat table, over the tree model.

Group rows take no drop (the hint says to drop on one of their territories); the name column keeps its
widths of the flat table, so switching modes never widens the dock.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeView, QWidget

from territory_desktop.ui.territories.drop_target import AccountDropMixin
from territory_desktop.ui.territories.view import fit_name_column


class TerritoryTreeView(AccountDropMixin, QTreeView):
    """Areas, regions and territories; a drop on a territory row moves accounts there."""

    accountsDropped = Signal(object, int)  # noqa: N815 (Qt naming) — (plan rows, territory index)
    dropHint = Signal(str)  # noqa: N815 (Qt naming) — what releasing here would do (or why it cannot)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._init_drop_target()
        self.depth = 2
        """Levels of the tree (2: regions and territories; 3: areas too)."""
        self.setUniformRowHeights(True)
        self.setRootIsDecorated(True)
        self.setIndentation(14)
        self.setAlternatingRowColors(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setExpandsOnDoubleClick(True)
        self.setWordWrap(False)
        self.header().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.header().setStretchLastSection(False)
        self.header().setHighlightSections(False)

    def _row_height(self) -> int:
        return max(18, self.sizeHintForRow(0)) if self.model() is not None and self.model().rowCount() else 30

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self.fit_name_column()

    def fit_name_column(self) -> None:
        """As the table's: the tree is no wider than the flat table (the laptop layout sizes the dock by it),
        so its indentation comes out of the territory names, whose full text is in the tooltip."""
        fit_name_column(self)

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().paintEvent(event)
        self._paint_hover()
