"""One selection of accounts shared by every view (table, map, capacity view, suggestions preview).

Views never talk to each other: each sets the shared selection and follows its `changed` signal. `source`
lets a view ignore the echo of its own change.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Signal


class Selection(QObject):
    """The plan rows the planner has selected, as a sorted unique int64 array."""

    changed = Signal(object, object)  # (rows: np.ndarray, source: object | None)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows = np.empty(0, dtype=np.int64)

    @property
    def rows(self) -> np.ndarray:
        return self._rows

    def set_rows(self, rows: np.ndarray | list[int], source: object | None = None) -> None:
        new = np.unique(np.asarray(rows, dtype=np.int64))
        if np.array_equal(new, self._rows):
            return
        self._rows = new
        self.changed.emit(new, source)

    def clear(self, source: object | None = None) -> None:
        self.set_rows(np.empty(0, dtype=np.int64), source)
