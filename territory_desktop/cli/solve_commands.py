"""`solve` and `solve-points`: the co-pilot's solver, headless, for scripting and benchmarks."""

from __future__ import annotations

import argparse
import json
import math
import time
from pathlib import Path

import numpy as np

from territory_desktop.cli.errors import CliError
from territory_desktop.cli.loading import check_input, check_outputs
from territory_desktop.core import kpis

CARVE_LIMIT = 5000
"""Carve mode builds an account x account distance table: beyond this many accounts it would not fit."""


def register(sub: argparse._SubParsersAction) -> None:
    """Add the solver commands to the CLI."""
    p = sub.add_parser("solve", help="rebalance (or re-carve) a plan with the solver and save the result",
                       description="Run the co-pilot's solver on a project and save the improved plan. "
                                   "Locked and named accounts, locked territories and open pipeline stay put.")
    p.add_argument("plan", help=".territory project")
    p.add_argument("-o", "--output", required=True, help="the .territory file to write")
    p.add_argument("--mode", choices=("rebalance", "carve"), default="rebalance")
    p.add_argument("--time-limit", type=float, default=10.0, metavar="S", help="seconds (default 10)")
    p.add_argument("--max-moves", type=int, metavar="N", help="at most N accounts away from their baseline owner")
    p.add_argument("--max-moved-share", type=float, metavar="X",
                   help="at most this share of potential away from its baseline owner (0.05 = 5%%)")
    p.add_argument("--every-move", action="store_true",
                   help="take the solver's plan whole; by default a move is made only when it brings a territory "
                        "into its band or capacity or gains more than the plan's least gain per account moved "
                        "(Balance Settings), so solving a solved plan again moves next to nothing")
    p.add_argument("--adjacency", metavar="PAIRS.csv",
                   help="accounts that touch, one pair of account ids a row (plans of counties or ZIPs)")
    p.add_argument("--contiguous", action="store_true",
                   help="every territory one connected piece of the map: of --adjacency, or of the plan's own "
                        "adjacency (File > Import Adjacency..., `adjacency` command), which keeps them "
                        "connected already unless Balance Settings say otherwise")
    p.set_defaults(func=cmd_solve)

    p = sub.add_parser("solve-points", help="assign points to territories (generic, for scripts and benchmarks)",
                       description="POINTS.csv: id, x,y or lat,lon, measure columns, optional territory and "
                                   "locked (and capacity when a point may be a centre). TERRITORIES.csv: id, "
                                   "optional centre x,y or lat,lon (blank = to be chosen), optional capacity. "
                                   "Writes id,territory and prints one JSON line.")
    p.add_argument("points")
    p.add_argument("territories")
    p.add_argument("-o", "--output", required=True, help="assignment CSV to write (id,territory)")
    p.add_argument("--measure", action="append", help="balanced measure column (repeatable; default: all)")
    p.add_argument("--band", type=float, default=0.2, help="band around the mean, 0.2 = ±20%% (default)")
    p.add_argument("--bounds", help="lower,upper share of the mean instead of --band, e.g. 0.8,1.2")
    p.add_argument("--objective", choices=("distance", "disruption", "weighted"), default="distance")
    p.add_argument("--distance", choices=("euclidean", "floor-euclidean", "haversine"), default="euclidean")
    p.add_argument("--distance-matrix", help="CSV: rows = point ids, columns = territory ids")
    p.add_argument("--q", type=int, choices=(1, 2), default=1, help="distance power (2 = squared)")
    p.add_argument("--weight-by", help="measure weighting each point's distance (default: 1)")
    p.add_argument("--mode", choices=("rebalance", "carve"), help="default: carve when no centre is given")
    p.add_argument("--time-limit", type=float, default=10.0, metavar="S")
    p.add_argument("--adjacency", metavar="PAIRS.csv",
                   help="CSV of adjacent point pairs (a,b ids, one pair a row, header first): the map's units")
    p.add_argument("--contiguous", action="store_true",
                   help="every territory one connected piece of the --adjacency map (carve mode)")
    p.set_defaults(func=cmd_solve_points)


def _positive_time(t: float) -> float:
    if not (math.isfinite(t) and t > 0):
        raise CliError("--time-limit must be a positive number of seconds")
    return t


