"""Solver quality against published optima: instance / reference / ours / gap % / time.

Usage: nice python benchmarks/solver_quality.py [BENCHMARKS_DIR] [--sets pmedcap,sjc,pfizer,iowa,us48,p3038]
       [--limit SECONDS] [--only NAME,...]   (default dir /work/shared/benchmarks; the files are read in place, never copied)

Every instance is turned into a solver Problem exactly as `solve-points` would, solved with
`engine.solve`, and scored with the same distance function as the reference (floor-Euclidean for pmedcap,
Euclidean for SJC/p3038, the given matrix for Pfizer 22x4, km for Iowa).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from territory_desktop.solver.engine import explain_infeasibility, solve
from territory_desktop.solver.engine import gap as solution_gap
from territory_desktop.solver.problem.contiguity import Adjacency, pieces_per_territory
from territory_desktop.solver.problem.snapshot import Problem, evaluate, project

PMEDCAP = [713, 740, 751, 651, 664, 778, 787, 820, 715, 829, 1006, 966, 1026, 982, 1091, 954, 1034, 1043, 1031,
           1005]
SJC = {"SJC1": 17288.99, "SJC2": 33270.94, "SJC3a": 45335.16, "SJC3b": 40635.90, "SJC4a": 61925.51,
       "SJC4b": 52458.02}
P3038 = {600: 122710.58, 700: 109670.52, 800: 100060.05, 900: 92309.52, 1000: 85854.05}


def carve_problem(x: np.ndarray, y: np.ndarray, demand: np.ndarray, k: int, site_cap: np.ndarray | None,
                  distance: str) -> Problem:
    n = len(x)
    return Problem(version=0, x=x, y=y, measures=demand[:, None].astype(np.float64), measure_names=("demand",),
                   bands=np.array([np.inf]), weights=np.ones(1), shares=np.ones(k),
                   centres=np.full((k, 2), np.nan), capacity=None, current=np.full(n, -1, np.int32),
                   baseline=np.full(n, -1, np.int32), movable=np.ones(n, bool), eligible=None,
                   territory_open=np.ones(k, bool), disruption_weight=0.0, compactness_weight=1.0,
                   capacity_column=0, distance=distance, mode="carve", site_capacity=site_cap)


def row(name: str, ref: float, ours: float | None, t: float, note: str = "",
        sol=None) -> float | None:  # noqa: ANN001
    """One line: the gap to the published optimum, and the solver's own proven gap (bound) when it has one."""
    gap = None if ours is None else 100.0 * (ours - ref) / ref
    proved = None if sol is None else solution_gap(sol)
    bound = None if sol is None or sol.bound is None else float(sol.bound)
    if bound is not None and bound > ref * (1 + 5e-4):  # the references are published rounded
        note += "  BOUND ABOVE THE OPTIMUM"
    print(f"{name:<14}{ref:>14,.2f}{'-' if ours is None else f'{ours:,.2f}':>14}"
          f"{'-' if gap is None else f'{gap:.2f}':>9}{'-' if proved is None else f'{100 * proved:.2f}':>9}"
          f"{t:>8.1f}  {note}", flush=True)
    return gap


ONLY: set[str] = set()
"""Instance names to run (--only), empty = all: quick checks on the instances a change is about."""


def wanted(name: str) -> bool:
    return not ONLY or name in ONLY


def run_pmedcap(root: Path, limit: float) -> None:
    gaps = []
    for i in range(1, 21):
        if not wanted(f"pmedcap{i:02d}"):
            continue
        lines = (root / "pmedcap" / f"pmedcap{i:02d}.txt").read_text().split("\n")
        n, p, q = (int(v) for v in lines[1].split())
        arr = np.array([[float(v) for v in ln.split()] for ln in lines[2:2 + n]])
        prob = carve_problem(arr[:, 1], arr[:, 2], arr[:, 3], p, np.full(n, float(q)), "floor-euclidean")
        t = time.monotonic()
        sol = solve(prob, limit)
        ok = sol.feasible and sol.in_band
        gaps.append(row(f"pmedcap{i:02d}", PMEDCAP[i - 1], sol.objective if ok else None,
                        time.monotonic() - t, sol.status, sol))
    _avg("pmedcap", gaps)


def _dat(path: Path) -> tuple[np.ndarray, int]:
    lines = path.read_text().split("\n")
    n, p = (int(v) for v in lines[0].split())
    return np.array([[float(v) for v in ln.split()] for ln in lines[1:1 + n]]), p


def run_cpmp(root: Path, limit: float, folder: str, refs: dict, pattern: str) -> None:
    gaps = []
    for key, ref in refs.items():
        if not wanted(str(key)):
            continue
        arr, p = _dat(root / folder / pattern.format(key))
        prob = carve_problem(arr[:, 0], arr[:, 1], arr[:, 3], p, arr[:, 2], "euclidean")
        t = time.monotonic()
        sol = solve(prob, limit)
        ok = sol.feasible and sol.in_band
        gaps.append(row(f"{key}", ref, sol.objective if ok else None, time.monotonic() - t, sol.status, sol))
    _avg(folder, gaps)


