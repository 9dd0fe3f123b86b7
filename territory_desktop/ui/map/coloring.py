"""What colour each account gets on the map, and the legend that explains it. Free of Qt.

Colour by territory uses the territory's own colour (the same swatch as the table and the territories
panel); by band status the territory's worst band (in / near / out, the status bar's colours); by segment
a fixed colour per segment; by moved, accounts that left their baseline territory stand out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

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


def territory_status(plan: Plan, table: pd.DataFrame | None = None) -> dict[int, str]:
    """Worst band of each active territory ("in", "near", "out") over its balanced measures (from the core's
    territory table, computed here unless the caller has it)."""
    if table is None:
        if not len(plan.active_territories()):
            return {}
        table = kpis.territory_table(plan)
    cols = [c for c in table.columns if c.startswith("status_")]
    states = table[cols].to_numpy(dtype=object) if cols else np.empty((len(table), 0), dtype=object)
    worst = np.where((states == "out").any(axis=1), "out", np.where((states == "near").any(axis=1), "near", "in"))
    return dict(zip(table.index.astype(int).tolist(), worst.tolist(), strict=True))


def account_colors(plan: Plan, mode: str, status: dict[int, str] | None = None,
                   rows: np.ndarray | None = None) -> tuple[np.ndarray, list[tuple[str, str]]]:
    """(ARGB32 colour per account — of `rows` only when given —, legend entries (label, '#rrggbb'))."""
    a = plan.assignment if rows is None else plan.assignment[rows]
    n = plan.n_accounts
    if mode == "band":
        status = status if status is not None else territory_status(plan)
        per_t = [BAND[status.get(i, "in")] for i in range(plan.n_territories)] + [UNASSIGNED]
        colors = argb(per_t)[np.where(a >= 0, a, plan.n_territories)]
        present = sorted(set(status.values()), key=list(BAND).index)
        legend = [(BAND_WORDS[s], BAND[s]) for s in present]
        if (plan.assignment < 0).any():
            legend.append(("Unassigned", UNASSIGNED))
        return colors, legend
    if mode == "segment":  # (rows are ignored: a move does not change segments)
        names = plan.segment_names
        palette = [SEGMENT_COLORS[i % len(SEGMENT_COLORS)] for i in range(len(names))]
        colors = argb(palette)[plan.segment_codes] if n else np.empty(0, dtype=np.uint32)
        counts = np.bincount(plan.segment_codes, minlength=len(names)) if n else np.zeros(len(names), int)
        return colors, [(nm or "No segment", palette[i]) for i, nm in enumerate(names) if counts[i]]
    if mode == "moved":
        moved = a != (plan.baseline if rows is None else plan.baseline[rows])
        colors = np.where(moved, argb([MOVED])[0], argb([STAYED])[0]).astype(np.uint32)
        total = int((plan.assignment != plan.baseline).sum())
        return colors, [(f"Moved ({total:,})", MOVED), ("Where they were", STAYED)]
    per_t = [t.color for t in plan.territories] + [UNASSIGNED]
    colors = argb(per_t)[np.where(a >= 0, a, plan.n_territories)]
    act = plan.active_territories()
    legend = [(plan.territories[i].name, plan.territories[i].color) for i in act]
    if (plan.assignment < 0).any():
        legend.append(("Unassigned", UNASSIGNED))
    return colors, legend

