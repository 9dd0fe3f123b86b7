"""Maps for printed reports: the offline base map (`io/basemap.py`) in the map view's equal-area projection
(`core/projection.py`), with accounts as dots in their territory's colour.

The base map is projected once per projection and kept as matplotlib paths with their lon/lat bounds, so the
25 rep books of one run project it once and each map only adds the shapes that fall in its frame. Accounts
past `RASTER_POINTS` are embedded as an image inside the vector page (`rasterized=True`), which keeps a
10k-account summary a few hundred kilobytes.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.lines import Line2D
from matplotlib.path import Path as MplPath

from territory_desktop.core.plan import Plan
from territory_desktop.core.projection import Projection, choose_projection
from territory_desktop.io.basemap import BasemapUnavailable, load_basemap
from territory_desktop.io.reports import style as S

RASTER_POINTS = 2_000


@dataclass(frozen=True)
class Projected:
    """The plan's accounts and homes in the plan's projection (computed once per run)."""

    projection: Projection
    x: np.ndarray
    y: np.ndarray
    placed: np.ndarray
    home_x: np.ndarray
    home_y: np.ndarray


def project_plan(plan: Plan) -> Projected:
    placed = np.isfinite(plan.lat) & np.isfinite(plan.lon)
    proj = choose_projection(plan.lon[placed], plan.lat[placed])
    x, y = proj.forward(plan.lon, plan.lat)
    hx, hy = proj.forward(np.array([t.home_lon for t in plan.territories], dtype=np.float64),
                          np.array([t.home_lat for t in plan.territories], dtype=np.float64))
    return Projected(proj, x, y, placed, hx, hy)


@functools.lru_cache(maxsize=4)
def _basemap_paths(projection: Projection) -> tuple[list[tuple[MplPath, tuple[float, float, float, float]]], ...]:
    """(country paths, state paths), each with its projected bounds; empty when the base map is missing."""
    try:
        basemap = load_basemap()
    except BasemapUnavailable:
        return [], []
    layers = []
    for shapes in (basemap.countries, basemap.states):
        paths = []
        for s in shapes:
            for poly in getattr(s.geometry, "geoms", [s.geometry]):
                xy = np.asarray(poly.exterior.coords)
                x, y = projection.forward(xy[:, 0], xy[:, 1])
                ok = np.isfinite(x) & np.isfinite(y)
                if ok.sum() < 3:
                    continue
                pts = np.column_stack([x[ok], y[ok]])
                paths.append((MplPath(pts, closed=True), (float(pts[:, 0].min()), float(pts[:, 1].min()),
                                                          float(pts[:, 0].max()), float(pts[:, 1].max()))))
        layers.append(paths)
    return tuple(layers)


def _draw_basemap(ax: Axes, projection: Projection, frame: tuple[float, float, float, float]) -> None:
    x0, y0, x1, y1 = frame
    countries, states = _basemap_paths(projection)
    for paths, face, edge, width in ((countries, S.LAND, S.LAND_EDGE, 0.5), (states, "none", S.STATE_EDGE, 0.4)):
        visible = [p for p, (a, b, c, d) in paths if c >= x0 and a <= x1 and d >= y0 and b <= y1]
        if visible:
            ax.add_collection(PathCollection(visible, facecolors=face, edgecolors=edge, linewidths=width, zorder=1))


def frame_around(xs: np.ndarray, ys: np.ndarray, aspect: float, pad: float = 0.08,
                 min_span: float = 60_000.0) -> tuple[float, float, float, float]:
    """A frame of the axes' aspect (width ÷ height) around the points: the 2nd–98th percentile box when there
    are many (one stray account must not shrink the book to a speck), padded, at least `min_span` metres."""
    ok = np.isfinite(xs) & np.isfinite(ys)
    xs, ys = xs[ok], ys[ok]
    if not len(xs):
        return -2.5e6, -0.3e6, 2.5e6, 3.4e6
    q = (2, 98) if len(xs) > 50 else (0, 100)
    x0, x1 = np.percentile(xs, q)
    y0, y1 = np.percentile(ys, q)
    w, h = max(x1 - x0, min_span), max(y1 - y0, min_span)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    w, h = w * (1 + 2 * pad), h * (1 + 2 * pad)
    if w / h < aspect:
        w = h * aspect
    else:
        h = w / aspect
    return cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2


def _setup(ax: Axes, frame: tuple[float, float, float, float]) -> None:
    ax.set_facecolor(S.SEA)
    ax.set_xlim(frame[0], frame[2])
    ax.set_ylim(frame[1], frame[3])
    ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_color(S.RULE)


def _dots(ax: Axes, x: np.ndarray, y: np.ndarray, colors: object, size: float, zorder: int,
          **kw: object) -> PathCollection:
    return ax.scatter(x, y, s=size, c=colors, linewidths=kw.pop("linewidths", 0), zorder=zorder,
                      rasterized=len(x) > RASTER_POINTS, **kw)


def in_frame(p: Projected, rows: np.ndarray, frame: tuple[float, float, float, float]) -> np.ndarray:
    x, y = p.x[rows], p.y[rows]
    return rows[(x >= frame[0]) & (x <= frame[2]) & (y >= frame[1]) & (y <= frame[3])]


def territory_map(ax: Axes, plan: Plan, p: Projected, t: int, aspect: float) -> int:
    """One territory's book: its accounts in its colour, neighbours' accounts grey, accounts joining ringed,
    accounts leaving as crosses, the rep's home. Returns how many of its placed accounts fall outside the frame."""
    rows = np.flatnonzero((plan.assignment == t) & p.placed)
    out_rows = np.flatnonzero((plan.baseline == t) & (plan.assignment != t) & p.placed)
    xs, ys = p.x[np.r_[rows, out_rows]], p.y[np.r_[rows, out_rows]]
    if np.isfinite(p.home_x[t]):
        xs, ys = np.r_[xs, p.home_x[t]], np.r_[ys, p.home_y[t]]
    frame = frame_around(xs, ys, aspect)
    _setup(ax, frame)
    _draw_basemap(ax, p.projection, frame)
    others = in_frame(p, np.flatnonzero((plan.assignment != t) & p.placed), frame)
    _dots(ax, p.x[others], p.y[others], S.OTHER_ACCOUNTS, 3, 2)
    color = plan.territories[t].color
    _dots(ax, p.x[rows], p.y[rows], color, 9, 3)
    new = rows[plan.baseline[rows] != t]
    handles = [Line2D([], [], marker="o", linestyle="", color=color, markersize=5, label="Your accounts")]
    if len(new):
        _dots(ax, p.x[new], p.y[new], "none", 34, 4, edgecolors=S.IN_COLOR, linewidths=0.9)
        handles.append(Line2D([], [], marker="o", linestyle="", markerfacecolor=color, markeredgecolor=S.IN_COLOR,
                              markersize=6, label="Joining"))
    if len(out_rows):
        _dots(ax, p.x[out_rows], p.y[out_rows], S.OUT_COLOR, 16, 4, marker="x", linewidths=0.9)
        handles.append(Line2D([], [], marker="x", linestyle="", color=S.OUT_COLOR, markersize=5, label="Leaving"))
    handles.append(Line2D([], [], marker="o", linestyle="", color=S.OTHER_ACCOUNTS, markersize=4,
                          label="Other territories"))
    if np.isfinite(p.home_x[t]):
        ax.plot([p.home_x[t]], [p.home_y[t]], marker="^", markersize=9, markerfacecolor="white",
                markeredgecolor=S.INK, markeredgewidth=1.2, zorder=6, linestyle="")
        handles.append(Line2D([], [], marker="^", linestyle="", markerfacecolor="white", markeredgecolor=S.INK,
                              markersize=6, label="Rep's home"))
    ax.legend(handles=handles, loc="lower left", fontsize=6.5, framealpha=0.92, borderpad=0.5,
              handletextpad=0.3, edgecolor=S.RULE)
    return len(rows) - len(in_frame(p, rows, frame))