def _avg(name: str, gaps: list) -> None:
    got = [g for g in gaps if g is not None]
    avg = f"{np.mean(got):.2f}%" if got else "-"
    print(f"{name}: average gap {avg} over {len(got)} of {len(gaps)} solved\n", flush=True)


def run_pfizer(root: Path, limit: float) -> None:
    from territory_desktop.solver.points import PointsInput  # noqa: F401  (same model as the CLI)
    pf = root / "pfizer"
    idx = pd.read_excel(pf / "indexValues.xlsx", header=None)
    dm = pd.read_excel(pf / "distances.xlsx", sheet_name="brick-bureau", header=None).iloc[2:, 2:6]
    dm = dm.to_numpy(dtype=np.float64)
    cur_sets = {0: [4, 5, 6, 7, 8, 15], 1: [10, 11, 12, 13, 14], 2: [9, 16, 17, 18], 3: [1, 2, 3, 19, 20, 21, 22]}
    cur = np.zeros(22, np.int32)
    for r, bricks in cur_sets.items():
        cur[np.array(bricks) - 1] = r
    vals = idx[1].to_numpy(dtype=np.float64)
    for obj, ref in (("distance", 154.60), ("disruption", 0.1696)):
        prob = _realign(np.zeros(22), np.zeros(22), vals, cur, np.zeros((4, 2)), obj, dm)
        t = time.monotonic()
        sol = solve(prob, limit)
        row(f"pf22x4 {obj[:5]}", ref, _cost(prob, sol), time.monotonic() - t, sol.status, sol)
    x = pd.read_excel(pf / "data-100x10.xlsx", header=None).iloc[5:, 1:6].to_numpy(dtype=np.float64)
    cur = (x[:, 3] - 1).astype(np.int32)
    offices = np.zeros((10, 2))
    for i in np.flatnonzero(x[:, 4] == 1):
        offices[cur[i]] = x[i, :2]
    for obj, ref in (("distance", 15.0374), ("disruption", 0.3426)):
        prob = _realign(x[:, 0], x[:, 1], x[:, 2], cur, offices, obj, None)
        t = time.monotonic()
        sol = solve(prob, limit)
        row(f"pf100 {obj[:5]}", ref, _cost(prob, sol), time.monotonic() - t, sol.status, sol)
    print()


def _cost(prob: Problem, sol) -> float | None:
    return float(sol.objective) if sol.in_band and sol.feasible else None


def _realign(x, y, vals, cur, centres, objective, matrix) -> Problem:
    n, k = len(vals), len(centres)
    return Problem(version=0, x=x, y=y, measures=vals[:, None], measure_names=("index",), bands=np.array([0.2]),
                   weights=np.ones(1), shares=np.ones(k), centres=centres, capacity=None, current=cur,
                   baseline=cur.copy(), movable=np.ones(n, bool), eligible=None, territory_open=np.ones(k, bool),
                   disruption_weight=1.0 if objective == "disruption" else 0.0,
                   compactness_weight=1.0 if objective == "distance" else 0.0,
                   disruption_column=0, distance="matrix" if matrix is not None else "euclidean",
                   distance_matrix=matrix)


def districting(x: np.ndarray, y: np.ndarray, pop: np.ndarray, k: int, band: float, pairs: np.ndarray,
                contiguous: bool) -> Problem:
    """Units into k territories of equal population within ±band, compactness Σ pop·d² (km² / 1e6), q = 2."""
    n = len(x)
    return Problem(version=0, x=x, y=y, measures=pop[:, None], measure_names=("population",),
                   bands=np.array([band]), weights=np.ones(1), shares=np.ones(k), centres=np.full((k, 2), np.nan),
                   capacity=None, current=np.full(n, -1, np.int32), baseline=np.full(n, -1, np.int32),
                   movable=np.ones(n, bool), eligible=None, territory_open=np.ones(k, bool), disruption_weight=0.0,
                   compactness_weight=1e-6, q=2, compactness_column=0, mode="carve",
                   adjacency=Adjacency.from_pairs(n, pairs), contiguous=contiguous)


