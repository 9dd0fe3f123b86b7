"""The co-pilot's engine: a stream of ever better plans, the first within about a second.

`solve_stream` runs the vectorised greedy (heuristic.py) for up to ~0.8 s and yields its plan, lets it finish,
then hands over to CP-SAT: the whole problem when it is small (proved optimal where it can), otherwise
neighbourhoods around the worst imbalance (cpsat_lns.py). Carve mode (centres to choose) goes to pmedian.py.
Solutions are compared lexicographically: hard rules, then band violation, then cost (disruption+compactness).

Measured on the 2-core machine (shared with other jobs), generated plans with homes at random accounts, every
account assigned to its nearest home, all accounts movable, bands potential 15% / accounts 30% / workload 30%:
10k x 50: first solution at 0.80 s, already in band; 100k x 200: first solution at 0.85 s (start: 156
territories out of band), all 200 in band at 5.2 s (18.9k accounts moved), then LNS lowers the cost.
Uniform random homes make a harder 100k case (total violation 167% at the start): down to 14% in 10 s.
Exact small models: Pfizer 22 x 4 and 100 x 10 at [0.8, 1.2], min distance and min disruption proved optimal
in < 1 s and equal to the published values (benchmarks/solver_quality.py).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterator

import numpy as np

from territory_desktop.core.wording import agree, counted
from territory_desktop.solver.problem.contiguity import impossible_parts
from territory_desktop.solver.problem.snapshot import Evaluation, Problem, band_limits, evaluate, targets_for
from territory_desktop.solver.problem.solution import Solution, make_solution
from territory_desktop.solver.rebalance import cpsat_lns
from territory_desktop.solver.rebalance.heuristic import Greedy, _Scorer

FIRST_ANSWER_S = 0.8
EXACT_OPTIONS = 10_000   # whole problem in one CP-SAT model up to this many account x territory options
LNS_ROWS = 800
LNS_TERRITORIES = 3
LNS_SLICE_S = 1.0


def _key(e: Evaluation) -> tuple[int, float, float]:
    return (e.rule_breaks + (0 if e.budget_ok else 1), round(e.violation, 9), e.cost)


def _better(a: Evaluation, b: Evaluation) -> bool:
    ka, kb = _key(a), _key(b)
    if ka[:2] != kb[:2]:
        return ka[:2] < kb[:2]
    return ka[2] < kb[2] - 1e-9 * max(1.0, abs(kb[2]))


def solve_stream(problem: Problem, time_limit: float,
                 should_stop: Callable[[], bool] = lambda: False) -> Iterator[Solution]:
    """Yield improving solutions until the time limit, a proven optimum, or should_stop() says so."""
    t0 = time.monotonic()
    deadline = t0 + time_limit
    needs_centres = problem.mode == "carve" or not np.isfinite(problem.centres).all()
    if needs_centres and problem.contiguous and problem.adjacency is not None:
        from territory_desktop.solver.carve.contiguous import contiguous_stream
        yield from contiguous_stream(problem, time_limit, should_stop)
        return
    if needs_centres:
        from territory_desktop.solver.carve import pmedian
        yield from pmedian.carve_stream(problem, time_limit, should_stop)
        return
    if problem.contiguous and problem.adjacency is not None:  # map units: no move may cut a territory
        from territory_desktop.solver.rebalance.connected import connected_stream
        yield from connected_stream(problem, time_limit, should_stop)
        return
    g = Greedy(problem)
    a = problem.current.astype(np.int32).copy()
    g.run(a, min(t0 + FIRST_ANSWER_S, deadline), should_stop)
    best, best_e = make_solution(problem, a, t0, "heuristic")
    yield best
    while time.monotonic() < deadline and not should_stop():
        b = best.assignment.copy()
        g.run(b, min(time.monotonic() + 1.0, deadline), should_stop)
        sol, e = make_solution(problem, b, t0, "heuristic")
        if not _better(e, best_e):
            break
        best, best_e = sol, e
        yield best
    yield from _improve(problem, g, best, best_e, t0, deadline, should_stop)


def _improve(problem: Problem, g: Greedy, best: Solution, best_e: Evaluation, t0: float, deadline: float,
             should_stop: Callable[[], bool]) -> Iterator[Solution]:
    """CP-SAT: one exact model when small, else neighbourhoods around the worst imbalance."""
    p = problem
    rows = g.free_rows
    if not len(rows):
        return
    n_opts = len(rows) * int(p.active.sum())
    if n_opts <= EXACT_OPTIONS:
        g_all = Greedy(p, width=p.k)
        a = best.assignment
        options = [c[c >= 0] for c in g_all.cand]
        options = [np.unique(np.append(o, a[r])) if a[r] >= 0 else o for o, r in zip(options, rows, strict=True)]
        left = deadline - time.monotonic()
        if left <= 0.05 or should_stop():
            return
        res = cpsat_lns.solve_rows(p, a, rows, options, np.flatnonzero(p.active), left,
                                   should_stop=should_stop)
        if res.assignment is not None:
            b = a.copy()
            b[rows] = res.assignment
            sol, e = make_solution(p, b, t0, "optimal" if res.optimal else "improved", res.bound)
            if _better(e, best_e) or res.optimal:
                # the model's costs are rounded to integers: a bound can never exceed the plan it proves
                sol.bound = None if res.bound is None else min(res.bound, e.cost)
                yield sol
        return
    rng = np.random.default_rng(0)
    centres = p.centres
    act = np.flatnonzero(p.active & p.territory_open)
    cd = np.hypot(centres[act, None, 0] - centres[None, act, 0], centres[act, None, 1] - centres[None, act, 1])
    near = act[np.argsort(cd, axis=1)[:, :LNS_TERRITORIES]]
    tried: dict[int, int] = {}
    while time.monotonic() < deadline - 0.1 and not should_stop():
        a = best.assignment
        sc = _Scorer(p, best_e.totals, 0.0)
        fk = sc.f(best_e.totals, np.arange(p.k))[act]
        if best_e.violation > 0 and fk.max() > 0 and rng.random() < 0.8:
            pen = np.array([tried.get(int(t), 0) for t in act])
            seed_i = int(np.argmax(fk / (1.0 + pen)))
        else:
            seed_i = int(rng.integers(len(act)))
        tried[int(act[seed_i])] = tried.get(int(act[seed_i]), 0) + 1
        terrs = near[seed_i]
        sub_rows, options = cpsat_lns.neighbourhood(p, a, g.cand, rows, terrs, LNS_ROWS, rng)
        if not len(sub_rows):
            continue
        left = min(LNS_SLICE_S, deadline - time.monotonic())
        if left <= 0.05:
            break
        res = cpsat_lns.solve_rows(p, a, sub_rows, options, terrs, left, should_stop=should_stop)
        if res.assignment is None:
            continue
        b = a.copy()
        b[sub_rows] = res.assignment
        sol, e = make_solution(p, b, t0, "improved")
        if _better(e, best_e):
            best, best_e = sol, e
            yield best


BOUND_SHARE = 0.1
"""Share of a solve's time kept for proving a lower bound on the best plan (at most BOUND_MAX_S)."""
BOUND_MAX_S = 10.0
BOUND_MIN_S = 0.02
"""Less time than this left of the limit: no bound is tried (one Lagrangian step reads the whole cost table)."""


