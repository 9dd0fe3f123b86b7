"""The territories table view: a drop target for account drags (ui/territories/drop_target.py) whose
territory name column takes the width the other columns leave.

Kept apart from the model (model.py) because it is all drag-and-drop and painting.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QAbstractItemView, QTableView, QWidget

from territory_desktop.ui.territories.drop_target import AccountDropMixin

NAME_MIN_WIDTH = 168
"""The name column's floor: it gives way first when a sorted column widens for its arrow."""
REP_MIN_WIDTH = 120


def fit_name_column(view: QAbstractItemView, indent: int = 0) -> None:
    """Give the territory name (column 0) what the other columns leave, the rep (column 1) up to 70 px more."""
    header = view.horizontalHeader() if isinstance(view, QTableView) else view.header()
    if view.model() is None or header.count() < 2:
        return
    others = sum(header.sectionSize(c) for c in range(2, header.count()))
    spare = max(0, view.viewport().width() - others - NAME_MIN_WIDTH - indent - REP_MIN_WIDTH)
    rep_extra = min(spare, 70)  # rep names first get room to show in full, the territory name the rest
    view.setColumnWidth(1, REP_MIN_WIDTH + rep_extra)
    view.setColumnWidth(0, NAME_MIN_WIDTH + indent + spare - rep_extra)


class TerritoryView(AccountDropMixin, QTableView):
    """The territory table as a drop target for account drags, outlining the row under the cursor."""

    accountsDropped = Signal(object, int)  # noqa: N815 (Qt naming) — (plan rows, territory index)
    dropHint = Signal(str)  # noqa: N815 (Qt naming) — what releasing here would do (or why it cannot)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._init_drop_target()

    def _row_height(self) -> int:
        return self.verticalHeader().defaultSectionSize()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt API)
        """The territory name takes the width the other columns leave, so there is no dead band on the right."""
        super().resizeEvent(event)
        self.fit_name_column()

    def fit_name_column(self) -> None:
        fit_name_column(self)

    def paintEvent(self, event) -> None:  # noqa: N802 (Qt API)
        super().paintEvent(event)
        self._paint_hover()
