"""The refresh preview's account list: the rows of the chosen group(s), narrowed by a filter as you type.

A plain table model over tuples of text (a refresh can list 100k new accounts: an item per cell would take
seconds to build); the filter keeps the indices of rows whose text contains every word typed.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex


class RowsModel(QAbstractTableModel):
    """Account id, name, territory, change, old and new value; `set_filter` narrows what is shown."""

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[tuple[str, ...]] = []
        self._haystack: list[str] = []
        self._shown: list[int] = []
        self._headers = ["ID", "Name", "Territory", "Change", "Old", "New"]
        self._filter = ""

    def set_rows(self, rows: list[tuple[str, ...]], old_title: str = "Old", new_title: str = "New") -> None:
        self.beginResetModel()
        self._rows = rows
        self._haystack = [" ".join(r).casefold() for r in rows]
        self._headers[4], self._headers[5] = old_title, new_title
        self._shown = self._matching()
        self.endResetModel()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self._headers) - 1)

    def set_filter(self, text: str) -> None:
        self.beginResetModel()
        self._filter = text
        self._shown = self._matching()
        self.endResetModel()

    def _matching(self) -> list[int]:
        words = self._filter.casefold().split()
        if not words:
            return list(range(len(self._rows)))
        return [i for i, h in enumerate(self._haystack) if all(w in h for w in words)]

    @property
    def total(self) -> int:
        return len(self._rows)

    def shown_row(self, i: int) -> tuple[str, ...]:
        return self._rows[self._shown[i]]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 (Qt API)
        return 0 if parent.isValid() else len(self._shown)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 (Qt API)
        return 0 if parent.isValid() else len(self._headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> str | None:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole) and index.isValid():
            return self._rows[self._shown[index.row()]][index.column()]
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 (Qt API)
                   role: int = Qt.ItemDataRole.DisplayRole) -> str | None:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._headers[section]
        return None
