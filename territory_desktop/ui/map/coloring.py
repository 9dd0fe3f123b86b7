"""What colour each account gets on the map, and the legend that explains it. Free of Qt.

Colour by territory uses the territory's own colour (the same swatch as the table and the territories
panel); by band status the territory's worst band (in / near / out, the status bar's colours); by segment
a fixed colour per segment; by moved, accounts that left their baseline territory stand out.
"""

from __future__ import annotations

import numpy as np

from territory_desktop.core import kpis
from territory_desktop.core.plan import Plan
from territory_desktop.ui.map.raster import argb

COLOR_MODES = (("territory", "Territory"), ("band", "Band status"), ("segment", "Segment"),
               ("moved", "Moved vs baseline"))
UNASSIGNED = "#A8A8A8"
BAND = {"in": "#2E8B57", "near": "#E0A100", "out": "#D1352B"}
BAND_WORDS = {"in": "In band", "near": "Near the edge", "out": "Out of band"}
SEGMENT_COLORS = ("#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860", "#DA8BC3", "#8C8C8C")
MOVED, STAYED = "#D55E00", "#C9CED6"


def territory_status(plan: Plan) -> dict[int, str]:
    """Worst band of each active territory ("in", "near", "out") over its balanced measures."""
    table = kpis.territory_table(plan)
    out: dict[int, str] = {}
    cols = [c for c in table.columns if c.startswith("status_")]
    for t, row in table.iterrows():
        states = {str(row[c]) for c in cols}
        out[int(t)] = "out" if "out" in states else "near" if "near" in states else "in"
    return out


def account_colors(plan: Plan, mode: str, status: dict[int, str] | None = None
                   ) -> tuple[np.ndarray, list[tuple[str, str]]]:
    """(ARGB32 colour per account, legend entries (label, '#rrggbb'))."""
    a = plan.assignment
    n = plan.n_accounts
    if mode == "band":
        status = status if status is not None else territory_status(plan)
        per_t = [BAND[status.get(i, "in")] for i in range(plan.n_territories)] + [UNASSIGNED]
        colors = argb(per_t)[np.where(a >= 0, a, plan.n_territories)]
        present = sorted(set(status.values()), key=list(BAND).index)
        legend = [(BAND_WORDS[s], BAND[s]) for s in present]
        if (a < 0).any():
            legend.append(("Unassigned", UNASSIGNED))
        return colors, legend
    if mode == "segment":
        names = plan.segment_names
        palette = [SEGMENT_COLORS[i % len(SEGMENT_COLORS)] for i in range(len(names))]
        colors = argb(palette)[plan.segment_codes] if n else np.empty(0, dtype=np.uint32)
        counts = np.bincount(plan.segment_codes, minlength=len(names)) if n else np.zeros(len(names), int)
        return colors, [(nm or "No segment", palette[i]) for i, nm in enumerate(names) if counts[i]]
    if mode == "moved":
        moved = a != plan.baseline
        colors = np.where(moved, argb([MOVED])[0], argb([STAYED])[0]).astype(np.uint32)
        return colors, [(f"Moved ({int(moved.sum()):,})", MOVED), ("Where they were", STAYED)]
    per_t = [t.color for t in plan.territories] + [UNASSIGNED]
    colors = argb(per_t)[np.where(a >= 0, a, plan.n_territories)]
    act = plan.active_territories()
    legend = [(plan.territories[i].name, plan.territories[i].color) for i in act]
    if (a < 0).any():
        legend.append(("Unassigned", UNASSIGNED))
    return colors, legend