def solve(problem: Problem, time_limit: float, should_stop: Callable[[], bool] = lambda: False,
          prove_bound: bool = True) -> Solution:
    """The last (best) solution of the stream, its `elapsed` the wall time of the whole solve (not the moment
    the best plan appeared): for the CLI and benchmarks, where the time reported is the time it took.

    With `prove_bound`, the last tenth of the time (at most 10 s) goes to a Lagrangian lower bound when the
    best plan keeps every rule and the search proved none: `bound` is then the best cost any plan can reach,
    so the planner reads how far from the best possible the plan is (see `gap`)."""
    t0 = time.monotonic()
    prove_bound = prove_bound and _bound_applies(problem)  # p3038's 9M pairs: the whole time to the search
    reserve = min(BOUND_SHARE * time_limit, BOUND_MAX_S) if prove_bound else 0.0
    last = None
    for sol in solve_stream(problem, time_limit - reserve, should_stop):
        last = sol
    if last is None:
        raise RuntimeError("the solver produced no plan")
    left = time_limit - (time.monotonic() - t0)  # the bound is optional: never past the limit
    if prove_bound and last.status != "optimal" and last.feasible and last.in_band and not should_stop() \
            and left > BOUND_MIN_S:
        found = _prove_bound(problem, last, left)
        if found is not None:
            have = last.bound if last.bound is not None else -np.inf
            last = dataclasses.replace(last, bound=min(max(found, have), last.objective))
    return dataclasses.replace(last, elapsed=time.monotonic() - t0)