def cmd_solve_points(args: argparse.Namespace) -> int:
    from territory_desktop.solver.engine import explain_infeasibility, gap, solve
    from territory_desktop.solver.points import PointsError, load_points, write_assignment
    from territory_desktop.solver.problem.contiguity import pieces_per_territory
    from territory_desktop.solver.problem.solution import change_counts

    limit = _positive_time(args.time_limit)
    bounds = None
    if args.bounds:
        try:
            lo, hi = (float(v) for v in args.bounds.split(","))
        except ValueError as exc:
            raise CliError(f"--bounds must be two numbers like 0.8,1.2, not {args.bounds!r}") from exc
        if not 0 <= lo <= 1 <= hi:
            raise CliError("--bounds must satisfy 0 <= lower <= 1 <= upper")
        bounds = (lo, hi)
    if not (args.band >= 0):
        raise CliError("--band must be 0 or more")
    inputs = {"points file": args.points, "territories file": args.territories,
              "distance matrix": args.distance_matrix, "adjacency file": args.adjacency}
    for what, path in inputs.items():
        check_input(path, what)
    check_outputs(inputs, {"-o": args.output})
    try:
        data = load_points(Path(args.points), Path(args.territories), measures=args.measure, band=args.band,
                           bounds=bounds, objective=args.objective, distance=args.distance, q=args.q,
                           mode=args.mode,
                           distance_matrix=Path(args.distance_matrix) if args.distance_matrix else None,
                           weight_by=args.weight_by, adjacency=Path(args.adjacency) if args.adjacency else None,
                           contiguous=args.contiguous)
    except PointsError as exc:
        raise CliError(str(exc)) from exc
    p = data.problem
    _refuse_impossible_numbers(data, args.points, args.territories, args.distance_matrix)
    if p.mode == "carve" and p.n > CARVE_LIMIT:
        raise CliError(f"carve mode handles up to {CARVE_LIMIT:,} points; {p.n:,} given")
    if p.mode == "carve" and p.k > p.n:
        raise CliError(f"cannot carve {p.k} territories out of {p.n} points")
    sol = solve(p, limit)
    try:
        write_assignment(Path(args.output), data, sol.assignment)
    except OSError as exc:
        raise CliError(f"cannot write {args.output}: {exc}") from exc
    g = gap(sol)
    moved, assigned = change_counts(p, sol.assignment)
    summary = {
        "objective": round(float(sol.objective), 6),
        "bound": None if sol.bound is None else round(float(sol.bound), 6),
        "gap": None if g is None else round(100.0 * g, 4),  # percent: the plan is at most this far above the best
        "feasible": bool(sol.feasible and sol.in_band), "in_band": bool(sol.in_band),
        "status": sol.status, "time": round(sol.elapsed, 3),
        # the counts the message words (solution.change_counts): a carve from scratch moves none, assigns all
        "moved": moved, "assigned": assigned, "message": sol.message,
    }
    if p.adjacency is not None:
        pieces = pieces_per_territory(p.adjacency, sol.assignment, p.k)
        summary["contiguous"] = bool(p.contiguous)
        summary["connected"] = bool((pieces <= 1).all())  # every territory one piece of the map
    if not (sol.feasible and sol.in_band):
        # "infeasible" only when proven: a hard rule that no plan can satisfy. A plan merely not found within the
        # time is "not found" — balanced plans may well exist (issue: Alabama at ±0.5% was called infeasible).
        conflicts = explain_infeasibility(p, list(data.territory_ids))
        proven = [c for c in conflicts if not c.startswith(SPECULATIVE)]
        summary["violation"] = round(float(sol.violation), 6)
        summary["conflicts"] = conflicts
        if proven:
            summary["status"] = "infeasible"
            summary["message"] = "Proven impossible: " + " ".join(proven)
        else:
            summary["status"] = "not found"
            summary["message"] = (f"No plan within the bands was found in {limit:g} s. That does not prove none "
                                  "exists: allow more time (--time-limit) or widen the bands (--band)"
                                  + (", or drop --contiguous." if p.contiguous else "."))
    print(json.dumps(_json_safe(summary), allow_nan=False))
    return 0


SPECULATIVE = "The change budget may"
"""explain_infeasibility's one line that is a hint, not a proof (every other line is a necessary condition
that no plan can meet)."""

