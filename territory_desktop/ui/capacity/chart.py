"""The capacity chart: one row per territory, four panels side by side, drawn by matplotlib in its Qt canvas.

Panels: workload against capacity (100% line, over capacity in red), the primary measure against the peer mean
with the tolerance band shaded, accounts by segment against the recommended range for the role, and open
pipeline. The figure shows as many rows as fit (a scroll bar and the wheel move through the rest), so 200
territories scroll instead of being squeezed. After a move only the bars of the territories that changed are
updated; the row order stays put until the planner sorts again, so a row never jumps away from the cursor.
"""

from __future__ import annotations

import numpy as np
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QScrollBar, QSizePolicy, QWidget

from territory_desktop.core import format as fmt
from territory_desktop.ui.capacity.rows import ChartData

ROW_PX = 22
HEADER_PX = 74
IN, NEAR, OUT = "#2E8B57", "#D99A00", "#C8372D"
UTIL_OK, UTIL_HIGH = "#4C7FD9", "#D99A00"
SEGMENT_COLORS = ("#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860")
PIPELINE = "#8A929C"


def util_color(u: float) -> str:
    return OUT if u > 1.0 else UTIL_HIGH if u > 0.9 else UTIL_OK


class CapacityChart(QWidget):
    """The chart and its scroll bar. `territoryClicked(t)` when the planner clicks a row."""

    territoryClicked = Signal(int)  # noqa: N815 (Qt naming)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.figure = Figure(figsize=(8, 4), dpi=100, facecolor="white")
        self.canvas = FigureCanvasQTAgg(self.figure)
        self.canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.canvas.setMinimumHeight(160)
        self.scroll = QScrollBar(self)
        self.scroll.valueChanged.connect(lambda _v: self._apply_window())
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.canvas, 1)
        lay.addWidget(self.scroll)
        self.data: ChartData | None = None
        self.axes = self.figure.subplots(1, 4, sharey=True, gridspec_kw={"wspace": 0.08})
        self._bars: dict[str, list] = {}
        self._y = np.empty(0, dtype=np.int64)
        self._lines = 0
        self._texts: list = []
        self.canvas.mpl_connect("button_press_event", self._on_click)
        self.canvas.mpl_connect("scroll_event", self._on_wheel)

    # ----- data ---------------------------------------------------------------------------------------
    def set_data(self, data: ChartData) -> None:
        """Draw every row anew (a new plan, a new sort, territories added or removed)."""
        self.data = data
        n = len(data.order)
        # each peer group starts with a header line of its own: row position -> y, one line down per group
        group_of = np.zeros(n, dtype=np.int64)
        for gi, (_g, first, last) in enumerate(data.groups):
            group_of[first:last] = gi
        y = np.arange(n) + group_of + 1
        self._y = y
        self._lines = n + len(data.groups)
        titles = ("Workload / capacity", f"{data.primary.capitalize()} vs peers", "Accounts / norm",
                  "Pipeline")
        for ax, title in zip(self.axes, titles, strict=True):
            ax.clear()
            ax.set_title(title, fontsize=8.5, loc="left", color="#1B2430")
            ax.tick_params(labelsize=8, length=0)
            for side in ("top", "right"):
                ax.spines[side].set_visible(False)
            ax.spines["left"].set_color("#C9D1DA")
            ax.spines["bottom"].set_color("#C9D1DA")
            ax.grid(axis="x", color="#EEF1F4", linewidth=0.8)
            ax.set_axisbelow(True)
        a_util, a_dev, a_seg, a_pipe = self.axes
        self._headers: list = []
        a_util.set_yticks(y, labels=[nm[:26] for nm in data.names])
        a_util.tick_params(axis="y", pad=4)
        a_util.axvline(100, color="#1B2430", linewidth=0.8, linestyle=(0, (3, 2)))
        util = np.nan_to_num(data.utilisation) * 100
        self._bars["util"] = list(a_util.barh(y, util, height=0.7, color=[util_color(u / 100) for u in util]))
        a_util.xaxis.set_major_formatter(lambda v, _p: f"{v:.0f}%")
        band = data.band * 100
        a_dev.axvspan(-band, band, color="#E5F3E8", zorder=0)
        a_dev.axvline(0, color="#1B2430", linewidth=0.8)
        dev = data.deviation * 100
        self._bars["dev"] = list(a_dev.barh(y, dev, height=0.7, color=[_band(s) for s in data.status]))
        a_dev.xaxis.set_major_formatter(lambda v, _p: f"{v:+.0f}%")
        lo = np.array([r[0] if r else np.nan for r in data.norms], dtype=float)
        hi = np.array([r[1] if r else np.nan for r in data.norms], dtype=float)
        a_seg.barh(y, np.nan_to_num(hi - lo), left=np.nan_to_num(lo), height=0.92, color="#E8EEF5", zorder=0)
        left = np.zeros(n)
        self._bars["seg"] = []
        for j, seg in enumerate(data.segment_names):
            counts = data.segment_counts[:, j] if data.segment_counts.size else np.zeros(n)
            self._bars["seg"].append(list(a_seg.barh(y, counts, left=left, height=0.7,
                                                      color=SEGMENT_COLORS[j % len(SEGMENT_COLORS)],
                                                      label=seg or "No segment")))
            left = left + counts
        if data.segment_names and n:  # under the panel, clear of the bars and the title
            a_seg.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.07), frameon=False,
                         borderaxespad=0.0, ncols=len(data.segment_names), handlelength=1.0, columnspacing=0.8)
        self._bars["pipe"] = list(a_pipe.barh(y, data.pipeline, height=0.7, color=PIPELINE))
        a_pipe.xaxis.set_major_formatter(lambda v, _p: fmt.money(v, 0))
        for gi, (g, first, last) in enumerate(data.groups):  # peer groups: a header line and a rule above it
            header = first + gi
            if gi:
                for ax in self.axes:
                    ax.axhline(header - 0.5, color="#9AA5B1", linewidth=0.9)
            self._headers.append((header, a_util.text(
                -0.01, header, f"{g} ({last - first})", transform=a_util.get_yaxis_transform(), ha="right",
                va="center", fontsize=8, fontweight="bold", color="#5A6570")))
        self.scroll.setRange(0, max(self._lines - self.visible_rows(), 0))
        self._apply_window()

    def update_rows(self, data: ChartData, positions: list[int]) -> None:
        """New numbers for the rows at `positions` (same order as shown): their bars only."""
        self.data = data
        for pos in positions:
            u = float(np.nan_to_num(data.utilisation[pos]))
            self._bars["util"][pos].set_width(u * 100)
            self._bars["util"][pos].set_color(util_color(u))
            self._bars["dev"][pos].set_width(data.deviation[pos] * 100)
            self._bars["dev"][pos].set_color(_band(data.status[pos]))
            left = 0.0
            for j, bars in enumerate(self._bars["seg"]):
                c = float(data.segment_counts[pos, j])
                bars[pos].set_x(left)
                bars[pos].set_width(c)
                left += c
            self._bars["pipe"][pos].set_width(float(data.pipeline[pos]))
        self._rescale()
        self.canvas.draw_idle()

    # ----- window of rows ------------------------------------------------------------------------------
    def visible_rows(self) -> int:
        return max(3, (self.canvas.height() - HEADER_PX) // ROW_PX)

    def _apply_window(self) -> None:
        if self.data is None:
            return
        first = self.scroll.value()
        rows = self.visible_rows()
        self.axes[0].set_ylim(first + rows - 0.5, first - 0.5)
        for y, text in getattr(self, "_headers", []):  # drawn in the margin: shown only for lines in view
            text.set_visible(first <= y < first + rows)
        self._rescale()
        h, w = max(self.canvas.height(), 1), max(self.canvas.width(), 1)
        # margins in pixels, so names and titles keep their room at any width
        self.figure.subplots_adjust(left=min(0.4, 165 / w), right=1 - 8 / w, top=1 - 30 / h, bottom=44 / h,
                                    wspace=min(0.5, 40 / max(w / 4, 1)))
        self.canvas.draw_idle()

    def _rescale(self) -> None:
        """x limits that fit every row (not only the visible ones), so scrolling keeps the scale."""
        d = self.data
        if d is None or not len(d.order):
            return
        util = np.nan_to_num(d.utilisation) * 100
        self.axes[0].set_xlim(0, max(120.0, float(util.max()) * 1.05))
        m = max(d.band * 100 * 1.6, float(np.abs(d.deviation).max()) * 105)
        self.axes[1].set_xlim(-m, m)
        total = d.segment_counts.sum(axis=1) if d.segment_counts.size else np.zeros(1)
        top = max(float(total.max()), max((r[1] for r in d.norms if r), default=0))
        self.axes[2].set_xlim(0, top * 1.08 + 1)
        self.axes[3].set_xlim(0, max(float(d.pipeline.max()), 1.0) * 1.08)

    def resizeEvent(self, event) -> None:  # noqa: N802, ANN001 (Qt API)
        super().resizeEvent(event)
        if self.data is not None:
            self.scroll.setRange(0, max(self._lines - self.visible_rows(), 0))
            self._apply_window()

    # ----- clicks ---------------------------------------------------------------------------------------
    def row_at(self, ydata: float | None) -> int:
        if self.data is None or ydata is None:
            return -1
        hit = np.flatnonzero(self._y == int(round(ydata)))
        return int(self.data.order[hit[0]]) if len(hit) else -1

    def _on_click(self, event) -> None:  # noqa: ANN001 — a matplotlib MouseEvent
        if event.inaxes is None:
            return
        t = self.row_at(event.ydata)
        if t >= 0:
            self.territoryClicked.emit(t)

    def _on_wheel(self, event) -> None:  # noqa: ANN001
        self.scroll.setValue(self.scroll.value() + (-3 if event.button == "up" else 3))


def _band(status: str) -> str:
    return {"in": IN, "near": NEAR, "out": OUT}.get(status, IN)