def _carve_like(problem: Problem) -> bool:
    return problem.mode == "carve" or not np.isfinite(problem.centres).all()


def _bound_applies(problem: Problem) -> bool:
    if _carve_like(problem):
        from territory_desktop.solver.carve.bound import carve_bound_applies
        return carve_bound_applies(problem)
    from territory_desktop.solver.rebalance.bound import rebalance_bound_applies
    return rebalance_bound_applies(problem)


def _prove_bound(problem: Problem, sol: Solution, time_limit: float) -> float | None:
    if _carve_like(problem):
        from territory_desktop.solver.carve.bound import carve_bound
        return carve_bound(problem, sol.objective, time_limit)
    from territory_desktop.solver.rebalance.bound import rebalance_bound
    return rebalance_bound(problem, sol.assignment, sol.objective, time_limit)


def gap(sol: Solution) -> float | None:
    """How far the plan's cost may be above the best possible, as a share of the cost (0.012 = 1.2%)."""
    if sol.bound is None or not (sol.feasible and sol.in_band) or sol.objective <= 0:
        return None
    return max(0.0, (sol.objective - sol.bound) / sol.objective)


def explain_infeasibility(problem: Problem, names: list[str]) -> list[str]:
    """Which hard rules keep the bands from holding, in a planner's words (empty: no conflict found)."""
    p = problem
    names = list(names) if names else [f"territory {i + 1}" for i in range(p.k)]
    msgs: list[str] = []
    cur = p.current.astype(np.int64)
    e = evaluate(p, cur)
    tgt = targets_for(p, e.totals)
    lo, hi = band_limits(p, tgt)
    free = p.free()
    ok = cur >= 0
    vals = p.values_in(np.arange(p.n), cur)
    stuck = np.zeros((p.k, p.m))
    stuck_n = np.bincount(cur[ok & ~free], minlength=p.k)
    np.add.at(stuck, cur[ok & ~free], vals[ok & ~free])
    fr = np.flatnonzero(free)
    for t in np.flatnonzero(p.active):
        reach = stuck[t].copy()
        if p.territory_open[t]:
            could = fr[p.allowed(fr, np.full(len(fr), t))]
            reach_add = p.values_in(could, np.full(len(could), t)).sum(axis=0)
        else:
            reach_add = np.zeros(p.m)
        for c in range(p.m):
            if tgt[t, c] <= 0:
                continue
            # "locked" alone misleads: an account holding open pipeline, or a named account, shows no lock
            why_locked = (f"{stuck_n[t]:,} of its accounts cannot move (locked, named or holding open pipeline)"
                          if p.territory_open[t]
                          else "the territory is locked")
            if np.isfinite(p.bands[c]) and stuck[t, c] > hi[t, c] + 1e-9:
                msgs.append(f"{names[t]} cannot get down to {p.bands[c]:+.0%} {p.measure_names[c]}: "
                            f"{why_locked} ({stuck[t, c] / tgt[t, c] - 1:+.0%} on their own).")
            elif np.isfinite(p.band_low[c]) and reach[c] + reach_add[c] < lo[t, c] - 1e-9:
                if p.territory_open[t]:
                    why = "even every account allowed to move there would not be enough"
                else:
                    why = "the territory is locked"
                msgs.append(f"{names[t]} cannot reach {-p.band_low[c]:+.0%} {p.measure_names[c]}: {why} "
                            f"(at most {(reach[c] + reach_add[c]) / tgt[t, c] - 1:+.0%}).")
        if p.capacity is not None and p.capacity_column is not None and p.capacity_hard:
            w = stuck[t, p.capacity_column]
            if w > p.capacity[t] + 1e-6:
                msgs.append(f"{names[t]} is over capacity with its locked accounts alone "
                            f"({w:,.0f} of {p.capacity[t]:,.0f} hours).")
    msgs += _capacity_in_total(p, cur, free)
    if len(fr):
        open_t = p.territory_open & p.active
        can = (p.eligible[fr] & open_t[None, :]).any(axis=1) if p.eligible is not None \
            else np.full(len(fr), bool(open_t.any()))
        if (~can).any():
            stranded = int((~can).sum())
            msgs.append(f"{counted(stranded, 'account')} {agree(stranded, 'has', 'have')} no territory "
                        f"{agree(stranded, 'it is', 'they are')} eligible for "
                        "(check the eligibility rules or unlock a territory).")
    if p.contiguous and p.adjacency is not None:
        msgs += _contiguity_conflicts(p)
    if not msgs:
        msgs += _budget_hint(p)
    return msgs


