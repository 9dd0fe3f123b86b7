"""Issue 19's scale goals at 1M accounts, each step timed in its own process (run on demand; prints a table).

    nice python benchmarks/scale_1m.py                       # 1M accounts, 2,000 reps, median of 3
    python benchmarks/scale_1m.py --repeats 1 --steps open save info
    python benchmarks/scale_1m.py --accounts 100000 --cache /tmp/bench-100k

The CRM export is generated once (io/sample/generate.py `write_sample`, one rep per 500 accounts, seed 7) into a
cache folder outside the checkout (default ~/.cache/territory-desktop/bench-<size>; benchmarks/data/ is not
git-ignored) and reused by later runs. Every repetition of every step is a fresh process, so its peak RSS
(`os.wait4`'s ru_maxrss, that child alone) is the step's own and nothing is warm but the OS file cache.

What is timed: `import`, `info --json`, `move` (one account, alternately there and back, so every repetition
really moves and saves) and `export` as whole CLI processes (`python -m territory_desktop ...`: start-up and
imports included, as a user waits for them); `open` and `save` as the `open_project` / `save_project` call
inside a child (the project file's own cost; the child's RSS includes the opened plan). Two baselines run in
the same session and every step is also given as a ratio to them, so a slow run on busy shared cores can be
told from a slower program: `read_csv` (pandas reading the same CSV, all strings: the floor an import adds
parsing and geocoding to) and `start-up` (`python -m territory_desktop --help`: what every CLI step pays).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

GOALS: dict[str, tuple[float | None, float | None]] = {
    # step: (seconds, peak RSS in MB), None = no goal
    "import": (15.0, 1536.0),
    "open": (2.0, None),
    "save": (2.0, None),
    "info --json": (3.0, None),
    "move": (5.0, None),
    "export": (None, None),
}
STEPS = ("import", "open", "save", "info --json", "move", "export")
BASELINES = ("start-up", "read_csv")

OPEN_CHILD = r"""
import json, sys, time
from territory_desktop.io.project.project_file import open_project
t = time.perf_counter()
plan = open_project(sys.argv[1])
print(json.dumps({"seconds": time.perf_counter() - t, "n": plan.n_accounts}))
"""
SAVE_CHILD = r"""
import json, sys, time
from territory_desktop.io.project.project_file import open_project, save_project
plan = open_project(sys.argv[1])
t = time.perf_counter()
save_project(plan, sys.argv[2])
print(json.dumps({"seconds": time.perf_counter() - t, "n": plan.n_accounts}))
"""
GENERATE_CHILD = r"""
import sys
from pathlib import Path
from territory_desktop.io.sample.generate import write_sample
write_sample(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), seed=int(sys.argv[4]))
"""
READ_CSV_CHILD = r"""
import json, sys, time
import pandas as pd
t = time.perf_counter()
n = len(pd.read_csv(sys.argv[1], dtype=str, keep_default_na=False))
print(json.dumps({"seconds": time.perf_counter() - t, "n": n}))
"""


@dataclass
class Run:
    """One repetition of one step: wall seconds (the step's own, see the module doc) and the child's peak RSS."""

    seconds: float
    rss_mb: float


def run(cmd: list[str], env: dict[str, str], timed_inside: bool) -> Run:
    """Run one child to the end; its time is the wall time, or what it printed (`timed_inside`)."""
    t = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0), err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    if proc.returncode != 0:
        raise SystemExit(f"step failed ({' '.join(cmd[:6])} ...), exit {proc.returncode}:\n{stderr[-2000:]}")
    seconds = json.loads(stdout.strip().splitlines()[-1])["seconds"] if timed_inside else wall
    return Run(seconds, usage.ru_maxrss / 1024)  # Linux: ru_maxrss is in KB


def ensure_data(cache: Path, n: int, reps: int, seed: int) -> tuple[Path, Path]:
    """The generated export in `cache`, written once (a stamp file says for which size, reps and seed)."""
    stamp = cache / "sample.json"
    want = {"accounts": n, "reps": reps, "seed": seed}
    accounts, rep_file = cache / "accounts.csv", cache / "reps.csv"  # io/sample/generate.py's file names
    if stamp.exists() and json.loads(stamp.read_text()) == want and accounts.exists() and rep_file.exists():
        return accounts, rep_file
    print(f"generating {n:,} accounts and {reps:,} reps into {cache} (once) ...", flush=True)
    t = time.perf_counter()
    # in a child: on Linux a process's peak RSS survives fork and exec, so a 1 GB generator in this process
    # would show as every later step's peak
    subprocess.run([sys.executable, "-c", GENERATE_CHILD, str(cache), str(n), str(reps), str(seed)], check=True)
    if not (accounts.exists() and rep_file.exists()):
        raise SystemExit(f"the sample generator wrote no {accounts.name} / {rep_file.name} into {cache}")
    stamp.write_text(json.dumps(want))
    print(f"  done in {time.perf_counter() - t:.0f} s, {accounts.stat().st_size / 1e6:,.0f} MB", flush=True)
    return accounts, rep_file


def first_account_and_territories(project: Path, env: dict[str, str]) -> tuple[str, str, str]:
    """The first account's id, another open territory and where it is now (read in a child, not timed)."""
    code = ("import json, sys\nfrom territory_desktop.io.project.project_file import open_project\n"
            "p = open_project(sys.argv[1]); here = int(p.assignment[0])\n"
            "other = next(int(i) for i in p.active_territories() if int(i) != here)\n"
            "back = 'unassigned' if here < 0 else p.territories[here].name\n"
            "print(json.dumps([str(p.accounts['account_id'].iloc[0]), p.territories[other].name, back]))")
    out = subprocess.run([sys.executable, "-c", code, str(project)], capture_output=True, text=True, env=env,
                         check=True)
    a, t1, t2 = json.loads(out.stdout)
    return a, t1, t2


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--accounts", type=int, default=1_000_000)
    ap.add_argument("--accounts-per-rep", type=int, default=500)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--cache", type=Path, help="folder for the generated export (default: ~/.cache/...)")
    ap.add_argument("--repeats", type=int, default=3, help="repetitions per step (the median is shown)")
    ap.add_argument("--steps", nargs="+", choices=[*STEPS, "info", *BASELINES], default=[*BASELINES, *STEPS])
    ap.add_argument("--json", type=Path, help="also write the results to this JSON file")
    args = ap.parse_args(argv)
    steps = ["info --json" if s == "info" else s for s in args.steps]
    n, reps = args.accounts, max(1, round(args.accounts / args.accounts_per_rep))
    cache = args.cache or Path.home() / ".cache" / "territory-desktop" / f"bench-{n}"
    cache.mkdir(parents=True, exist_ok=True)
    accounts_csv, reps_csv = ensure_data(cache, n, reps, args.seed)
    project = cache / "plan.territory"
    work = Path(tempfile.mkdtemp(prefix="scale_1m_"))
    env = {**os.environ, "TERRITORY_DESKTOP_DATA_DIR": str(work / "data")}
    py, cli = sys.executable, [sys.executable, "-m", "territory_desktop"]

    if any(s != "import" and s not in BASELINES for s in steps) and "import" not in steps and not project.exists():
        steps = ["import", *steps]  # every other step reads the imported project
    results: dict[str, list[Run]] = {}
    move_args: tuple[str, str, str] | None = None
    for step in [s for s in (*BASELINES, *STEPS) if s in steps]:
        results[step] = []
        for i in range(args.repeats):
            if step == "start-up":
                r = run([*cli, "--help"], env, False)
            elif step == "read_csv":
                r = run([py, "-c", READ_CSV_CHILD, str(accounts_csv)], env, True)
            elif step == "import":
                r = run([*cli, "import", str(accounts_csv), "--reps", str(reps_csv), "-o", str(project)], env,
                        False)
            elif step == "open":
                r = run([py, "-c", OPEN_CHILD, str(project)], env, True)
            elif step == "save":
                r = run([py, "-c", SAVE_CHILD, str(project), str(work / "saved.territory")], env, True)
            elif step == "info --json":
                r = run([*cli, "info", str(project), "--json"], env, False)
            elif step == "move":
                move_args = move_args or first_account_and_territories(project, env)
                account, there, back = move_args
                r = run([*cli, "move", str(project), "--accounts", account, "--to", there if i % 2 == 0 else back],
                        env, False)
            else:
                r = run([*cli, "export", str(project), "-o", str(work / "assignments.csv")], env, False)
            results[step].append(r)
            print(f"  {step:<12} run {i + 1}: {r.seconds:7.2f} s  {r.rss_mb:7,.0f} MB", flush=True)

    print_table(results, n)
    if args.json:
        args.json.write_text(json.dumps({s: [vars(r) for r in runs] for s, runs in results.items()}, indent=1))
    return 0


def print_table(results: dict[str, list[Run]], n: int) -> None:
    """step, median seconds, ratios to the baselines, peak RSS (max of the runs), goal, met?"""
    med = {s: statistics.median(r.seconds for r in runs) for s, runs in results.items()}
    base = {b: med[b] for b in BASELINES if b in med}
    head = (f"{'step (' + f'{n:,}' + ' accounts)':<24}{'median s':>9}" + "".join(f"{'÷ ' + b:>12}" for b in base)
            + f"{'peak MB':>9}  {'goal':<18}met?")
    print("\n" + head)
    print("-" * len(head))
    for step, runs in results.items():
        rss = max(r.rss_mb for r in runs)
        secs, mb = GOALS.get(step, (None, None))
        goal = " ".join(g for g in ((f"≤ {secs:g} s" if secs else ""), (f"≤ {mb / 1024:g} GB" if mb else "")) if g)
        met = "" if not goal else ("yes" if (secs is None or med[step] <= secs) and (mb is None or rss <= mb)
                                   else "NO")
        ratios = "".join(f"{med[step] / b:>12.2f}" if b > 0 else f"{'':>12}" for b in base.values())
        shown = "(baseline)" if step in BASELINES else goal
        print(f"{step:<24}{med[step]:>9.2f}{ratios}{rss:>9,.0f}  {shown:<18}{met}")
    print(f"(median of {len(next(iter(results.values())))} runs per step; peak MB is the largest of the runs)")


if __name__ == "__main__":
    raise SystemExit(main())
