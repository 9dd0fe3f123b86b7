"""The capacity chart's window of rows: how many rows fit, which are in view, their names, the panel titles
and ticks fitted to the width, and the layout of the figure for the rows shown (a mixin of CapacityChart, kept
apart so chart.py is the figure, its data and its events)."""

from __future__ import annotations

import numpy as np

from territory_desktop.ui.capacity.chart_style import (
    HEADER_PX,
    NARROW_PANEL_PX,
    PIPELINE,
    ROW_PX,
    SEGMENT_COLORS,
    TITLE_CHAR_PX,
    band_color,
    nice,
    util_color,
)


class RowWindow:
    """The rows in view and the figure laid out for them (mixed into CapacityChart)."""

    def visible_rows(self) -> int:
        area = self._canvas if self._canvas is not None else self._placeholder
        return max(3, (area.height() - HEADER_PX) // ROW_PX)

    def window_positions(self) -> np.ndarray:
        """Row positions whose line is in view."""
        first, rows = self.scroll.value(), self.visible_rows()
        return np.flatnonzero((self._y >= first) & (self._y < first + rows))

    def _apply_window(self) -> None:
        """Bars and names for the rows in view only (one collection per series, a few dozen names)."""
        d = self.data
        if d is None:
            return
        first, rows = self.scroll.value(), self.visible_rows()
        a_util, a_dev, a_seg, a_pipe = self.axes
        pos = self.window_positions()
        y = self._y[pos]
        self._set_names(y, [d.names[i][:26] for i in pos])
        util = np.nan_to_num(d.utilisation[pos]) * 100
        self.bars["util"].set_rows(pos, y, util, colors=[util_color(u / 100) for u in util])
        self.bars["dev"].set_rows(pos, y, d.deviation[pos] * 100, colors=[band_color(d.status[i]) for i in pos])
        lo = np.array([d.norms[i][0] if d.norms[i] else np.nan for i in pos], dtype=float)
        hi = np.array([d.norms[i][1] if d.norms[i] else np.nan for i in pos], dtype=float)
        self.bars["norm"].set_rows(pos, y, np.nan_to_num(hi - lo), np.nan_to_num(lo), colors="#E8EEF5")
        left = np.zeros(len(pos))
        for j, bars in enumerate(self.segment_bars[:len(d.segment_names)]):
            counts = d.segment_counts[pos, j].astype(float) if d.segment_counts.size else np.zeros(len(pos))
            bars.set_rows(pos, y, counts, left, colors=SEGMENT_COLORS[j % len(SEGMENT_COLORS)])
            left = left + counts
        self.bars["pipe"].set_rows(pos, y, d.pipeline[pos], colors=PIPELINE)
        self.axes[0].set_ylim(first + rows - 0.5, first - 0.5)
        for yy, text in self._headers:  # drawn in the margin: shown only for lines in view
            text.set_visible(first <= yy < first + rows)
        for ax, lim in zip(self.axes, self._limits, strict=True):
            ax.set_xlim(*lim)
        h, w = max(self.canvas.height(), 1), max(self.canvas.width(), 1)
        # margins in pixels, so names and titles keep their room at any width
        left, right, wspace = min(0.4, 165 / w), 1 - 8 / w, min(0.5, 40 / max(w / 4, 1))
        self.figure.subplots_adjust(left=left, right=right, top=1 - 30 / h, bottom=44 / h, wspace=wspace)
        panel_px = w * (right - left) / (4 + 3 * wspace)
        narrow = panel_px < NARROW_PANEL_PX
        for ax in self.axes[2:]:
            ax.set_visible(not narrow)
        if narrow:  # a squeezed dock: workload and potential only, each twice as wide
            x0, x1 = self.axes[0].get_position().x0, self.axes[3].get_position().x1
            gap = (x1 - x0) * 0.12
            width = (x1 - x0 - gap) / 2
            for i, ax in enumerate(self.axes[:2]):
                box = ax.get_position()
                ax.set_position((x0 + i * (width + gap), box.y0, width, box.height))
            panel_px = w * width
        self._fit_titles_and_ticks(panel_px)
        self.canvas.draw_idle()

    def _fit_titles_and_ticks(self, panel_px: float) -> None:
        """At a narrow window the full titles would run into each other and the ticks together: short
        titles, and fewer ticks (a tick label is about 30 px wide at this font size)."""
        from matplotlib.ticker import FixedLocator

        for ax, text, (full, short) in zip(self.axes, self._title_texts, self._titles, strict=True):
            text.set_text(full if len(full) * TITLE_CHAR_PX <= panel_px - 6 else short)
            nbins = max(1, min(4, int(panel_px // 34)))
            if ax is self.axes[1] and nbins <= 1:  # very narrow (a squeezed dock): the zero line alone
                ax.xaxis.set_major_locator(FixedLocator([0.0]))
            elif ax is self.axes[1] and nbins <= 3 and self._limits:  # narrow: 0 and one ± tick inside the edges
                x = nice(self._limits[1][1] / 2.2)
                ax.xaxis.set_major_locator(FixedLocator([-x, 0.0, x]))
            elif ax is self.axes[1]:
                ax.xaxis.set_major_locator(self._dev_locator)
            else:
                ax.xaxis.get_major_locator().set_params(nbins=nbins)

    def panel_titles(self) -> list[str]:
        """The titles drawn above the four panels (what the planner reads)."""
        self._ensure_figure()
        return [t.get_text() for t in self._title_texts]

    def _set_names(self, y: np.ndarray, names: list[str]) -> None:
        """The territory names left of the first panel, one text per row in view (texts are reused)."""
        a_util = self.axes[0]
        while len(self._names) < len(names):
            self._names.append(a_util.text(-0.012, 0, "", transform=a_util.get_yaxis_transform(), ha="right",
                                           va="center", fontsize=8, color="#1B2430", clip_on=False))
        for text, yy, name in zip(self._names, y.tolist(), names, strict=False):
            text.set_y(yy)
            text.set_text(name)
            text.set_visible(True)
        for text in self._names[len(names):]:
            text.set_visible(False)

    def names_in_view(self) -> list[str]:
        """The names drawn, top to bottom (what the planner reads)."""
        return [t.get_text() for t in self._names if t.get_visible()]
