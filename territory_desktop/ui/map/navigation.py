"""Where the map canvas looks: the world↔screen transform, fit, zoom and pan, and when a gesture has settled.

Kept apart from the drawing because it only moves the `Viewport` and marks what must be painted again:
during a pan or zoom the last frame is moved and scaled (a few ms at any size) and every layer is painted
afresh once the view has rested for `SETTLE_MS`. A mixin of `MapCanvas`, which owns the state it reads.
"""

from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QPointF, QSize, QTimer, Signal
from PySide6.QtGui import QPixmap, QResizeEvent, QTransform

from territory_desktop.ui.map.viewport import ProjectedPoints, Viewport

SETTLE_MS = 140
"""A pan or zoom counts as over once the view has rested this long: then every layer is painted again."""


class NavigationMixin:
    """Fit, zoom, pan and the settle timer of the map canvas; mix in before QWidget."""

    view: Viewport
    points: ProjectedPoints | None
    viewChanged: Signal  # noqa: N815 — declared by MapCanvas
    _fitted: bool
    _points_dirty: bool
    _frame_dirty: bool
    _frame: tuple[Viewport, QPixmap] | None
    _interact_until: float
    _settle: QTimer

    def fit_rows(self, rows: np.ndarray | None = None, core: float = 0.02) -> bool:
        """Zoom to these rows (all placed accounts when None), leaving out the farthest `core` share at each
        side; False when none of them is placed."""
        if self.points is None:
            return False
        bounds = self.points.bounds(rows, core)
        if bounds is None:
            return False
        self.view.width, self.view.height = max(self.width(), 1), max(self.height(), 1)
        self.view.fit(bounds)
        self._fitted = True
        self._after_view_change()
        return True

    def zoom(self, factor: float, at: QPointF | None = None) -> None:
        at = at or QPointF(self.width() / 2, self.height() / 2)
        self.view.zoom_at(factor, at.x(), at.y())
        self._after_view_change(interactive=True)

    def pan_by(self, dx: float, dy: float) -> None:
        self.view.pan(dx, dy)
        self._after_view_change(interactive=True)

    def _after_view_change(self, interactive: bool = False) -> None:
        """During a pan or zoom the last frame is moved and scaled (a few ms at any size); the layers are
        painted again once the gesture rests for SETTLE_MS."""
        self._points_dirty = True
        self._frame_dirty = True
        if interactive and self._frame is not None:
            self._interact_until = time.monotonic() + SETTLE_MS / 1000
            self._settle.start()
        else:
            self._interact_until = 0.0
        self.update()
        self.viewChanged.emit()

    def _settled(self) -> None:
        self._interact_until = 0.0
        self.update()

    @property
    def interacting(self) -> bool:
        return time.monotonic() < self._interact_until

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return QSize(640, 480)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt API)
        old = event.oldSize()
        self.view.width, self.view.height = max(self.width(), 1), max(self.height(), 1)
        if not self._fitted or old.width() <= 0:
            self.fit_rows()
        self._points_dirty = True
        super().resizeEvent(event)

    def world_transform(self) -> QTransform:
        v = self.view
        return QTransform(v.scale, 0, 0, -v.scale, v.width / 2 - v.cx * v.scale, v.height / 2 + v.cy * v.scale)
