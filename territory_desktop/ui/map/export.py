"""The map saved as a file: PNG is what is on screen; SVG and PDF are redrawn as vectors by matplotlib.

Vector output keeps outlines, borders and labels sharp in a slide or a printed review. Past
`VECTOR_POINTS` accounts the points layer is embedded as a raster inside the vector file (matplotlib's
`rasterized=True`), or a 100k-account SVG would be tens of megabytes that no viewer opens.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from territory_desktop.core.plan import Plan
from territory_desktop.ui.map.canvas import MapCanvas

VECTOR_POINTS = 20_000


def export_map(canvas: MapCanvas, plan: Plan, outlines: list[tuple[int, Any]], basemap: Any,
               path: str | Path) -> Path:
    """Write the map the canvas shows (its layers finished: see MapView.wait_ready) to PNG, SVG or PDF; the
    path written (another format's name, or none, gets ".png", so the message names the real file)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".png", ".svg", ".pdf"):
        path = path.with_suffix(".png")
        suffix = ".png"
    if suffix == ".png":
        if not canvas.grab().save(str(path), "PNG"):
            raise OSError(f"cannot write {path}")
        return path
    _vector(canvas, plan, outlines, basemap, path)
    return path


def _vector(canvas: MapCanvas, plan: Plan, outlines: list[tuple[int, Any]], basemap: Any, path: Path) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MplPath

    v = canvas.view
    pts = canvas.points
    fig = Figure(figsize=(v.width / 100, v.height / 100), dpi=100)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_facecolor("#EEF2F6")
    x0, y0 = v.to_world(0, v.height)
    x1, y1 = v.to_world(v.width, 0)
    ax.set_xlim(float(x0), float(x1))
    ax.set_ylim(float(y0), float(y1))
    ax.set_aspect("equal")
    ax.set_axis_off()
    if basemap is not None and pts is not None:
        fwd = pts.projection.forward
        for shapes, face, edge in ((basemap.countries, "#FFFFFF", "#C9D1DA"), (basemap.states, "none", "#DDE3EA")):
            for s in shapes:
                for poly in getattr(s.geometry, "geoms", [s.geometry]):
                    xy = np.asarray(poly.exterior.coords)
                    x, y = fwd(xy[:, 0], xy[:, 1])
                    ok = np.isfinite(x) & np.isfinite(y)
                    if ok.sum() >= 3:
                        ax.add_patch(PathPatch(MplPath(np.column_stack([x[ok], y[ok]])), facecolor=face,
                                               edgecolor=edge, linewidth=0.5))
    for t, geom in outlines:
        if t >= plan.n_territories or plan.territories[t].removed:
            continue
        color = plan.territories[t].color
        for poly in getattr(geom, "geoms", [geom]):
            xy = np.asarray(poly.exterior.coords)
            ax.add_patch(PathPatch(MplPath(xy), facecolor=color, alpha=0.12, edgecolor="none"))
            ax.add_patch(PathPatch(MplPath(xy), facecolor="none", edgecolor=color, linewidth=1.0))
    if pts is not None and len(canvas.colors):
        rows = np.flatnonzero(pts.placed) if canvas.visible is None else canvas.visible[pts.placed[canvas.visible]]
        c = canvas.colors[rows]
        rgb = np.column_stack([(c >> 16) & 255, (c >> 8) & 255, c & 255]).astype(float) / 255.0
        ax.scatter(pts.x[rows], pts.y[rows], s=3, c=rgb, linewidths=0, rasterized=len(rows) > VECTOR_POINTS)
    for x, y, _color, _name in canvas.homes:
        ax.plot([x], [y], marker="^", markersize=7, markerfacecolor="white", markeredgecolor="#1B2430")
    for x, y, text, out in canvas.labels[:60]:
        ax.text(x, y, text, ha="center", va="center", fontsize=7, fontweight="bold",
                color="#B3261E" if out else "#1B2430",
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.75})
    if canvas.legend:
        from matplotlib.lines import Line2D

        handles = [Line2D([], [], marker="o", linestyle="", color=color, label=label)
                   for label, color in canvas.legend[:12]]
        ax.legend(handles=handles, title=canvas.legend_title, loc="lower left", fontsize=7, title_fontsize=8,
                  framealpha=0.9)
    fig.savefig(str(path), format=path.suffix.lstrip(".").lower())
