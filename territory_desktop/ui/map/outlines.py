"""Territory outlines computed off the UI thread and cached per territory.

An outline is shapely's concave hull of the territory's accounts (a random subsample of at most
`MAX_HULL_POINTS`, so one hull costs a few milliseconds rather than the ~840 ms a 100k-point concave hull
takes). After a move only the territories whose membership changed are recomputed; results come back to
the UI thread through a Qt signal and are dropped when the territory changed again meanwhile.
"""

from __future__ import annotations

import contextlib
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import shapely
from PySide6.QtCore import QObject, Signal

MAX_OUTLINE_POINTS = 1500
MIN_RADIUS_M, MAX_RADIUS_M = 15_000.0, 120_000.0


def territory_outline(x: np.ndarray, y: np.ndarray, seed: int = 0) -> shapely.Geometry | None:
    """Where a territory's accounts are (Polygon or MultiPolygon, world metres); None without points.

    A hull would draw a spike to every far-flung account (one account in Honolulu makes a Los Angeles book
    cover the Pacific). Instead each account is a disc of a radius set by the book's density (about the
    spacing of its accounts, 15–120 km), the discs are merged and shrunk back by half the radius, which
    closes the gaps between neighbours: the outline is the book's coverage, islands and all. A random
    subsample of at most `MAX_OUTLINE_POINTS` keeps one outline at ~50 ms in the background thread.
    """
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    if not len(x):
        return None
    if len(x) > MAX_OUTLINE_POINTS:
        pick = np.random.default_rng(seed).choice(len(x), MAX_OUTLINE_POINTS, replace=False)
        x, y = x[pick], y[pick]
    points = shapely.points(np.column_stack([x, y]))
    spread = shapely.convex_hull(shapely.multipoints(points)).area
    radius = float(np.clip(1.2 * np.sqrt(spread / len(x)) if spread > 0 else 0, MIN_RADIUS_M, MAX_RADIUS_M))
    merged = shapely.union_all(shapely.buffer(points, radius, quad_segs=4))
    shape = merged.buffer(-0.5 * radius, quad_segs=4).simplify(radius / 5)
    return shape if not shape.is_empty else None


class OutlineCache(QObject):
    """Outline per territory index; `updated(territory)` fires in the UI thread when one is ready."""

    updated = Signal(int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="map-outlines")
        self._outlines: dict[int, shapely.Geometry | None] = {}
        self._generation: dict[int, int] = {}
        self._running: set[tuple[int, int]] = set()

    def get(self, territory: int) -> shapely.Geometry | None:
        return self._outlines.get(territory)

    def items(self) -> list[tuple[int, shapely.Geometry]]:
        return [(t, g) for t, g in self._outlines.items() if g is not None]

    def clear(self) -> None:
        for t in list(self._generation):
            self._generation[t] += 1
        self._outlines.clear()

    def request(self, territory: int, x: np.ndarray, y: np.ndarray) -> None:
        """Recompute the outline of `territory` from these points (copied: the plan may change meanwhile)."""
        gen = self._generation.get(territory, 0) + 1
        self._generation[territory] = gen
        xs, ys = np.array(x, copy=True), np.array(y, copy=True)
        self._running.add((territory, gen))
        future = self._pool.submit(territory_outline, xs, ys, territory)
        future.add_done_callback(lambda f, t=territory, g=gen: self._finished(t, g, f))

    @property
    def busy(self) -> bool:
        """True while an outline is still being computed."""
        return bool(self._running)

    def _finished(self, territory: int, generation: int, future) -> None:  # noqa: ANN001 — a Future
        self._running.discard((territory, generation))
        if future.cancelled() or future.exception() is not None:
            return
        self._deliver(territory, generation, future.result())

    def _deliver(self, territory: int, generation: int, outline: shapely.Geometry | None) -> None:
        # runs in the worker thread: the dict write is atomic; the signal is queued to the UI thread
        if self._generation.get(territory) != generation:
            return
        self._outlines[territory] = outline
        with contextlib.suppress(RuntimeError):  # the map was closed while this outline was computed
            self.updated.emit(territory)

    def shutdown(self) -> None:
        self._running.clear()
        self._pool.shutdown(wait=False, cancel_futures=True)
