"""The capacity chart: one row per territory, four panels side by side, drawn by matplotlib in its Qt canvas.

Panels: workload against capacity (100% line, over capacity in red), the primary measure against the peer mean
with the tolerance band shaded, accounts by segment against the recommended range for the role, and open
pipeline. The figure shows as many rows as fit (a scroll bar and the wheel move through the rest), so 200
territories scroll instead of being squeezed: only the rows in view have artists (a few dozen, whatever the
territory count). After a move the bars of the territories that changed are updated in place and painted
over the saved background (matplotlib blitting) instead of redrawing the figure; the row order stays put until
the planner sorts again, so a row never jumps away from the cursor.
"""

from __future__ import annotations

import numpy as np
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import MaxNLocator
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
        self.canvas.mpl_connect("button_press_event", self._on_click)
        self.canvas.mpl_connect("scroll_event", self._on_wheel)
        self.canvas.mpl_connect("draw_event", self._on_draw)
        self._background = None
        self._window_artists: list = []
        self._headers: list = []
        self._limits: list[tuple[float, float]] = []
        self._layout_artists: list = []
        self._style_axes()

    def _style_axes(self) -> None:
        """The look of the four panels, set once: titles, spines, grid, ticks, reference lines."""
        titles = ("Workload / capacity", "Potential vs peers", "Accounts / norm", "Pipeline")
        for ax, title in zip(self.axes, titles, strict=True):
            ax.set_title(title, fontsize=8.5, loc="left", color="#1B2430", y=1.0, pad=6)  # fixed: no re-placing
            ax.tick_params(labelsize=8, length=0)
            for side in ("top", "right"):
                ax.spines[side].set_visible(False)
            ax.spines["left"].set_color("#C9D1DA")
            ax.spines["bottom"].set_color("#C9D1DA")
            ax.grid(axis="x", color="#EEF1F4", linewidth=0.8)
            ax.set_axisbelow(True)
            # few ticks, none at the right edge, so neighbouring panels' labels never run together
            ax.xaxis.set_major_locator(MaxNLocator(nbins=4, steps=[1, 2, 5, 10],
                                                   prune="both" if ax is self.axes[1] else "upper"))
        a_util, a_dev, a_seg, a_pipe = self.axes
        a_util.tick_params(axis="y", pad=4)
        for ax in (a_dev, a_seg, a_pipe):  # the names sit on the first panel only: no tick objects elsewhere
            ax.yaxis.set_visible(False)
        a_util.axvline(100, color="#1B2430", linewidth=0.8, linestyle=(0, (3, 2)))
        a_util.xaxis.set_major_formatter(lambda v, _p: f"{v:.0f}%")
        a_dev.axvline(0, color="#1B2430", linewidth=0.8)
        a_dev.xaxis.set_major_formatter(lambda v, _p: f"{v:+.0f}%")
        a_pipe.xaxis.set_major_formatter(lambda v, _p: fmt.money(v, 0))

    # ----- data ---------------------------------------------------------------------------------------
    def set_data(self, data: ChartData) -> None:
        """Lay the chart out anew (a new plan, a new sort, territories added or removed)."""
        self.data = data
        n = len(data.order)
        # each peer group starts with a header line of its own: row position -> y, one line down per group
        group_of = np.zeros(n, dtype=np.int64)
        for gi, (_g, first, last) in enumerate(data.groups):
            group_of[first:last] = gi
        self._y = np.arange(n) + group_of + 1
        self._lines = n + len(data.groups)
        a_util, a_dev, a_seg, a_pipe = self.axes
        # the axes are styled once (_style_axes); here only what depends on the data is replaced: clearing
        # four axes costs more than drawing them
        for artist in self._layout_artists + self._window_artists:
            artist.remove()
        self._layout_artists, self._window_artists = [], []
        a_dev.set_title(f"{data.primary.capitalize()} vs peers", fontsize=8.5, loc="left", color="#1B2430", y=1.0,
                        pad=6)
        band = data.band * 100
        self._layout_artists.append(a_dev.axvspan(-band, band, color="#E5F3E8", zorder=0))
        legend = a_seg.get_legend()
        if legend is not None:
            legend.remove()
        if data.segment_names and n:  # under the panel, clear of the bars and the title
            handles = [Patch(color=SEGMENT_COLORS[j % len(SEGMENT_COLORS)], label=seg or "No segment")
                       for j, seg in enumerate(data.segment_names)]
            a_seg.legend(handles=handles, fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.07),
                         frameon=False, borderaxespad=0.0, ncols=len(handles), handlelength=1.0, columnspacing=0.8)
        self._headers = []
        for gi, (g, first, last) in enumerate(data.groups):  # peer groups: a header line and a rule above it
            header = first + gi
            if gi:
                for ax in self.axes:
                    self._layout_artists.append(ax.axhline(header - 0.5, color="#9AA5B1", linewidth=0.9))
            text = a_util.text(-0.01, header, f"{g} ({last - first})", transform=a_util.get_yaxis_transform(),
                               ha="right", va="center", fontsize=8, fontweight="bold", color="#5A6570")
            self._headers.append((header, text))
            self._layout_artists.append(text)
        self._bars = {"util": {}, "dev": {}, "seg": {}, "pipe": {}}
        self._limits = self._fit_limits()
        self.scroll.blockSignals(True)
        self.scroll.setRange(0, max(self._lines - self.visible_rows(), 0))
        self.scroll.blockSignals(False)
        self._apply_window()

    def update_rows(self, data: ChartData, positions: list[int]) -> None:
        """New numbers for the rows at `positions` (same order as shown). Only bars in view exist; those are
        changed in place and repainted over the saved background (blitting), unless the scales must grow."""
        self.data = data
        limits = self._fit_limits()
        if limits != self._limits:
            self._limits = limits
            self._apply_window()
            return
        touched = False
        for pos in positions:
            if pos not in self._bars["util"]:
                continue
            touched = True
            u = float(np.nan_to_num(data.utilisation[pos]))
            self._bars["util"][pos].set_width(u * 100)
            self._bars["util"][pos].set_facecolor(util_color(u))
            self._bars["dev"][pos].set_width(data.deviation[pos] * 100)
            self._bars["dev"][pos].set_facecolor(_band(data.status[pos]))
            left = 0.0
            for j, bar in enumerate(self._bars["seg"][pos]):
                c = float(data.segment_counts[pos, j])
                bar.set_x(left)
                bar.set_width(c)
                left += c
            self._bars["pipe"][pos].set_width(float(data.pipeline[pos]))
        if touched:
            self._blit()

    # ----- window of rows ------------------------------------------------------------------------------
    def visible_rows(self) -> int:
        return max(3, (self.canvas.height() - HEADER_PX) // ROW_PX)

    def window_positions(self) -> np.ndarray:
        """Row positions whose line is in view."""
        first, rows = self.scroll.value(), self.visible_rows()
        return np.flatnonzero((self._y >= first) & (self._y < first + rows))

    def _apply_window(self) -> None:
        """Bars and names for the rows in view only (a few dozen artists, whatever the territory count)."""
        d = self.data
        if d is None:
            return
        for artist in self._window_artists:
            artist.remove()
        self._window_artists = []
        self._bars = {"util": {}, "dev": {}, "seg": {}, "pipe": {}}
        first, rows = self.scroll.value(), self.visible_rows()
        a_util, a_dev, a_seg, a_pipe = self.axes
        pos = self.window_positions()
        y = self._y[pos]
        a_util.set_yticks(y, labels=[d.names[i][:26] for i in pos])
        util = np.nan_to_num(d.utilisation[pos]) * 100
        for i, r in zip(pos, _bars(a_util, y, util, None, [util_color(u / 100) for u in util]), strict=True):
            self._bars["util"][int(i)] = r
        for i, r in zip(pos, _bars(a_dev, y, d.deviation[pos] * 100, None, [_band(d.status[i]) for i in pos]),
                        strict=True):
            self._bars["dev"][int(i)] = r
        lo = np.array([d.norms[i][0] if d.norms[i] else np.nan for i in pos], dtype=float)
        hi = np.array([d.norms[i][1] if d.norms[i] else np.nan for i in pos], dtype=float)
        self._window_artists += _bars(a_seg, y, np.nan_to_num(hi - lo), np.nan_to_num(lo),
                                      ["#E8EEF5"] * len(pos), height=0.92, animated=False, zorder=0)
        left = np.zeros(len(pos))
        segs: list[list] = []
        for j in range(len(d.segment_names)):
            counts = d.segment_counts[pos, j].astype(float) if d.segment_counts.size else np.zeros(len(pos))
            segs.append(_bars(a_seg, y, counts, left, [SEGMENT_COLORS[j % len(SEGMENT_COLORS)]] * len(pos)))
            left = left + counts
        for k, i in enumerate(pos.tolist()):
            self._bars["seg"][i] = [s[k] for s in segs]
        for i, r in zip(pos, _bars(a_pipe, y, d.pipeline[pos], None, [PIPELINE] * len(pos)), strict=True):
            self._bars["pipe"][int(i)] = r
        self._window_artists += [b for group in ("util", "dev", "pipe") for b in self._bars[group].values()]
        self._window_artists += [b for bars in self._bars["seg"].values() for b in bars]
        self.axes[0].set_ylim(first + rows - 0.5, first - 0.5)
        for yy, text in self._headers:  # drawn in the margin: shown only for lines in view
            text.set_visible(first <= yy < first + rows)
        for ax, lim in zip(self.axes, self._limits, strict=True):
            ax.set_xlim(*lim)
        h, w = max(self.canvas.height(), 1), max(self.canvas.width(), 1)
        # margins in pixels, so names and titles keep their room at any width
        self.figure.subplots_adjust(left=min(0.4, 165 / w), right=1 - 8 / w, top=1 - 30 / h, bottom=44 / h,
                                    wspace=min(0.5, 40 / max(w / 4, 1)))
        self.canvas.draw_idle()

    def _fit_limits(self) -> list[tuple[float, float]]:
        """x limits that fit every row (not only those in view), rounded up so small moves keep the scale."""
        d = self.data
        if d is None or not len(d.order):
            return [(0.0, 120.0), (-30.0, 30.0), (0.0, 10.0), (0.0, 1.0)]
        util = float(np.nan_to_num(d.utilisation).max()) * 100
        dev = max(d.band * 100 * 1.6, float(np.abs(d.deviation).max()) * 100)
        total = float(d.segment_counts.sum(axis=1).max()) if d.segment_counts.size else 0.0
        top = max(total, max((r[1] for r in d.norms if r), default=0))
        return [(0.0, _nice(max(120.0, util * 1.05))), (-_nice(dev * 1.05), _nice(dev * 1.05)),
                (0.0, _nice(top * 1.08 + 1)), (0.0, _nice(max(float(d.pipeline.max()), 1.0) * 1.08))]

    def _on_draw(self, _event) -> None:  # noqa: ANN001 — after every full draw: keep it, add the bars
        self._background = self.canvas.copy_from_bbox(self.figure.bbox)
        self._draw_bars()

    def _draw_bars(self) -> None:
        for group in ("util", "dev", "pipe"):
            for bar in self._bars[group].values():
                self.figure.draw_artist(bar)
        for bars in self._bars["seg"].values():
            for bar in bars:
                self.figure.draw_artist(bar)

    def _blit(self) -> None:
        if self._background is None:
            self.canvas.draw_idle()
            return
        self.canvas.restore_region(self._background)
        self._draw_bars()
        self.canvas.blit(self.figure.bbox)

    def resizeEvent(self, event) -> None:  # noqa: N802, ANN001 (Qt API)
        super().resizeEvent(event)
        size = (self.canvas.width(), self.canvas.height())
        if self.data is not None and size != getattr(self, "_laid_out_for", None):
            self._laid_out_for = size
            self.scroll.blockSignals(True)
            self.scroll.setRange(0, max(self._lines - self.visible_rows(), 0))
            self.scroll.blockSignals(False)
            self._background = None
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


def _bars(ax, y: np.ndarray, widths: np.ndarray, left: np.ndarray | None, colors: list[str],  # noqa: ANN001
          height: float = 0.7, animated: bool = True, zorder: float = 1.0) -> list[Rectangle]:
    """Horizontal bars added as plain rectangles: `barh` recomputes the data limits per bar (~1 ms each),
    and the limits here are set by `_fit_limits` anyway."""
    left = np.zeros(len(y)) if left is None else left
    out = []
    for yy, w, x0, c in zip(y.tolist(), np.asarray(widths, dtype=float).tolist(), left.tolist(), colors,
                            strict=True):
        r = Rectangle((x0, yy - height / 2), w, height, facecolor=c, edgecolor="none", animated=animated,
                      zorder=zorder)
        ax.add_artist(r)
        out.append(r)
    return out


def _nice(v: float) -> float:
    """`v` rounded up to 1, 2 or 5 × a power of ten: scales that stay put through small changes."""
    if v <= 0 or not np.isfinite(v):
        return 1.0
    p = 10 ** np.floor(np.log10(v))
    return float(next(m * p for m in (1, 2, 2.5, 5, 10) if m * p >= v))


def _band(status: str) -> str:
    return {"in": IN, "near": NEAR, "out": OUT}.get(status, IN)