def _refuse_impossible_numbers(data, points: str, territories: str,  # noqa: ANN001 - a PointsInput
                               matrix: str | None) -> None:
    """±inf (or absurdly large) coordinates, measures and capacities: a CliError naming row and column.

    The points reader refuses them as it reads each column (`points._numbers`, where a blank centre is still
    told from an infinite one); this second look at the problem also covers the distance matrix."""
    from territory_desktop.solver.points import LARGEST

    p = data.problem
    cols: list[tuple[str, str, np.ndarray, bool]] = []  # file, column, values, blank (NaN) allowed
    if p.lat is not None:
        cols += [(points, "lat", np.asarray(p.lat), False), (points, "lon", np.asarray(p.lon), False)]
    elif p.distance_matrix is None:
        cols += [(points, "x", np.asarray(p.x), False), (points, "y", np.asarray(p.y), False)]
    for j, name in enumerate(p.measure_names):
        if name != "points":
            cols.append((points, name, np.asarray(p.measures)[:, j], False))
    if p.site_capacity is not None:
        cols.append((points, "capacity", np.asarray(p.site_capacity), False))
    if p.centre_latlon is not None:
        ll = np.asarray(p.centre_latlon)
        cols += [(territories, "lat", ll[:, 0], True), (territories, "lon", ll[:, 1], True)]
    else:
        c = np.asarray(p.centres)
        cols += [(territories, "x", c[:, 0], True), (territories, "y", c[:, 1], True)]
    for path, col, vals, blank_ok in cols:
        bad = ~np.isfinite(vals) | (np.abs(np.nan_to_num(vals)) > LARGEST)
        if blank_ok:
            bad &= ~np.isnan(vals)
        if bad.any():
            row = int(np.flatnonzero(bad)[0])
            raise CliError(f"{path}: row {row + 2}, column {col!r}: {float(vals[row])!r} is not a usable number "
                           f"(give a finite value within ±{LARGEST:.0e})")
    if p.distance_matrix is not None:
        dm = np.asarray(p.distance_matrix, dtype=np.float64)
        bad = ~np.isfinite(dm) | (np.abs(np.nan_to_num(dm)) > LARGEST)
        if bad.any():
            r, c = (int(v) for v in np.argwhere(bad)[0])
            raise CliError(f"{matrix}: row {r + 2}, column {str(data.territory_ids[c])!r}: {float(dm[r, c])!r} is not "
                           "a usable distance")


