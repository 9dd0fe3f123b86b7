"""The capacity chart: one row per territory, four panels side by side, drawn by matplotlib in its Qt canvas.

Panels: workload against capacity (100% line, over capacity in red), the primary measure against the peer mean
with the tolerance band shaded, accounts by segment against the recommended range for the role, and open
pipeline. The figure shows as many rows as fit (a scroll bar and the wheel move through the rest), so 200
territories scroll instead of being squeezed: only the rows in view have artists (a few dozen, whatever the
territory count): one bar collection per series (`bars.py`) and one name text per row. After a move the bars of
the territories that changed get their new numbers and are painted over the saved background (matplotlib
blitting) instead of redrawing the figure; the row order stays put until
the planner sorts again, so a row never jumps away from the cursor.

matplotlib is imported, and the figure made, when the chart first comes on screen (or is first asked for its
canvas, figure, axes or bars), not when the window is built: the Capacity dock starts as a tab behind the
territories, and importing matplotlib was ~0.45 s of every start. "Shown" would not do: Qt keeps a tab that
is not in front shown, only moved off-screen, so the first paint is the signal. Until then a placeholder of
the canvas's size policy holds its place (the docks are laid out as they will be) and, when it is first
painted, says the chart is being drawn and asks for the figure on the next turn of the event loop.
A second after the window is up, a background thread imports most of matplotlib (`warm_up`), so the first
raise of the tab waits for the figure only, while the window stays responsive (a thread, not the UI thread:
the UI keeps its 10 ms ticks within ~30–50 ms during the import, instead of freezing for ~0.5 s).
"""

from __future__ import annotations

import contextlib
import importlib
import sys
import threading
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QHBoxLayout, QScrollBar, QSizePolicy, QWidget

from territory_desktop.core import format as fmt
from territory_desktop.ui.capacity.chart_style import (
    SEGMENT_COLORS,
    band_color,
    nice,
    util_color,
)
from territory_desktop.ui.capacity.chart_window import RowWindow
from territory_desktop.ui.capacity.rows import ChartData
from territory_desktop.ui.theme.style import MUTED

if TYPE_CHECKING:  # matplotlib itself is imported when the chart is first shown (`_ensure_figure`)
    from matplotlib.axes import Axes
    from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
    from matplotlib.figure import Figure
    from matplotlib.text import Text

    from territory_desktop.ui.capacity.bars import BarRows



WARM_UP_MS: int | None = 1000
"""How long after the chart is first shown (with the window, even as a tab behind) matplotlib starts loading
on a background thread; None: not before the chart is first painted."""
_WARM_MODULES = ("matplotlib.figure", "matplotlib.patches", "matplotlib.ticker", "matplotlib.collections",
                 "matplotlib.text", "matplotlib.backends.backend_agg")
"""What the figure needs but the Qt canvas: its Qt module (backend_qt, ~25 ms) is left to the UI thread."""
_warm_thread: threading.Thread | None = None



def warm_up() -> None:
    """Import what the figure needs on a background thread, once per process (nothing when already loaded)."""
    global _warm_thread
    if _warm_thread is not None or all(m in sys.modules for m in _WARM_MODULES):
        return
    _warm_thread = threading.Thread(target=_import_quietly, name="capacity-chart-warm-up", daemon=True)
    _warm_thread.start()


def _import_quietly() -> None:
    """A failure here is not reported: the UI thread's own import (`_ensure_figure`) then fails with it."""
    with contextlib.suppress(Exception):
        for name in _WARM_MODULES:
            importlib.import_module(name)


class _Placeholder(QWidget):
    """Where the canvas will be. Its first paint is the chart's first time on screen: it says so and emits
    `firstPainted` (the chart makes the figure on the next turn of the event loop, after this frame)."""

    firstPainted = Signal()  # noqa: N815 (Qt naming)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(160)
        self._painted = False

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API) — the canvas's: its figure is 8 × 4 in at 100 dpi
        return QSize(800, 400)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 — as matplotlib's Qt canvas
        return QSize(10, 10)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt API)
        painter = QPainter(self)
        painter.setPen(QColor(MUTED))
        painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, "Drawing the capacity chart…")
        painter.end()
        if not self._painted:
            self._painted = True
            self.firstPainted.emit()


