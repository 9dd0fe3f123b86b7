"""The two exact capacitated p-median models the carve uses: a MIP for SCIP and the same model for CP-SAT.

Both take a distance table whose rows are also the candidate centres, demands, per-site capacities and balance
bands, and return (centres, assignment as centre positions, objective, bound or None, optimal).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from ortools.linear_solver import pywraplp

from territory_desktop.solver.stoppable import run_stoppable

EXACT_N = 150
"""Up to this many points every point may serve every other; beyond, each point sees its nearest sites only."""


def mip_arrays(dist: np.ndarray, demand: np.ndarray, cap: np.ndarray, k: int,
               bands: list[tuple[np.ndarray, float, float]], time_limit: float,
               hint: tuple[np.ndarray, np.ndarray] | None, width: int | None = None,
               should_stop: Callable[[], bool] | None = None,
               ) -> tuple[np.ndarray, np.ndarray, float, float | None, bool] | None:
    """Capacitated p-median MIP (SCIP) over a distance table: sites are the rows themselves."""
    n = len(dist)
    if width is None:
        width = n if n <= EXACT_N else int(min(n, max(25, 6 * n // k)))
    near = np.argsort(dist, axis=1)[:, :width]
    if hint is not None:  # keep the hinted assignment representable
        hc, ha = hint
        near = np.column_stack([near, hc[ha]])
    solver = pywraplp.Solver.CreateSolver("SCIP")
    if solver is None:
        return None
    y = [solver.BoolVar(f"y{j}") for j in range(n)]
    x: dict[tuple[int, int], pywraplp.Variable] = {}
    cols: list[list[tuple[int, pywraplp.Variable]]] = [[] for _ in range(n)]
    obj = solver.Objective()
    for i in range(n):
        row = []
        for j in np.unique(near[i]):
            v = solver.BoolVar("")
            x[i, int(j)] = v
            row.append(v)
            cols[int(j)].append((i, v))
            obj.SetCoefficient(v, float(dist[i, j]))
            solver.Add(v <= y[int(j)])
        solver.Add(solver.Sum(row) == 1)
    solver.Add(solver.Sum(y) == k)
    for j in range(n):
        if not cols[j]:
            solver.Add(y[j] == 0)
            continue
        if np.isfinite(cap[j]):
            solver.Add(solver.Sum([float(demand[i]) * v for i, v in cols[j]]) <= float(cap[j]) * y[j])
        for vals, lo, hi in bands:
            s = solver.Sum([float(vals[i]) * v for i, v in cols[j]])
            if np.isfinite(hi):
                solver.Add(s <= hi * y[j])
            if np.isfinite(lo):
                solver.Add(s >= lo * y[j])
    obj.SetMinimization()
    if hint is not None:
        hc, ha = hint
        hv = [y[int(j)] for j in hc] + [x[i, int(hc[ha[i]])] for i in range(n)]
        solver.SetHint(hv, [1.0] * len(hv))
    solver.SetTimeLimit(int(max(time_limit, 0.05) * 1000))
    status = run_stoppable(solver.Solve, solver.InterruptSolve, should_stop)
    if status not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        return None
    centres = np.array([j for j in range(n) if y[j].solution_value() > 0.5])
    pos = {int(c): t for t, c in enumerate(centres)}
    assign = np.zeros(n, dtype=np.int64)
    for (i, j), v in x.items():
        if v.solution_value() > 0.5:
            assign[i] = pos.get(j, 0)
    bound = obj.BestBound() if width >= n else None
    return centres, assign, obj.Value(), bound, status == pywraplp.Solver.OPTIMAL


def cpsat_arrays(dist: np.ndarray, demand: np.ndarray, cap: np.ndarray, k: int,
                 bands: list[tuple[np.ndarray, float, float]], time_limit: float,
                 hint: tuple[np.ndarray, np.ndarray] | None, width: int | None = None,
                 should_stop: Callable[[], bool] | None = None,
                 ) -> tuple[np.ndarray, np.ndarray, float, float | None, bool] | None:
    """The same model in CP-SAT (one worker), for small regions: SCIP sometimes spends its whole limit on a
    20-point region, CP-SAT proves those in ~0.1 s (measured on p3038: 160 vs 57 regions in 20 s)."""
    from ortools.sat.python import cp_model
    n = len(dist)
    exact = np.allclose(dist, np.rint(dist))
    scale = 1.0 if exact and dist.sum() < 1e12 else 1e7 / max(float(dist.sum()), 1e-12)
    idist = np.rint(dist * scale).astype(np.int64)
    m = cp_model.CpModel()
    y = [m.new_bool_var("") for _ in range(n)]
    x = [[m.new_bool_var("") for _ in range(n)] for _ in range(n)]
    for i in range(n):
        m.add_exactly_one(x[i])
        for j in range(n):
            m.add_implication(x[i][j], y[j])
    m.add(sum(y) == k)
    for j in range(n):
        col = [x[i][j] for i in range(n)]
        if np.isfinite(cap[j]):
            dscale = 1.0 if np.allclose(demand, np.rint(demand)) else 1e6 / max(float(np.abs(demand).sum()), 1e-12)
            m.add(cp_model.LinearExpr.weighted_sum(col, [int(v) for v in np.rint(demand * dscale)])
                  <= int(np.floor(cap[j] * dscale + 1e-6)) * y[j])
        for vals, lo, hi in bands:
            vs = 1.0 if np.allclose(vals, np.rint(vals)) else 1e6 / max(float(np.abs(vals).sum()), 1e-12)
            expr = cp_model.LinearExpr.weighted_sum(col, [int(v) for v in np.rint(vals * vs)])
            if np.isfinite(hi):
                m.add(expr <= int(np.floor(hi * vs + 1e-6)) * y[j])
            if np.isfinite(lo):
                m.add(expr >= int(np.ceil(lo * vs - 1e-6)) * y[j])
    m.minimize(cp_model.LinearExpr.weighted_sum([v for row in x for v in row], [int(v) for v in idist.ravel()]))
    if hint is not None:
        hc, ha = hint
        on = {int(c) for c in hc}
        for j in range(n):
            m.add_hint(y[j], j in on)
        for i in range(n):
            for j in range(n):
                m.add_hint(x[i][j], j == int(hc[ha[i]]))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(time_limit, 0.05)
    solver.parameters.num_workers = 1
    st = run_stoppable(lambda: solver.solve(m), solver.stop_search, should_stop)
    if st not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    centres = np.array([j for j in range(n) if solver.boolean_value(y[j])])
    pos = {int(c): t for t, c in enumerate(centres)}
    assign = np.array([pos[next(j for j in range(n) if solver.boolean_value(x[i][j]))] for i in range(n)])
    value = float(dist[np.arange(n), centres[assign]].sum())
    return centres, assign, value, None, st == cp_model.OPTIMAL
