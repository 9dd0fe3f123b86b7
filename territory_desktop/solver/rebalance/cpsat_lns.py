"""CP-SAT on sub-problems: re-assign the free accounts of a few neighbouring territories optimally.

Why sub-problems (large-neighbourhood search) rather than one model: measured on this 2-core machine, a plain
CP-SAT model with a Boolean per account x territory found no feasible plan for 2,000 x 20 in 10 s, and building
the model alone took ~8 s at 100k accounts. Measured here on neighbourhoods (10k x 50 plan, after the greedy
had it in band): 7 territories / 3,000 accounts -> CP-SAT returned only its hint within 1 s, every time;
3 territories / <= 800 accounts (boundary accounts first) -> proved optimal in 0.3-1.0 s, and the engine's
sweep lowered the cost 4,118 -> 4,042 in 7 s with every territory still in band. A small whole problem (up to
~40k account x territory options, e.g. Pfizer 22 x 4 and 100 x 10) is solved to proven optimality the same way
with every territory in the "neighbourhood".

The model: x[i,j] Boolean for account i and allowed territory j; exactly one per account; for each territory and
balanced measure the total (fixed part + chosen accounts) lies within its band, with a non-negative slack whose
penalty outweighs any cost (soft bands: a plan as close to balance as the rules allow is still returned);
workload within capacity the same way; the change budget as one linear constraint; cost = disruption +
compactness, scaled to integers. Workload depends on the serving territory, so the plan's mean workload moves
with the neighbourhood: its total change is bounded by the room the territories outside it have in their bands.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from territory_desktop.solver.problem.snapshot import Problem, band_limits, targets_for
from territory_desktop.solver.stoppable import run_stoppable


@dataclass
class SubResult:
    """What a CP-SAT solve of a neighbourhood returned."""

    assignment: np.ndarray | None   # new territory for each row of the sub-problem (None: nothing found)
    optimal: bool
    bound: float | None             # lower bound of the sub-problem's cost (scaled back), when proven
    status: str


def _scale_for(values: np.ndarray, total: float, top: float) -> tuple[float, bool]:
    """Integer scale of a measure and whether it is exact (decimals with few digits), else ~1e9 per target."""
    for d in range(0, 5):
        f = 10.0 ** d
        v = values * f
        if np.all(np.abs(v - np.rint(v)) < 1e-6) and total * f < 1e12:
            return f, True
    return 1e9 / max(top, 1e-12), False


def solve_rows(problem: Problem, assignment: np.ndarray, rows: np.ndarray, options: list[np.ndarray],
               terrs: np.ndarray, time_limit: float, workers: int = 2,
               centres: np.ndarray | None = None,
               should_stop: Callable[[], bool] | None = None) -> SubResult:
    """Optimally re-assign `rows` (options[i] = allowed territories of row i) given everyone else fixed.

    `terrs` are the territories whose totals may change (the neighbourhood); band and capacity rows are written
    for them only. The current assignment is the hint, so the answer is never worse than the start.
    """
    p = problem
    a = assignment.astype(np.int64)
    k = p.k
    in_r = np.zeros(p.n, dtype=bool)
    in_r[rows] = True
    fixed = np.zeros((k, p.m))
    keep = (~in_r) & (a >= 0)
    np.add.at(fixed, a[keep], p.values_in(np.flatnonzero(keep), a[keep]))
    full = fixed.copy()
    cur_r = a[rows]
    okr = cur_r >= 0
    np.add.at(full, cur_r[okr], p.values_in(rows[okr], cur_r[okr]))
    tgt = targets_for(p, full)
    lo, hi = band_limits(p, tgt)
    # flatten options
    opt_rows = np.concatenate([np.full(len(o), i) for i, o in enumerate(options)]) if options else np.zeros(0, int)
    opt_terr = np.concatenate(options).astype(np.int64) if options else np.zeros(0, int)
    gr = rows[opt_rows]
    vals = p.values_in(gr, opt_terr)
    d = p.dist(gr, opt_terr, centres) ** p.q
    cost = (p.compactness_weight * p.cost_weight()[gr] * d
            + p.disruption_weight * p.disruption_values()[gr] * (opt_terr != p.baseline[gr]))
    max_row_cost = np.zeros(len(rows))
    np.maximum.at(max_row_cost, opt_rows, cost)
    span = float(max_row_cost.sum())
    cscale = 1e6 / max(span, 1e-12)  # keeps big x penalty x slack inside int64
    icost = np.rint(cost * cscale).astype(np.int64)
    big = int(np.rint(span * cscale)) + 1

    m = cp_model.CpModel()
    x = [m.new_bool_var(f"x{j}") for j in range(len(opt_rows))]
    starts = np.searchsorted(opt_rows, np.arange(len(rows) + 1))
    for i in range(len(rows)):
        m.add_exactly_one(x[starts[i]:starts[i + 1]])
        for j in range(starts[i], starts[i + 1]):
            if opt_terr[j] == cur_r[i]:
                m.add_hint(x[j], 1)
            else:
                m.add_hint(x[j], 0)
    penalty_terms = []
    cols = [c for c in range(p.m) if (np.isfinite(p.bands[c]) or np.isfinite(p.band_low[c]))]
    cap_col = p.capacity_column if p.capacity is not None else None
    if cap_col is not None and cap_col not in cols:
        cols.append(cap_col)
    for c in cols:
        scale, exact = _scale_for(np.concatenate([vals[:, c], fixed[:, c]]), float(np.abs(full[:, c]).sum()),
                                  float(np.abs(tgt[:, c]).max()))
        iv = np.rint(vals[:, c] * scale).astype(np.int64)
        shift = 0.0
        if c == p.workload_column and p.work_base is not None:
            shift = _hold_the_mean(p, m, x, iv, cur_r, opt_rows, opt_terr, full, lo, hi, terrs, c, scale)
        for t in terrs:
            t = int(t)
            sel = np.flatnonzero(opt_terr == t)
            expr = cp_model.LinearExpr.weighted_sum([x[j] for j in sel], [int(iv[j]) for j in sel])
            base = int(np.rint(fixed[t, c] * scale))
            # rounding can never push the true total out of band: keep a margin of the worst case
            margin = (0 if exact else (len(sel) + 1) // 2 + 1) + int(math.ceil(shift * p.shares[t] * 1.5))
            w = max(p.weights[c], 0.05)
            limits = []
            if np.isfinite(hi[t, c]) and np.isfinite(p.bands[c]):
                limits.append((1, math.floor(hi[t, c] * scale + 1e-6) - margin, tgt[t, c] * scale, w))
            if c == cap_col and np.isfinite(p.capacity[t]):
                limits.append((1, math.floor(p.capacity[t] * scale + 1e-6) - margin, p.capacity[t] * scale, 4.0))
            if np.isfinite(lo[t, c]) and np.isfinite(p.band_low[c]):
                limits.append((-1, math.ceil(lo[t, c] * scale - 1e-6) + margin, tgt[t, c] * scale, w))
            top = base + int(iv[sel].clip(min=0).sum()) + 1
            for sign, bound_, ref, wt in limits:
                unit = max(1, int(ref // 1e5))  # slack counts 1e-5 of the target: small objective numbers
                s = m.new_int_var(0, top // unit + 2 + abs(int(bound_)) // unit, "slack")
                if sign > 0:
                    m.add(base + expr - unit * s <= bound_)
                else:
                    m.add(base + expr + unit * s >= bound_)
                penalty_terms.append((s, min(100, max(1, int(round(10 * wt))))))
    # change budget over the whole plan
    moved_out = p.counted_moves(a)
    moved_out[rows] = False
    counts = (opt_terr != p.baseline[gr]) & (p.baseline[gr] >= 0)  # options that use the budget
    lim = p.move_limit()
    if lim is not None:
        mv = [x[j] for j in range(len(opt_rows)) if counts[j]]
        m.add(sum(mv) <= max(lim - int(moved_out.sum()), 0))
    wlim = p.moved_share_limit()
    if wlim is not None:
        bv = p.budget_values()
        scale, _ = _scale_for(bv, float(bv.sum()), float(bv.sum()))
        mv = [(int(np.rint(bv[gr[j]] * scale)), x[j]) for j in range(len(opt_rows)) if counts[j]]
        used = float(bv[moved_out].sum())
        m.add(sum(c * v for c, v in mv) <= int(math.floor((wlim - used) * scale + 1e-6)))
    pen = sum(wt * s for s, wt in penalty_terms) if penalty_terms else 0
    m.minimize(big * pen + sum(int(icost[j]) * x[j] for j in range(len(opt_rows)) if icost[j]))

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(time_limit, 0.05)
    solver.parameters.num_workers = max(1, min(workers, 2))
    status = run_stoppable(lambda: solver.solve(m), solver.stop_search, should_stop)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return SubResult(None, False, None, solver.status_name(status))
    out = cur_r.copy()
    for j in range(len(opt_rows)):
        if solver.boolean_value(x[j]):
            out[opt_rows[j]] = opt_terr[j]
    optimal = status == cp_model.OPTIMAL
    bound = None
    if optimal and all(solver.value(s) == 0 for s, _ in penalty_terms):
        bound = float(solver.objective_value) / cscale
    return SubResult(out.astype(np.int32), optimal, bound, solver.status_name(status))


def _hold_the_mean(p: Problem, m: cp_model.CpModel, x: list, iv: np.ndarray, cur_r: np.ndarray,
                   opt_rows: np.ndarray, opt_terr: np.ndarray, full: np.ndarray, lo: np.ndarray, hi: np.ndarray,
                   terrs: np.ndarray, c: int, scale: float) -> float:
    """Workload depends on who serves an account, so a neighbourhood can move the plan's mean workload and
    push territories outside it out of band. Bound the change of the total by the room those territories have;
    return the largest shift of a (share 1) target it allows, in scaled units, for the inside margins."""
    act = np.flatnonzero(p.active)
    outside = np.setdiff1d(act, terrs)
    ssum = float(p.shares[act].sum())
    if not len(outside) or ssum <= 0:
        return 0.0
    b_hi = p.bands[c] if np.isfinite(p.bands[c]) else np.inf
    b_lo = p.band_low[c] if np.isfinite(p.band_low[c]) else np.inf
    share = p.shares[outside] / ssum
    room_up = np.maximum(hi[outside, c] - full[outside, c], 0.0)     # mean may fall this far
    room_dn = np.maximum(full[outside, c] - lo[outside, c], 0.0)     # mean may rise this far
    dn = float(np.min(room_up / (share * (1 + b_hi)))) if np.isfinite(b_hi) else np.inf
    up = float(np.min(room_dn / (share * (1 - b_lo)))) if np.isfinite(b_lo) else np.inf
    if not (np.isfinite(dn) or np.isfinite(up)):
        return 0.0
    now = sum(int(iv[j]) for j in range(len(opt_rows)) if opt_terr[j] == cur_r[opt_rows[j]])
    change = cp_model.LinearExpr.weighted_sum(x, [int(v) for v in iv]) - now
    if np.isfinite(dn):
        m.add(change >= -math.floor(dn * scale))
    if np.isfinite(up):
        m.add(change <= math.floor(up * scale))
    worst = min(dn if np.isfinite(dn) else up, up if np.isfinite(up) else dn)
    return worst * scale / ssum


def neighbourhood(problem: Problem, assignment: np.ndarray, cand: np.ndarray, free_rows: np.ndarray,
                  terrs: np.ndarray, max_rows: int = 4000,
                  rng: np.random.Generator | None = None) -> tuple[np.ndarray, list[np.ndarray]]:
    """Free accounts inside `terrs` that could go to another territory of `terrs`, with their options."""
    inset = np.zeros(problem.k + 1, dtype=bool)
    inset[terrs] = True
    a = assignment[free_rows]
    here = inset[np.where(a >= 0, a, problem.k)]
    c_in = inset[np.where(cand >= 0, cand, problem.k)] & (cand >= 0)
    pick = np.flatnonzero(here & (c_in & (cand != a[:, None])).any(axis=1))
    if len(pick) > max_rows:
        rng = rng or np.random.default_rng(0)
        # boundary accounts first: those whose own territory is not their nearest option
        boundary = cand[pick, 0] != a[pick]
        order = np.concatenate([rng.permutation(pick[boundary]), rng.permutation(pick[~boundary])])
        pick = np.sort(order[:max_rows])
    rows = free_rows[pick]
    options = []
    for i, r in zip(pick, rows, strict=True):
        o = cand[i][c_in[i]]
        cur = assignment[r]
        if cur not in o:
            o = np.append(o, cur)
        options.append(np.unique(o))
    return rows, options
