"""The move being previewed (a co-pilot suggestion the planner is looking at), shared by every view.

The co-pilot sets it when a suggestion becomes current; the map draws its accounts and an arrow from where
they are to the territory they would join. Like `Selection`, it lets views meet without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QObject, Signal


@dataclass(frozen=True)
class PreviewedMove:
    """`rows` would move from `from_territory` (-1: unassigned) to `to_territory`."""

    rows: np.ndarray
    from_territory: int
    to_territory: int


class MovePreview(QObject):
    """Holds at most one previewed move; `changed(move or None)` fires when it changes."""

    changed = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._move: PreviewedMove | None = None

    @property
    def move(self) -> PreviewedMove | None:
        return self._move

    def show(self, rows: np.ndarray, from_territory: int, to_territory: int) -> None:
        self._move = PreviewedMove(np.asarray(rows, dtype=np.int64), int(from_territory), int(to_territory))
        self.changed.emit(self._move)

    def clear(self) -> None:
        if self._move is not None:
            self._move = None
            self.changed.emit(None)
