"""What the capacity chart shows, one row per territory, taken from the core's numbers. Free of Qt.

Rows are grouped by peer group (the rep role: a territory is judged against its peers) and sorted inside each
group by the planner's choice. Every figure is read from `kpis.territory_table` and the KPI state, so the chart
says what the territories panel, the status bar and `info` say.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from territory_desktop.core import kpis
from territory_desktop.core.plan import Plan
from territory_desktop.core.workload import SCALE

SORTS = (("deviation", "Deviation"), ("name", "Name"), ("workload", "Workload"))


@dataclass(frozen=True)
class ChartData:
    """Per active territory, in display order (`order` = territory indices top to bottom)."""

    order: np.ndarray
    groups: list[tuple[str, int, int]]  # (peer group, first position, last position + 1)
    names: list[str]
    color: list[str]
    utilisation: np.ndarray  # workload / capacity (NaN without capacity)
    workload: np.ndarray
    capacity: np.ndarray
    deviation: np.ndarray  # primary measure vs the peer mean
    status: list[str]  # "in" / "near" / "out" of the primary band
    band: float
    primary: str
    segment_counts: np.ndarray  # positions × segments
    segment_names: list[str]
    norms: list[tuple[int, int] | None]
    pipeline: np.ndarray


def chart_data(plan: Plan, sort: str = "deviation",
               norms: dict[int, tuple[int, int] | None] | None = None) -> ChartData:
    """The chart's rows for `plan`, grouped by peer group and sorted by `sort` within each group."""
    act = plan.active_territories()
    table = kpis.territory_table(plan) if len(act) else pd.DataFrame()
    primary = plan.settings.primary
    groups_of = {int(t): plan.territories[int(t)].role or "All" for t in act}
    if len(act):
        dev = table[f"dev_{primary.measure}"]
        key = {"deviation": -dev.abs(), "name": table["name"].str.casefold(), "workload": -table["utilisation"]}[sort]
        frame = pd.DataFrame({"group": [groups_of[int(t)] for t in table.index], "key": key}, index=table.index)
        frame = frame.sort_values(["group", "key"], kind="stable")
        order = frame.index.to_numpy(dtype=np.int64)
    else:
        order = np.empty(0, dtype=np.int64)
    groups: list[tuple[str, int, int]] = []
    for pos, t in enumerate(order.tolist()):
        g = groups_of[t]
        if groups and groups[-1][0] == g:
            groups[-1] = (g, groups[-1][1], pos + 1)
        else:
            groups.append((g, pos, pos + 1))
    t = table.loc[order] if len(order) else table
    return ChartData(
        order=order, groups=groups,
        names=[plan.territories[i].name for i in order.tolist()],
        color=[plan.territories[i].color for i in order.tolist()],
        utilisation=t["utilisation"].to_numpy(dtype=np.float64) if len(order) else np.empty(0),
        workload=t["workload"].to_numpy(dtype=np.float64) if len(order) else np.empty(0),
        capacity=t["capacity"].to_numpy(dtype=np.float64) if len(order) else np.empty(0),
        deviation=t[f"dev_{primary.measure}"].to_numpy(dtype=np.float64) if len(order) else np.empty(0),
        status=[str(s) for s in t[f"status_{primary.measure}"]] if len(order) else [],
        band=primary.band, primary=primary.measure,
        segment_counts=plan.kpis.seg_counts[order].astype(np.int64) if len(order)
        else np.zeros((0, len(plan.segment_names))),
        segment_names=list(plan.segment_names),
        norms=[(norms or {}).get(i) for i in order.tolist()],
        pipeline=plan.kpis.sums[order, plan.measure_names.index("pipeline")] / SCALE if len(order) else np.empty(0),
    )