class CapacityChart(RowWindow, QWidget):
    """The chart and its scroll bar. `territoryClicked(t)` when the planner clicks a row."""

    territoryClicked = Signal(int)  # noqa: N815 (Qt naming)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # holds the canvas's place (same size policy and minimum) until the figure is made
        self._placeholder: _Placeholder | None = _Placeholder(self)
        self._placeholder.firstPainted.connect(lambda: QTimer.singleShot(0, self, self._ensure_figure))
        self._warm_up_due = WARM_UP_MS is not None
        self.scroll = QScrollBar(self)
        self.scroll.valueChanged.connect(lambda _v: self._apply_window())
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self._placeholder, 1)
        lay.addWidget(self.scroll)
        self.data: ChartData | None = None
        self._y = np.empty(0, dtype=np.int64)
        self._lines = 0
        self._figure: Figure | None = None
        self._canvas: FigureCanvasQTAgg | None = None
        self._axes: list[Axes] = []
        self._bars: dict[str, BarRows] = {}
        self.segment_bars: list[BarRows] = []
        self._background = None
        self._headers: list = []
        self._limits: list[tuple[float, float]] = []
        self._layout_artists: list = []
        self._names: list[Text] = []
        # (full, short) panel titles: the short one when the panel is too narrow for the full one
        self._titles = [("Workload / capacity", "Workload"), ("Potential vs peers", "Potential"),
                        ("Accounts / norm", "Accounts"), ("Pipeline", "Pipeline")]

    # ----- the figure, made when first needed ---------------------------------------------------------
    @property
    def figure(self) -> Figure:
        self._ensure_figure()
        assert self._figure is not None
        return self._figure

    @property
    def canvas(self) -> FigureCanvasQTAgg:
        self._ensure_figure()
        assert self._canvas is not None
        return self._canvas

    @property
    def axes(self) -> list[Axes]:
        self._ensure_figure()
        return self._axes

    @property
    def bars(self) -> dict[str, BarRows]:
        """The bar collections per series ("util", "dev", "pipe", "norm"), for the rows in view."""
        self._ensure_figure()
        return self._bars

    @property
    def has_figure(self) -> bool:
        """Whether matplotlib's figure exists yet (it is made when the chart is first shown)."""
        return self._canvas is not None

    def showEvent(self, event) -> None:  # noqa: N802, ANN001 (Qt API)
        super().showEvent(event)
        if self._warm_up_due and self._canvas is None and WARM_UP_MS is not None:
            self._warm_up_due = False
            QTimer.singleShot(WARM_UP_MS, self, warm_up)

    def _ensure_figure(self) -> None:
        """Import matplotlib and make the figure, the canvas and the four styled panels (once)."""
        if self._canvas is not None:
            return
        if _warm_thread is not None:  # never two threads importing matplotlib's modules at once
            _warm_thread.join()
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
        from matplotlib.figure import Figure

        from territory_desktop.ui.capacity.bars import BarRows

        figure = Figure(figsize=(8, 4), dpi=100, facecolor="white")
        canvas = FigureCanvasQTAgg(figure)
        canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        canvas.setMinimumHeight(160)
        self._figure, self._canvas = figure, canvas
        self._axes = list(figure.subplots(1, 4, sharey=True, gridspec_kw={"wspace": 0.08}))
        canvas.mpl_connect("button_press_event", self._on_click)
        canvas.mpl_connect("scroll_event", self._on_wheel)
        canvas.mpl_connect("draw_event", self._on_draw)
        self._style_axes()
        a_util, a_dev, a_seg, a_pipe = self._axes
        # one collection per series, for the rows in view; the norm range sits behind the segment bars
        self._bars = {"util": BarRows(a_util), "dev": BarRows(a_dev), "pipe": BarRows(a_pipe),
                      "norm": BarRows(a_seg, height=0.92, animated=False, zorder=0)}
        placeholder, self._placeholder = self._placeholder, None
        lay = self.layout()
        lay.replaceWidget(placeholder, canvas)
        placeholder.deleteLater()
        if self.isVisible():  # on screen (or a tab behind): size the canvas now, so the rows laid out fit it
            canvas.show()
            lay.activate()
        if self.data is not None:  # data that came before the figure
            self._lay_out()

    def _style_axes(self) -> None:
        """The look of the four panels, set once: titles, spines, grid, ticks, reference lines."""
        from matplotlib.ticker import MaxNLocator

        self._title_texts = [ax.set_title(title, fontsize=8.5, loc="left", color="#1B2430", y=1.0, pad=6)
                             for ax, (title, _short) in zip(self.axes, self._titles, strict=True)]  # never re-placed
        for ax in self.axes:
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
        self._dev_locator = a_dev.xaxis.get_major_locator()
        for ax in self.axes:  # territory names are plain texts in the margin (`_apply_window`): tick objects
            ax.yaxis.set_visible(False)  # cost a millisecond each to make and to draw
        a_util.axvline(100, color="#1B2430", linewidth=0.8, linestyle=(0, (3, 2)))
        a_util.xaxis.set_major_formatter(lambda v, _p: f"{v:.0f}%")
        a_dev.axvline(0, color="#1B2430", linewidth=0.8)
        a_dev.xaxis.set_major_formatter(lambda v, _p: f"{v:+.0f}%" if round(v) else "0")
        a_pipe.xaxis.set_major_formatter(lambda v, _p: fmt.money(v, 0))

    # ----- data ---------------------------------------------------------------------------------------
    def set_data(self, data: ChartData) -> None:
        """Lay the chart out anew (a new plan, a new sort, territories added or removed); before the figure
        exists, only keep the data (it is laid out when the figure is made)."""
        self.data = data
        if self._canvas is not None:
            self._lay_out()

    def _lay_out(self) -> None:
        from matplotlib.patches import Patch

        from territory_desktop.ui.capacity.bars import BarRows

        data = self.data
        assert data is not None
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
        for artist in self._layout_artists:
            artist.remove()
        self._layout_artists = []
        while len(self.segment_bars) < len(data.segment_names):
            self.segment_bars.append(BarRows(a_seg))
        for extra in self.segment_bars[len(data.segment_names):]:
            extra.set_rows(np.empty(0, dtype=np.int64), np.empty(0), np.empty(0))
        self._titles[1] = (f"{data.primary.capitalize()} vs peers", data.primary.capitalize())
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
        self._limits = self._fit_limits()
        self.scroll.blockSignals(True)
        self.scroll.setRange(0, max(self._lines - self.visible_rows(), 0))
        self.scroll.blockSignals(False)
        self._apply_window()

    def update_rows(self, data: ChartData, positions: list[int]) -> None:
        """New numbers for the rows at `positions` (same order as shown). Only bars in view exist; those are
        changed in place and repainted over the saved background (blitting), unless the scales must grow."""
        self.data = data
        if self._canvas is None:  # no figure yet: it will be laid out with these numbers
            return
        limits = self._fit_limits()
        if limits != self._limits:
            self._limits = limits
            self._apply_window()
            return
        touched = False
        for pos in positions:
            u = float(np.nan_to_num(data.utilisation[pos]))
            if not self.bars["util"].update(pos, u * 100, color=util_color(u)):
                continue  # out of view: it has no bars
            touched = True
            self.bars["dev"].update(pos, data.deviation[pos] * 100, color=band_color(data.status[pos]))
            left = 0.0
            for j, bars in enumerate(self.segment_bars[:len(data.segment_names)]):
                c = float(data.segment_counts[pos, j])
                bars.update(pos, c, left=left)
                left += c
            self.bars["pipe"].update(pos, float(data.pipeline[pos]))
        if touched:
            for bars in self._animated():
                bars.commit()
            self._blit()

    # ----- window of rows ------------------------------------------------------------------------------
    def _animated(self) -> list[BarRows]:
        return [self.bars["util"], self.bars["dev"], self.bars["pipe"], *self.segment_bars]

    def _fit_limits(self) -> list[tuple[float, float]]:
        """x limits that fit every row (not only those in view), rounded up so small moves keep the scale."""
        d = self.data
        if d is None or not len(d.order):
            return [(0.0, 120.0), (-30.0, 30.0), (0.0, 10.0), (0.0, 1.0)]
        util = float(np.nan_to_num(d.utilisation).max()) * 100
        dev = max(d.band * 100 * 1.6, float(np.abs(d.deviation).max()) * 100)
        total = float(d.segment_counts.sum(axis=1).max()) if d.segment_counts.size else 0.0
        top = max(total, max((r[1] for r in d.norms if r), default=0))
        return [(0.0, nice(max(120.0, util * 1.05))), (-nice(dev * 1.05), nice(dev * 1.05)),
                (0.0, nice(top * 1.08 + 1)), (0.0, nice(max(float(d.pipeline.max()), 1.0) * 1.08))]

    def _on_draw(self, _event) -> None:  # noqa: ANN001 — after every full draw: keep it, add the bars
        self._background = self.canvas.copy_from_bbox(self.figure.bbox)
        self._draw_bars()

    def _draw_bars(self) -> None:
        for bars in self._animated():
            ax = bars.collection.axes
            if ax is None or ax.get_visible():  # a panel hidden in a squeezed dock draws no bars
                self.figure.draw_artist(bars.collection)

    def _blit(self) -> None:
        if self._background is None:
            self.canvas.draw_idle()
            return
        self.canvas.restore_region(self._background)
        self._draw_bars()
        self.canvas.blit(self.figure.bbox)

    def resizeEvent(self, event) -> None:  # noqa: N802, ANN001 (Qt API)
        super().resizeEvent(event)
        if self._canvas is None:  # not shown yet: laid out when it is
            return
        size = (self._canvas.width(), self._canvas.height())
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
