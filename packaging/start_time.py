"""Start of an installed or frozen app to its main window painted, as a table of medians.

    python packaging/start_time.py /usr/bin/territory-desktop [--runs 5]

Each run is `territory-desktop screenshot --no-copilot` (the window's own start-up: Qt, the plan, the
window, the map drawn, then one grab), first on the bundled sample (imported from its CSV on every start)
and then on that plan saved as a .territory project (how a planner opens their own plan). The first run
after installing is the cold one (libraries not yet in the page cache) and is shown on its own.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL_S = 2.0
SAMPLE = Path(__file__).resolve().parents[1] / "resources" / "sample"


def _run(exe: str, args: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    done = subprocess.run([exe, *args], env=env, capture_output=True, text=True, timeout=180)
    elapsed = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"{exe} {' '.join(args)} failed ({done.returncode}): {done.stderr.strip()[-400:]}")
    return elapsed


def measure(exe: str, runs: int) -> list[tuple[str, float, float]]:
    """(what, first run s, median of the rest s) for the sample and for a saved project."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="territory-start-") as tmp:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", TERRITORY_DESKTOP_DATA_DIR=str(Path(tmp) / "data"))
        plan = Path(tmp) / "plan.territory"
        # the sample imported and saved once by the app's own `import`, as a planner's plan would be
        _run(exe, ["import", str(SAMPLE / "accounts.csv"), "--reps", str(SAMPLE / "reps.csv"), "-o", str(plan)],
             env)
        for label, target in (("bundled sample (CSV import)", None), ("saved .territory plan", plan)):
            times = []
            for i in range(runs):
                out = Path(tmp) / f"shot-{len(rows)}-{i}.png"
                times.append(_run(exe, ["screenshot", *([str(target)] if target else []), "-o", str(out),
                                        "--no-copilot", "--size", "1280x800"], env))
            rows.append((label, times[0], statistics.median(times[1:])))
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("exe", help="the app's executable (installed launcher or the bundle's)")
    ap.add_argument("--runs", type=int, default=4, help="runs per case; the first is reported apart (default 4)")
    ns = ap.parse_args(argv)
    rows = measure(ns.exe, max(2, ns.runs))
    print(f"| start to window painted ({ns.exe}) | first run | median of the next {max(2, ns.runs) - 1} |")
    print("|---|---|---|")
    for label, first, median in rows:
        print(f"| {label} | {first:.2f} s | {median:.2f} s |")
    print(f"goal: {GOAL_S:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