def run_iowa(root: Path, limit: float, contiguous_limit: float = 60.0) -> None:
    """Iowa's 99 counties into 4 districts at ±0.5% population, q = 2: without the contiguity rule (its optimum
    can only be lower than the contiguous one) and with it (goal: within 1% of the published optimum, 60 s).
    The published optimal plan is also scored with our distance (equirectangular km), the fair reference."""
    df = pd.read_csv(root / "iowa" / "iowa_counties.csv")
    lat, lon = df["lat"].to_numpy(float), df["lon"].to_numpy(float)
    x, y = project(lat, lon, float(lat.mean()), float(lon.mean()))
    pop = df["pop2010"].to_numpy(float)
    k = 4
    adj_df = pd.read_csv(root / "iowa" / "iowa_adjacency.csv")
    pos = {g: i for i, g in enumerate(df["geoid"])}
    pairs = np.array([[pos[a], pos[b]] for a, b in zip(adj_df["geoid_u"], adj_df["geoid_v"], strict=True)])
    for contiguous in (False, True):
        name = "iowa contig" if contiguous else "iowa"
        if not wanted(name):
            continue
        prob = districting(x, y, pop, k, 0.005, pairs, contiguous)
        t = time.monotonic()
        sol = solve(prob, contiguous_limit if contiguous else limit)
        ours = _cost(prob, sol)
        pieces = pieces_per_territory(prob.adjacency, sol.assignment, k)
        ref_plan = df["validi_hess_contiguous_optimal_district"].to_numpy() - 1
        ref_ours = evaluate(prob, ref_plan, _best_centres(prob, ref_plan)).cost
        note = (f"{sol.status}; {'contiguous' if (pieces == 1).all() else 'NOT contiguous'}"
                if contiguous else f"{sol.status}; no contiguity rule")
        row(name, 17748.05, ours, time.monotonic() - t,
            f"{note}; published plan scored by us {ref_ours:,.2f}, ours vs it "
            f"{'-' if ours is None else f'{100 * (ours - ref_ours) / ref_ours:+.2f}%'}", sol)
    print()


US48 = Path(__file__).resolve().parent / "data" / "us48"


def run_us48(limit: float) -> None:
    """Our own instance (data/us48/README.md): the 48 states into K contiguous territories of equal population.
    No published optimum: a balanced contiguous plan found, or "impossible" with its proof, or "not found"."""
    st = pd.read_csv(US48 / "states.csv")
    adj = pd.read_csv(US48 / "adjacency.csv")
    pos = {a: i for i, a in enumerate(st["id"])}
    pairs = np.array([[pos[a], pos[b]] for a, b in zip(adj["a"], adj["b"], strict=True)])
    lat, lon = st["lat"].to_numpy(float), st["lon"].to_numpy(float)
    x, y = project(lat, lon, float(lat.mean()), float(lon.mean()))
    pop = st["population"].to_numpy(float)
    for k, band in ((3, 0.05), (4, 0.05), (4, 0.01), (6, 0.10), (8, 0.10)):
        name = f"us48 k{k} {band:.0%}"
        if not wanted(name):
            continue
        prob = districting(x, y, pop, k, band, pairs, True)
        t = time.monotonic()
        sol = solve(prob, limit)
        took = time.monotonic() - t
        one_piece = bool((pieces_per_territory(prob.adjacency, sol.assignment, k) == 1).all())
        if sol.feasible and sol.in_band:
            verdict = f"balanced, {'contiguous' if one_piece else 'NOT CONTIGUOUS'}, cost {sol.objective:,.0f}"
            g = solution_gap(sol)
            verdict += "" if g is None else f", proved within {100 * g:.1f}%"
        else:
            proofs = explain_infeasibility(prob, [])
            verdict = ("proven impossible: " + proofs[0]) if proofs else "not found in the time (no proof either way)"
        print(f"{name:<18}{took:>7.1f} s  {verdict}", flush=True)
    print()


def _best_centres(prob: Problem, plan: np.ndarray) -> np.ndarray:
    """Each district's best centre county (as the Hess model chooses it), as x, y."""
    out = np.zeros((prob.k, 2))
    for t in range(prob.k):
        m = np.flatnonzero(plan == t)
        d = (np.hypot(prob.x[m, None] - prob.x[None, m], prob.y[m, None] - prob.y[None, m]) ** 2
             * prob.measures[m, 0][:, None]).sum(axis=0)
        j = m[int(np.argmin(d))]
        out[t] = prob.x[j], prob.y[j]
    return out


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("root", nargs="?", default="/work/shared/benchmarks")
    ap.add_argument("--sets", default="pmedcap,sjc,pfizer,iowa,us48")
    ap.add_argument("--limit", type=float, default=None, help="seconds per instance (default: the target's)")
    ap.add_argument("--only", default="", help="comma-separated instance names, e.g. pmedcap10,600,SJC2")
    args = ap.parse_args(argv)
    ONLY.update(v for v in args.only.split(",") if v)
    root = Path(args.root)
    if not (root / "README.md").exists():
        print(f"no benchmarks at {root}", file=sys.stderr)
        return 2
    print(f"{'instance':<14}{'reference':>14}{'ours':>14}{'gap %':>9}{'proved %':>9}{'time s':>8}")
    print("(gap: ours vs the published optimum; proved: ours vs the solver's own lower bound, an upper limit on the gap)")
    sets = args.sets.split(",")
    lim = args.limit
    if "pfizer" in sets:
        run_pfizer(root, lim or 10)
    if "pmedcap" in sets:
        run_pmedcap(root, lim or 9)
    if "sjc" in sets:
        run_cpmp(root, lim or 28, "cpmp_sjc", SJC, "{}.dat")
    if "iowa" in sets:
        run_iowa(root, lim or 30)
    if "us48" in sets:
        run_us48(lim or 20)
    if "p3038" in sets:
        run_cpmp(root, lim or 115, "cpmp_p3038", P3038, "p3038_{}.dat")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
