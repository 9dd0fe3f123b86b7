"""A plan as the solver sees it: `problem_from_plan` snapshots a Plan into a `Problem` (balanced measures,
peer groups, rules, compactness weighted against the plan's mean distance), and `plan_adjacency` caches its map
of neighbours as the solver's graph. Split from snapshot.py, which holds the Problem and its scoring."""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING

import numpy as np

from territory_desktop.core.kpis import peer_groups
from territory_desktop.core.settings import ACCOUNTS, WORKLOAD
from territory_desktop.core.workload import SCALE
from territory_desktop.solver.problem.contiguity import Adjacency
from territory_desktop.solver.problem.eligibility import peer_eligibility, rule_eligibility
from territory_desktop.solver.problem.snapshot import Problem, project

if TYPE_CHECKING:
    from territory_desktop.core.plan import Plan


def problem_from_plan(plan: Plan, *, mode: str = "rebalance", max_moves: int | None = None,
                      max_moved_share: float | None = None, disruption_weight: float = 1.0,
                      disruption_by: str = "accounts", compactness_weight: float = 0.1, q: int = 2,
                      eligibility: dict[str, set[str]] | None = None,
                      allow_pipeline_moves: bool | None = None) -> Problem:
    """Snapshot a plan: balanced measures from its settings, locks, closed territories and the pipeline rule.

    compactness_weight is relative: 0.1 means an account at the plan's mean distance costs a tenth of a move,
    so the solver prefers boundary accounts without reshuffling a balanced plan for tidiness alone. Distance
    counts squared (q=2, divided by the mean distance squared): an account at three times the mean costs
    0.9 of a move, at six times 3.6, so a territory that must grow takes its neighbours' accounts rather than
    one across the country (linear, a 3,000 km move cost less than two short ones: measured on a nationwide
    export, p95 rep-to-account distance 2,749 -> 1,680 km for 17 moves instead of 13).
    eligibility maps a segment to the rep roles allowed to own it (segments not named go anywhere); without
    it the plan's own rules apply (settings.eligibility), where a territory without a role takes any segment,
    as a hand move does. Rules are combined with the peer groups (an account stays among its role's reps).
    """
    s = plan.settings
    n, k = plan.n_accounts, plan.n_territories
    lat, lon = plan.lat, plan.lon
    finite = np.isfinite(lat) & np.isfinite(lon)
    lat0 = float(np.mean(lat[finite])) if finite.any() else 0.0
    lon0 = float(np.mean(lon[finite])) if finite.any() else 0.0
    x, y = project(lat, lon, lat0, lon0)
    home = np.array([[t.home_lat, t.home_lon] for t in plan.territories], dtype=np.float64).reshape(k, 2)
    cx, cy = project(home[:, 0], home[:, 1], lat0, lon0)
    centres = np.column_stack([cx, cy])
    cur = plan.assignment.astype(np.int32)
    if mode == "rebalance":
        for t in range(k):  # no home: the centre of its accounts stands in for compactness and nearness
            if not np.isfinite(centres[t]).all():
                r = np.flatnonzero((cur == t) & finite)
                centres[t] = (x[r].mean(), y[r].mean()) if len(r) else (0.0, 0.0)
    # measures
    cols: list[np.ndarray] = []
    names: list[str] = []
    bands: list[float] = []
    weights: list[float] = []
    work_col: int | None = None
    for bm in s.measures:
        if bm.measure == ACCOUNTS:
            cols.append(np.ones(n))
        elif bm.measure == WORKLOAD:
            work_col = len(cols)
            cols.append(plan.workload_of(np.arange(n), cur) / SCALE)
        elif bm.measure in plan.measure_names:
            cols.append(plan.measure_values[:, plan.measure_names.index(bm.measure)] / SCALE)
        else:
            raise ValueError(f"balanced measure {bm.measure!r} is not a column of this plan")
        names.append(bm.measure)
        bands.append(bm.band)
        weights.append(bm.weight)
    cap = np.array([t.capacity_hours for t in plan.territories], dtype=np.float64)
    has_cap = bool((cap > 0).any())
    if has_cap:
        cap = np.where(cap > 0, cap, np.inf)
    if work_col is None and has_cap:
        work_col = len(cols)
        cols.append(plan.workload_of(np.arange(n), cur) / SCALE)
        names.append(WORKLOAD)
        bands.append(np.inf)
        weights.append(0.0)
    pot_col = None
    for extra in ("potential", "pipeline"):
        if extra not in names:
            cols.append(plan.measure_values[:, plan.measure_names.index(extra)] / SCALE)
            names.append(extra)
            bands.append(np.inf)
            weights.append(0.0)
    pot_col = names.index("potential")
    pipe = plan.measure_values[:, plan.measure_names.index("pipeline")] / SCALE
    measures = np.column_stack(cols) if cols else np.zeros((n, 0))
    # rules
    removed = np.array([t.removed for t in plan.territories], dtype=bool)
    locked_t = np.array([t.locked for t in plan.territories], dtype=bool)
    allow_pipe = s.allow_pipeline_moves if allow_pipeline_moves is None else allow_pipeline_moves
    movable = ~plan.locked & ~plan.named
    if not allow_pipe:
        movable &= ~(pipe > s.pipeline_lock_threshold) | (cur < 0)  # the deal keeps its owner; none: give one
    groups = peer_groups(plan, np.arange(k))
    eligible = peer_eligibility(plan, groups) if len(np.unique(groups)) > 1 else None
    rule = (rule_eligibility(plan, eligibility, roleless_take_any=False) if eligibility is not None
            else rule_eligibility(plan, dict(s.eligibility), roleless_take_any=True))
    if rule is not None:
        if eligible is None:
            eligible = rule
        else:  # both; an account the planner left with a forbidden rep may still go to an allowed one
            both = eligible & rule
            stranded = ~both.any(axis=1)
            both[stranded] = rule[stranded]
            eligible = both
    shares = np.array([t.target_share for t in plan.territories], dtype=np.float64)
    problem = Problem(
        version=plan.version, x=x, y=y, measures=measures, measure_names=tuple(names),
        bands=np.array(bands, dtype=np.float64), weights=np.array(weights, dtype=np.float64),
        shares=shares, centres=centres, capacity=cap if has_cap else None, current=cur,
        baseline=plan.baseline.astype(np.int32), movable=movable, eligible=eligible,
        territory_open=~removed & ~locked_t, active=~removed, disruption_weight=disruption_weight,
        compactness_weight=0.0, q=q, max_moves=max_moves, max_moved_share=max_moved_share,
        workload_column=work_col, capacity_column=work_col if has_cap else None,
        capacity_hard=s.capacity_hard, disruption_column=pot_col if disruption_by == "potential" else None,
        budget_column=pot_col, lat=lat, lon=lon,
        centre_latlon=home, mode=mode, names=tuple(t.name for t in plan.territories), groups=groups,
    )
    if work_col is not None:
        problem.work_base = plan.base_hours.astype(np.float64)
        problem.work_rate = 2.0 * s.workload.circuity * plan.visits / max(s.workload.speed_kmh, 1e-9)
        problem.work_cap = plan.visits * s.workload.max_trip_hours
    if compactness_weight > 0:
        ok = cur >= 0
        d = problem.dist(np.flatnonzero(ok), cur[ok])
        mean = float(d.mean()) ** q if len(d) and d.mean() > 0 else 1.0
        unit = problem.disruption_values().mean() if disruption_by == "potential" else 1.0
        problem.compactness_weight = compactness_weight * disruption_weight * float(unit) / mean
    if plan.adjacency is not None:  # accounts that are map units: the plan's own adjacency and its rule
        problem.adjacency = plan_adjacency(plan)
        problem.contiguous = bool(s.keep_connected)
    return problem


_GRAPHS: weakref.WeakKeyDictionary[Plan, tuple[object, object, Adjacency]] = weakref.WeakKeyDictionary()
"""Each plan's graph, kept while its adjacency and accounts are the same objects: the dock asks on every edit."""


def plan_adjacency(plan: Plan) -> Adjacency | None:
    """The plan's adjacency as the solver's graph over account rows (pairs naming departed accounts skipped)."""
    if plan.adjacency is None:
        return None
    got = _GRAPHS.get(plan)
    if got is not None and got[0] is plan.adjacency and got[1] is plan.ids:
        return got[2]
    graph = Adjacency.from_pairs(plan.n_accounts, plan.adjacency.row_pairs(plan))
    _GRAPHS[plan] = (plan.adjacency, plan.ids, graph)
    return graph
