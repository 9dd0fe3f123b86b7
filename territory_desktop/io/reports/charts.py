"""The reports' charts, each drawn onto an Axes it is given: a territory against its peers, workload against
capacity, and the plan's balance and capacity bars. Values come from `tables` (the core's numbers)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter

from territory_desktop.core import format as fmt
from territory_desktop.io.reports import style as S
from territory_desktop.io.reports.tables import ReportContext, WorkloadSummary, label, peers_of


def _clean(ax: Axes, grid: str = "y") -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(S.LAND_EDGE)
    ax.tick_params(labelsize=6.5, colors=S.MUTED, length=2)
    ax.grid(axis=grid, color="#EEF1F4", linewidth=0.7)
    ax.set_axisbelow(True)


def peer_chart(ax: Axes, ctx: ReportContext, t: int, measure: str) -> None:
    """Deviation from the peer target of every peer on one measure, this territory in its colour, the band
    shaded: where the rep stands at a glance."""
    peers = peers_of(ctx, t)
    dev = ctx.deviation(measure).loc[peers].to_numpy(dtype=float)
    order = np.argsort(-dev, kind="stable")
    peers, dev = peers[order], dev[order]
    band = next((m.band for m in ctx.plan.settings.measures if m.measure == measure), None)
    colors = [ctx.plan.territories[t].color if p == t else "#C9CED6" for p in peers]
    x = np.arange(len(peers))
    if band is not None:
        ax.axhspan(-band, band, color=S.BAND_COLORS["in"][1], zorder=0)
    ax.bar(x, dev, color=colors, width=0.72, zorder=2)
    ax.axhline(0, color=S.INK, linewidth=0.7, zorder=3)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    _clean(ax)
    names = [ctx.plan.territories[int(p)].name for p in peers]
    if len(peers) <= 14:
        ax.set_xticks(x, [n if len(n) <= 14 else n[:13] + "…" for n in names], rotation=30, ha="right",
                      fontsize=6)
    else:
        ax.set_xticks([])
    i = int(np.flatnonzero(peers == t)[0])
    ax.annotate("You", (i, dev[i]), xytext=(0, 6 if dev[i] >= 0 else -12), textcoords="offset points",
                ha="center", fontsize=7, fontweight="bold", color=S.INK)
    lo = min(float(dev.min()), -(band or 0.1)) * 1.25
    hi = max(float(dev.max()), band or 0.1) * 1.25
    ax.set_ylim(lo, hi)
    ax.set_xlim(-0.7, len(peers) - 0.3)


def workload_bar(ax: Axes, w: WorkloadSummary) -> None:
    """Service and travel hours stacked against the capacity line."""
    color = S.UTIL_OVER if w.over else (S.UTIL_HIGH if w.utilisation > 0.9 else S.UTIL_OK)
    ax.barh([0], [w.service], color=color, height=0.5, zorder=2)
    ax.barh([0], [w.travel], left=[w.service], color=color, alpha=0.45, height=0.5, zorder=2)
    if w.capacity > 0:
        ax.axvline(w.capacity, color=S.INK, linewidth=1.0, linestyle=(0, (3, 2)), zorder=3)
    top = max(w.workload, w.capacity) * 1.12 or 1.0
    ax.set_xlim(0, top)
    ax.set_ylim(-0.6, 0.6)
    ax.set_yticks([])
    ax.xaxis.set_major_locator(MaxNLocator(nbins=3))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:,.0f} h"))
    _clean(ax, grid="x")
    ax.spines["left"].set_visible(False)


def balance_chart(ax: Axes, ctx: ReportContext, rows: Sequence[int]) -> None:
    """Deviation of the primary measure per territory, bars coloured by band, the band shaded."""
    primary = ctx.plan.settings.primary
    dev = ctx.table.loc[list(rows), f"dev_{primary.measure}"].to_numpy(dtype=float)
    status = ctx.table.loc[list(rows), f"status_{primary.measure}"].astype(str).to_list()
    y = np.arange(len(rows))[::-1]
    ax.axvspan(-primary.band, primary.band, color=S.BAND_COLORS["in"][1], zorder=0)
    ax.barh(y, dev, color=[S.BAND_COLORS[s][0] for s in status], height=0.7, zorder=2)
    ax.axvline(0, color=S.INK, linewidth=0.7, zorder=3)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    _names(ax, ctx, rows, y)
    lim = max(float(np.abs(dev).max(initial=0)), primary.band) * 1.15
    ax.set_xlim(-lim, lim)
    ax.set_title(f"{label(primary.measure)} vs peer target (band ±{primary.band * 100:.0f}%)", fontsize=8.5,
                 loc="left", color=S.INK)


def capacity_chart(ax: Axes, ctx: ReportContext, rows: Sequence[int]) -> None:
    """Workload as a share of capacity per territory, the 100% line dashed."""
    util = ctx.table.loc[list(rows), "utilisation"].to_numpy(dtype=float)
    util = np.where(np.isfinite(util), util, 0.0)
    y = np.arange(len(rows))[::-1]
    colors = [S.UTIL_OVER if u > 1 else (S.UTIL_HIGH if u > 0.9 else S.UTIL_OK) for u in util]
    ax.barh(y, util, color=colors, height=0.7, zorder=2)
    ax.axvline(1.0, color=S.INK, linewidth=0.9, linestyle=(0, (3, 2)), zorder=3)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    _names(ax, ctx, rows, y)
    ax.set_xlim(0, max(float(util.max(initial=0)), 1.0) * 1.12)
    ax.set_title("Workload as a share of capacity", fontsize=8.5, loc="left", color=S.INK)
    for yi, u in zip(y, util, strict=True):
        ax.text(u, yi, f" {fmt.percent(u)}", va="center", fontsize=5.5, color=S.MUTED, zorder=4)


def _names(ax: Axes, ctx: ReportContext, rows: Sequence[int], y: np.ndarray) -> None:
    names = [ctx.plan.territories[int(i)].name for i in rows]
    ax.set_yticks(y, [n if len(n) <= 22 else n[:21] + "…" for n in names], fontsize=6 if len(rows) <= 30 else 5)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    _clean(ax, grid="x")