def _capacity_in_total(p: Problem, cur: np.ndarray, free: np.ndarray) -> list[str]:
    """More work than every active territory's capacity together: a proof, whatever the assignment. Each
    account counts at its least workload (no travel), and only accounts that must end in an active territory."""
    if p.capacity is None or p.capacity_column is None or not p.capacity_hard or p.site_capacity is not None:
        return []
    c = p.capacity_column
    rows = np.flatnonzero(free | ((cur >= 0) & p.active[np.clip(cur, 0, None)]))
    least = p.measures[rows, c].astype(np.float64)
    if c == p.workload_column and p.work_base is not None:
        least = p.work_base[rows].astype(np.float64)
    need, room = float(least.sum()), float(p.capacity[p.active].sum())
    if not need > room * (1 + 1e-9) + 1e-6:
        return []
    unit = " hours" if c == p.workload_column else ""
    return [f"The work to cover ({need:,.0f}{unit}) is more than the capacity of every territory together "
            f"({room:,.0f}{unit}): raise capacities or add a territory."]


def _budget_hint(p: Problem) -> list[str]:
    """The one line that is a hint, not a proof: no rule conflicts, yet a change budget bounded the search.

    It starts with the words the CLI (`solve_commands.SPECULATIVE`) and the co-pilot dock
    (`copilot.messages.BUDGET_HINT`) recognise it by: this module sits below both and cannot import theirs.
    A carve applies no budget (`Problem.move_limit`), so it never gets the hint."""
    limit, share = p.move_limit(), p.moved_share_limit()
    if limit is not None:
        what = f"at most {limit:,} accounts may sit away from their baseline owner"
    elif share is not None:
        col = p.budget_column
        measure = p.measure_names[col] if col is not None else "accounts"
        what = f"at most {p.max_moved_share:.0%} of the {measure} may move away from its baseline owner"
    else:
        return []
    return [f"The change budget may be too small to bring every territory into band: no rule conflict was "
            f"found, but {what}."]


def _contiguity_conflicts(p: Problem) -> list[str]:
    """Proofs that no plan of connected territories keeps the bands (each balanced measure, target = mean)."""
    k = int(p.active.sum())
    out = []
    for c in range(p.m):
        if not (np.isfinite(p.bands[c]) or np.isfinite(p.band_low[c])) or k == 0:
            continue
        vals = p.measures[:, c]
        tgt = float(vals.sum()) / k
        lo = tgt * (1 - p.band_low[c]) if np.isfinite(p.band_low[c]) else -np.inf
        hi = tgt * (1 + p.bands[c]) if np.isfinite(p.bands[c]) else np.inf
        band = (f"±{p.bands[c]:.1%}" if p.bands[c] == p.band_low[c]
                else f"{-p.band_low[c]:+.1%}/{p.bands[c]:+.1%}").replace(".0%", "%")
        head = f"The map cannot be split into {k} connected territories within {band} {p.measure_names[c]}"
        big = np.flatnonzero(vals > hi + 1e-9)
        if len(big):
            out.append(f"{head}: one unit alone holds {vals[big[0]]:,.0f}, more than a territory may "
                       f"({hi:,.0f}).")
            continue
        why = impossible_parts(p.adjacency, vals, k, lo, hi)
        if why:
            out.append(f"{head}: {why}.")
    return out
