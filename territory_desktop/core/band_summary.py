"""The plan as it would be after a set of moves, in words whose numbers agree with their band words.

The co-pilot's summary line ("If you accept every suggestion: 2 territories out of band (worst: Los Angeles
SMB −30.4% workload) …") is worded here from the core's own arithmetic, not from the solver's snapshot: the
running totals are copied (K rows), only the rows that differ are shifted (`KpiState.move`), and deviations and
bands come from `kpis`, so "out" here is "out" in the panel once the moves are made. O(moved rows + K).
"""

from __future__ import annotations

import numpy as np

from territory_desktop.core import kpis
from territory_desktop.core.band_words import deviation_text
from territory_desktop.core.kpi_state import KpiState
from territory_desktop.core.plan import Plan
from territory_desktop.core.settings import ACCOUNTS, WORKLOAD
from territory_desktop.core.workload import SCALE


def _projected_state(plan: Plan, assignment: np.ndarray) -> tuple[KpiState, int]:
    s = plan.kpis
    state = KpiState(s.counts.copy(), s.sums.copy(), s.workload.copy(), s.seg_counts.copy(), s.moved_count,
                     s.moved_sums.copy())
    assignment = np.asarray(assignment, dtype=np.int64)
    rows = np.flatnonzero(assignment != plan.assignment)
    if len(rows):
        state.move(plan, rows, plan.assignment[rows], assignment[rows])
    return state, len(rows)


def projected_summary(plan: Plan, assignment: np.ndarray) -> str:
    """"All 25 territories in band; 801 accounts moved." or which territory stays worst, for `assignment`."""
    state, moved = _projected_state(plan, assignment)
    act = plan.active_territories()
    moves = f"{moved:,} account{'s' if moved != 1 else ''} moved"
    if not len(act):
        return f"{moves}."
    settings = plan.settings
    shares = np.array([plan.territories[i].target_share for i in act], dtype=np.float64)
    groups = kpis.peer_groups(plan, act)
    out = np.zeros(len(act), dtype=bool)
    worst: tuple[float, int, str, float] | None = None  # (deviation, active position, measure, band)
    for m in settings.measures:
        if m.measure == ACCOUNTS:
            totals = state.counts[:-1].astype(np.float64)
        elif m.measure == WORKLOAD:
            totals = state.workload[:-1] / SCALE
        else:
            totals = state.sums[:-1, plan.measure_names.index(m.measure)] / SCALE
        dev = kpis.deviations(totals[act], shares, groups)
        status = kpis.band_status(dev, m.band, settings.near_fraction)
        is_out = status == kpis.OUT
        out |= is_out
        if is_out.any():
            i = int(np.argmax(np.where(is_out, np.abs(dev), -1.0)))
            if worst is None or abs(dev[i]) > abs(worst[0]):
                worst = (float(dev[i]), i, m.measure, m.band)
    cap = np.array([plan.territories[i].capacity_hours for i in act], dtype=np.float64)
    over = int(((cap > 0) & (state.workload[act] / SCALE > cap)).sum())
    parts = []
    n_out = int(out.sum())
    if n_out and worst is not None:
        worst_dev, i, measure, band = worst
        name = plan.territories[int(act[i])].name
        parts.append(f"{n_out} territor{'ies' if n_out != 1 else 'y'} out of band (worst: {name} "
                     f"{deviation_text(worst_dev, band, settings.near_fraction)} {measure})")
    if over:
        parts.append(f"{over} over capacity")
    if not parts:
        return f"All {len(act)} territories in band; {moves}."
    return "; ".join(parts) + f"; {moves}."
