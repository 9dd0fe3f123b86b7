"""Horizontal bars for the rows in view, held as one matplotlib collection per series.

One `PolyCollection` draws every bar of a series in a single call: the capacity chart's first draw and every
blit after a move paint five collections instead of a hundred-odd rectangles (each of which costs a full
artist draw). A move changes a row's entries in the arrays and re-sends the vertices — only the changed rows'
numbers are touched, and nothing else in the figure is redrawn.
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.colors import to_rgba_array


class BarRows:
    """The bars of one series (e.g. workload) for the rows in view: left edge, width and colour per row."""

    def __init__(self, ax: Axes, height: float = 0.7, animated: bool = True, zorder: float = 1.0) -> None:
        self.height = height
        self.collection = PolyCollection(np.empty((0, 4, 2)), animated=animated, zorder=zorder,
                                         edgecolors="none", linewidths=0.0)
        ax.add_collection(self.collection, autolim=False)
        self._index: dict[int, int] = {}
        self._y = np.empty(0)
        self._left = np.empty(0)
        self._width = np.empty(0)
        self._colors = np.empty((0, 4))

    def set_rows(self, positions: np.ndarray, y: np.ndarray, width: np.ndarray, left: np.ndarray | None = None,
                 colors: list[str] | str = "#4C7FD9") -> None:
        """Bars for exactly these row positions (the rows in view), replacing the previous set."""
        n = len(positions)
        self._index = {int(p): i for i, p in enumerate(np.asarray(positions).tolist())}
        self._y = np.asarray(y, dtype=float).copy()
        self._width = np.nan_to_num(np.asarray(width, dtype=float)).copy()
        self._left = np.zeros(n) if left is None else np.nan_to_num(np.asarray(left, dtype=float)).copy()
        self._colors = to_rgba_array(colors if isinstance(colors, list) else [colors] * n) if n else np.empty((0, 4))
        self._push()

    def update(self, position: int, width: float, left: float | None = None, color: str | None = None) -> bool:
        """New numbers for one row; False when the row has no bar here (it is out of view)."""
        i = self._index.get(int(position))
        if i is None:
            return False
        self._width[i] = 0.0 if not np.isfinite(width) else width
        if left is not None:
            self._left[i] = left
        if color is not None:
            self._colors[i] = to_rgba_array([color])[0]
        return True

    def commit(self) -> None:
        """Send the arrays to the collection (after a batch of `update`s)."""
        self._push()

    def _push(self) -> None:
        h = self.height / 2
        x0, x1 = self._left, self._left + self._width
        y0, y1 = self._y - h, self._y + h
        verts = np.stack([np.stack([x0, y0], 1), np.stack([x0, y1], 1), np.stack([x1, y1], 1),
                          np.stack([x1, y0], 1)], axis=1) if len(self._y) else np.empty((0, 4, 2))
        self.collection.set_verts(verts)
        self.collection.set_facecolor(self._colors)

    # ----- what is drawn (tests and tooltips read it back) -------------------------------------------------
    def positions(self) -> list[int]:
        return sorted(self._index)

    def width_of(self, position: int) -> float:
        return float(self._width[self._index[int(position)]])

    def left_of(self, position: int) -> float:
        return float(self._left[self._index[int(position)]])

    def color_of(self, position: int) -> tuple[float, float, float, float]:
        r, g, b, a = self._colors[self._index[int(position)]].tolist()
        return (r, g, b, a)