def plan_map(ax: Axes, plan: Plan, p: Projected, aspect: float, labels: int = 40) -> None:
    """Every account in its territory's colour, the reps' homes, and the territory names at their books'
    centres (the largest `labels` territories, so 200 names do not bury the map)."""
    placed = np.flatnonzero(p.placed & (plan.assignment >= 0))
    act = [int(i) for i in plan.active_territories()]
    homes = [i for i in act if np.isfinite(p.home_x[i])]
    frame = frame_around(np.r_[p.x[placed], p.home_x[homes]], np.r_[p.y[placed], p.home_y[homes]], aspect,
                         pad=0.04)
    _setup(ax, frame)
    _draw_basemap(ax, p.projection, frame)
    colors = np.array([t.color for t in plan.territories], dtype=object)
    unassigned = np.flatnonzero(p.placed & (plan.assignment < 0))
    _dots(ax, p.x[unassigned], p.y[unassigned], S.OTHER_ACCOUNTS, 3, 2)
    _dots(ax, p.x[placed], p.y[placed], list(colors[plan.assignment[placed]]), 4, 3)
    if homes:
        ax.plot(p.home_x[homes], p.home_y[homes], marker="^", markersize=5, markerfacecolor="white",
                markeredgecolor=S.INK, markeredgewidth=0.8, zorder=5, linestyle="")
    counts = np.bincount(plan.assignment[placed], minlength=plan.n_territories)
    box = ax.get_position()
    fig_w, fig_h = ax.get_figure().get_size_inches()
    per_in = (frame[2] - frame[0]) / (box.width * fig_w)  # metres per inch on the page
    taken: list[tuple[float, float, float, float]] = []
    for i in sorted(act, key=lambda i: -counts[i])[:labels]:
        rows = placed[plan.assignment[placed] == i]
        if not len(rows):
            continue
        name = plan.territories[i].name
        cx, cy = float(np.median(p.x[rows])), float(np.median(p.y[rows]))
        half_w, half_h = len(name) * 5.5 * 0.62 / 72 / 2 * per_in, 0.09 * per_in
        if not (frame[0] + half_w <= cx <= frame[2] - half_w and frame[1] + half_h <= cy <= frame[3] - half_h):
            continue  # a name cut by the frame reads worse than none
        mine = (cx - half_w, cy - half_h, cx + half_w, cy + half_h)
        if any(a < mine[2] and mine[0] < c and b < mine[3] and mine[1] < d for a, b, c, d in taken):
            continue  # never print a name over another: the largest books are labelled first
        taken.append(mine)
        ax.text(cx, cy, name, ha="center", va="center", fontsize=5.5, fontweight="bold", color=S.INK, zorder=7,
                clip_on=True, bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8})
