"""The co-pilot's objective trend: a small log-scale line of its best plan's penalty over the current job.

On its own because it paints itself (QPainter) and knows nothing of suggestions; the status header shows it.
"""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from territory_desktop.ui.theme.style import ACCENT, BORDER, MUTED


class Sparkline(QWidget):
    """The objective over the current job (log scale: early plans are orders of magnitude worse)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.values: list[float] = []
        self.bound: float | None = None
        self.setMinimumSize(90, 26)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Objective trend")

    def add(self, objective: float, bound: float | None, restart: bool) -> None:
        """Append the job's latest objective (a new job when `restart`) and its lower bound, if known."""
        if restart:
            self.values = []
        self.values.append(objective)
        self.bound = bound
        self.update()

    def clear(self) -> None:
        """Forget the trend (another plan)."""
        self.values, self.bound = [], None
        self.update()

    def paintEvent(self, event: Any) -> None:  # noqa: N802 (Qt API)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        r = self.rect().adjusted(2, 3, -2, -3)
        p.setPen(QPen(QColor(BORDER), 1))
        p.drawLine(r.bottomLeft(), r.bottomRight())
        vals = [math.log10(max(v, 1e-9)) for v in self.values if math.isfinite(v)]
        has_bound = self.bound is not None and self.bound > 0
        vals_all = [*vals, math.log10(self.bound)] if has_bound else vals
        if not vals:
            return
        lo, hi = min(vals_all), max(vals_all)
        span = hi - lo or 1.0
        n = max(len(vals) - 1, 1)

        def pt(i: int, v: float) -> QPointF:
            return QPointF(r.left() + r.width() * i / n, r.bottom() - r.height() * (v - lo) / span)

        path = QPainterPath(pt(0, vals[0]))
        for i, v in enumerate(vals[1:], start=1):
            path.lineTo(pt(i, v))
        p.setPen(QPen(QColor(ACCENT), 1.6))
        p.drawPath(path)
        p.setBrush(QColor(ACCENT))
        p.drawEllipse(pt(len(vals) - 1 if len(vals) > 1 else 0, vals[-1]), 2.2, 2.2)
        if self.bound is not None and self.bound > 0:
            y = pt(0, math.log10(self.bound)).y()
            p.setPen(QPen(QColor(MUTED), 1, Qt.PenStyle.DashLine))
            p.drawLine(QPointF(r.left(), y), QPointF(r.right(), y))