def _json_safe(v: object) -> object:
    """NaN and ±inf become null: the JSON line must parse in any reader."""
    if isinstance(v, float | np.floating):
        return float(v) if math.isfinite(v) else None
    if isinstance(v, dict):
        return {k: _json_safe(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_json_safe(x) for x in v]
    return v


FOUND_BY = {
    "heuristic": "The plan is the fast heuristic's: the exact search found nothing better within {limit}",
    "improved": "The exact search improved the heuristic's plan within {limit}",
    "optimal": "The exact search proved this plan optimal within {limit}",
    "connected": "The plan is the connected search's (boundary moves that never cut a territory, until none "
                 "helped) within {limit}",
}
"""What found the plan, in words: "heuristic, 0.2 s" read as if the whole solve took 0.2 s."""


def _found_by(status: str, limit: float) -> str:
    words = FOUND_BY.get(status, "Solver status: " + status + " (time limit {limit})")
    return words.format(limit=f"the {limit:g} s time limit")


def _accounts(n: int) -> str:
    return f"{n:,} account{'' if n == 1 else 's'}"


def _bound_line(problem, sol, assignment: np.ndarray) -> str:  # noqa: ANN001 - a Problem and a Solution
    """The saved plan's cost against the proven lower bound, in words: how far from the best possible it is."""
    from territory_desktop.solver.engine import gap
    from territory_desktop.solver.problem.solution import make_solution

    saved, _e = make_solution(problem, np.asarray(assignment, dtype=np.int32), time.monotonic(), sol.status,
                              sol.bound)
    g = gap(saved)
    if g is None:
        why = ("the plan is not within every band, so no bound applies" if not saved.in_band
               else "none was proved within the time limit")
        return f"Cost {_compact(saved.objective)}; lower bound: {why}."
    if g < 5e-4:
        return f"Cost {_compact(saved.objective)}, bound {_compact(float(sol.bound))}: proved the best possible."
    return (f"Cost {_compact(saved.objective)}, bound {_compact(float(sol.bound))}: gap {g:.1%} "
            "(no plan can cost less than the bound).")


def _compact(v: float) -> str:
    return f"{v:,.6g}" if abs(v) < 1e6 else f"{v:,.0f}"


def cmd_solve(args: argparse.Namespace) -> int:
    started = time.monotonic()  # the time the planner waits: loading the solver, reading, solving, saving
    from territory_desktop.cli.loading import load_plan, save_plan
    from territory_desktop.core.band_summary import projected_summary
    from territory_desktop.core.edits import MoveAccounts
    from territory_desktop.solver.copilot.steady import steady_plan
    from territory_desktop.solver.engine import explain_infeasibility, solve
    from territory_desktop.solver.problem.from_plan import problem_from_plan

    limit = _positive_time(args.time_limit)
    if args.max_moves is not None and args.max_moves < 0:
        raise CliError("--max-moves must be 0 or more")
    if args.max_moved_share is not None and not 0 <= args.max_moved_share <= 1:
        raise CliError("--max-moved-share must be between 0 and 1")
    check_input(args.adjacency, "adjacency file")
    # the plan itself is allowed as -o (solved in place), the adjacency file is not
    check_outputs({"adjacency file": args.adjacency}, {"-o": args.output}, territory=("-o",))
    plan = load_plan(args.plan, allow_import=False)
    if args.contiguous and not args.adjacency and plan.adjacency is None:
        raise CliError("--contiguous needs --adjacency PAIRS.csv (which accounts touch which), or a plan that "
                       "holds its adjacency (the `adjacency` command, or File > Import Adjacency... in the window)")
    if args.mode == "carve" and plan.n_accounts > CARVE_LIMIT:
        raise CliError(f"carve mode handles up to {CARVE_LIMIT:,} accounts; this plan has {plan.n_accounts:,}")
    try:
        problem = problem_from_plan(plan, mode=args.mode, max_moves=args.max_moves,
                                    max_moved_share=args.max_moved_share)
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    if args.adjacency:
        problem = _with_adjacency(problem, plan, Path(args.adjacency), args.contiguous)
    elif args.contiguous:
        problem.contiguous = True  # the plan's own adjacency, even where its settings let territories be cut
    sol = solve(problem, limit)
    steady = None
    assignment = sol.assignment
    if args.mode == "rebalance" and not args.every_move:
        steady = steady_plan(plan, sol.assignment)
        assignment = steady.assignment
    # worded from the core's numbers, so "out" here is "out" in `info` (the solver's snapshot rounds −30.4% to
    # "−30%" beside a ±30% band)
    summary = projected_summary(plan, assignment)
    bound_line = _bound_line(problem, sol, assignment)
    rows = np.flatnonzero(assignment != plan.assignment)
    newly = int((plan.assignment[rows] < 0).sum())
    if len(rows):
        plan.apply(MoveAccounts(rows, assignment[rows], label="Solver suggestions", check_locks=False))
    save_plan(plan, args.output)
    print(f"{summary} {_found_by(sol.status, limit)}; {time.monotonic() - started:.1f} s in all "
          f"(loading the solver, reading, solving and saving). Saved {args.output}.")
    health = kpis.plan_health(plan)
    owned = len(rows) - newly
    given = f" and {_accounts(newly)} that had no territory given one" if newly else ""
    print(f"{_accounts(owned)} moved between territories{given}; {_accounts(health.moved_accounts)} now "
          f"differ from the baseline" + (f" (--max-moves {args.max_moves:,} limits moves of owned accounts)"
                                         if args.max_moves is not None else "") + ".")
    if steady is not None and steady.held_back:
        print(f"{_accounts(steady.held_back)} the solver would also move stay put: those moves fix no band or "
              f"capacity and gain less than {plan.settings.copilot_min_gain:g} per account (Balance Settings: "
              "least gain per account moved; --every-move takes them too).")
    elif steady is not None and not steady.filtered:
        print("The solver's plan is taken whole: leaving out its smaller moves would leave more territories out "
              "of band or over capacity.")
    print(bound_line)
    if problem.adjacency is not None:
        print(_pieces_line(problem, plan, assignment))
    if not sol.in_band:
        for line in explain_infeasibility(problem, [t.name for t in plan.territories]):
            print(f"  {line}")
    return 0


def _with_adjacency(problem, plan, path: Path, contiguous: bool):  # noqa: ANN001, ANN202 - Problem, Plan
    """The plan's problem with which accounts touch (account id pairs) and, if asked, the contiguity rule."""
    import dataclasses

    from territory_desktop.solver.points import PointsError, read_adjacency

    try:
        adj = read_adjacency(path, plan.accounts["account_id"].astype(str).str.strip(), what="account")
    except PointsError as exc:
        raise CliError(str(exc)) from exc
    return dataclasses.replace(problem, adjacency=adj, contiguous=contiguous)


def _pieces_line(problem, plan, assignment: np.ndarray) -> str:  # noqa: ANN001 - a Problem and a Plan
    """Whether every territory is one connected piece of the map, naming the ones that are not."""
    from territory_desktop.solver.copilot.connected import cut_line
    from territory_desktop.solver.problem.contiguity import pieces_per_territory

    pieces = pieces_per_territory(problem.adjacency, np.asarray(assignment, dtype=np.int32), plan.n_territories)
    return cut_line([(plan.territories[t].name, int(pieces[t])) for t in range(plan.n_territories)
                     if pieces[t] > 1 and not plan.territories[t].removed])
