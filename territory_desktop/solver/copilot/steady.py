"""A headless solve that does not churn: the solver's plan filtered the way the co-pilot filters its suggestions.

The solver always finds *some* plan a little cheaper than today's; re-running `territory-desktop solve` on a
solved plan used to re-move a few hundred of 5,000 accounts between books already in band, for a gain nobody
sees. Here the solver's plan passes through `make_suggestions` with the plan's `copilot_min_gain` (no change
budget: `solve` has its own --max-moves): a move is made only when it brings a territory into its band or
within capacity, or when it improves the balance by more than the threshold per account moved. If the filtered
plan would leave more territories out of band or over capacity than the solver's plan, the solver's plan is
taken whole: the filter may save disruption, never balance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from territory_desktop.core import kpis
from territory_desktop.core.kpi_state import KpiState
from territory_desktop.core.plan import Plan
from territory_desktop.core.settings import ACCOUNTS, WORKLOAD
from territory_desktop.core.workload import SCALE
from territory_desktop.solver.copilot.suggestions import make_suggestions


@dataclass(frozen=True)
class SteadyPlan:
    """The assignment to save, and how it came about."""

    assignment: np.ndarray
    filtered: bool
    """True when the solver's plan was filtered (False: taken whole, the filter would have cost balance)."""
    held_back: int
    """Accounts the solver would have moved that stay where they are."""
    troubled: int
    """Territories out of band or over capacity with `assignment`."""


def steady_plan(plan: Plan, solution: np.ndarray, min_gain: float | None = None) -> SteadyPlan:
    """The solver's plan without the moves that do not earn their disruption (see the module docstring)."""
    solution = np.asarray(solution, dtype=np.int32)
    kept = plan.assignment.astype(np.int32).copy()
    for s in make_suggestions(plan, solution, plan.version, min_gain=min_gain, budget=0.0):
        kept[s.rows] = s.to_territory
    full_moves = int((solution != plan.assignment).sum())
    full_bad, kept_bad = troubled_territories(plan, solution), troubled_territories(plan, kept)
    if kept_bad > full_bad:
        return SteadyPlan(solution.copy(), False, 0, full_bad)
    return SteadyPlan(kept, True, full_moves - int((kept != plan.assignment).sum()), kept_bad)


def troubled_territories(plan: Plan, assignment: np.ndarray) -> int:
    """How many active territories would be out of band (any balanced measure) or over capacity with
    `assignment`, by the core's arithmetic: the running totals copied and only the differing rows moved."""
    s = plan.kpis
    state = KpiState(s.counts.copy(), s.sums.copy(), s.workload.copy(), s.seg_counts.copy(), s.moved_count,
                     s.moved_sums.copy())
    a = np.asarray(assignment, dtype=np.int64)
    rows = np.flatnonzero(a != plan.assignment)
    if len(rows):
        state.move(plan, rows, plan.assignment[rows], a[rows])
    act = plan.active_territories()
    if not len(act):
        return 0
    settings = plan.settings
    shares = np.array([plan.territories[i].target_share for i in act], dtype=np.float64)
    groups = kpis.peer_groups(plan, act)
    bad = np.zeros(len(act), dtype=bool)
    for m in settings.measures:
        if m.measure == ACCOUNTS:
            totals = state.counts[:-1].astype(np.float64)
        elif m.measure == WORKLOAD:
            totals = state.workload[:-1] / SCALE
        else:
            totals = state.sums[:-1, plan.measure_names.index(m.measure)] / SCALE
        dev = kpis.deviations(totals[act], shares, groups)
        bad |= kpis.band_status(dev, m.band, settings.near_fraction) == kpis.OUT
    cap = np.array([plan.territories[i].capacity_hours for i in act], dtype=np.float64)
    bad |= (cap > 0) & (state.workload[act] / SCALE > cap)
    return int(bad.sum())
