"""Start of an installed or frozen app to its main window painted, as a table of medians.

    python packaging/start_time.py /usr/bin/territory-desktop [--runs 6]
    python packaging/start_time.py OLD/territory-desktop NEW/territory-desktop   # A/B in the same run

Each run is `territory-desktop screenshot --no-copilot` (the window's own start-up: Qt, the plan, the
window, the map drawn, then one grab), first without a file (the bundled sample, what a new
user sees) and then on that plan saved as a .territory project (how a planner opens their own plan). The
first run of each executable is the cold one (libraries not yet in the page cache, matplotlib's font list
not yet cached) and is shown on its own; the median is of the others. With several executables the runs
take turns (A, B, A, B, ...), so a busy machine slows each of them alike.
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
CASES = ("no file (the bundled sample)", "saved .territory plan")


def _run(exe: str, args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(seconds to the window painted, seconds to the process's end). The first is when the app prints
    "Wrote ...", which `screenshot` does once the shown window was grabbed and the PNG written; the
    second adds the exit (Python and Qt tearing down, ~0.3 s), which a planner never waits for."""
    t0 = time.perf_counter()
    proc = subprocess.Popen([exe, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert proc.stdout is not None
    shown, lines = None, []
    for line in proc.stdout:
        lines.append(line)
        if shown is None and line.startswith("Wrote "):
            shown = time.perf_counter() - t0
    proc.wait(timeout=180)
    ended = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{exe} {' '.join(args)} failed ({proc.returncode}): {''.join(lines).strip()[-400:]}")
    return (ended if shown is None else shown), ended


def measure(exes: list[str], runs: int) -> dict[tuple[str, str], list[tuple[float, float]]]:
    """(executable, case) -> (to window painted, to process end) of each run, the executables taking turns."""
    times: dict[tuple[str, str], list[tuple[float, float]]] = {(exe, case): [] for exe in exes for case in CASES}
    with tempfile.TemporaryDirectory(prefix="territory-start-") as tmp:
        envs = {exe: dict(os.environ, QT_QPA_PLATFORM="offscreen",
                          TERRITORY_DESKTOP_DATA_DIR=str(Path(tmp) / f"data-{i}")) for i, exe in enumerate(exes)}
        plan = Path(tmp) / "plan.territory"
        # the sample imported and saved once by the app's own `import`, as a planner's plan would be
        _run(exes[0], ["import", str(SAMPLE / "accounts.csv"), "--reps", str(SAMPLE / "reps.csv"), "-o", str(plan)],
             envs[exes[0]])
        for case, target in zip(CASES, (None, plan), strict=True):
            for i in range(runs):
                for exe in exes:
                    out = Path(tmp) / f"shot-{i}.png"
                    times[(exe, case)].append(_run(exe, ["screenshot", *([str(target)] if target else []), "-o",
                                                         str(out), "--no-copilot", "--size", "1280x800"], envs[exe]))
    return times


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("exe", nargs="+", help="the app's executable (installed launcher or the bundle's); "
                                           "several for an A/B comparison")
    ap.add_argument("--runs", type=int, default=6, help="runs per case; the first is reported apart (default 6)")
    ns = ap.parse_args(argv)
    runs = max(2, ns.runs)
    times = measure(ns.exe, runs)
    print(f"| start to window painted | executable | first run | median of the next {runs - 1} | range "
          f"| median to process end |")
    print("|---|---|---|---|---|---|")
    for case in CASES:
        for exe in ns.exe:
            shown = [t[0] for t in times[(exe, case)]]
            ended = [t[1] for t in times[(exe, case)]]
            print(f"| {case} | {exe} | {shown[0]:.2f} s | {statistics.median(shown[1:]):.2f} s | "
                  f"{min(shown[1:]):.2f}–{max(shown[1:]):.2f} s | {statistics.median(ended[1:]):.2f} s |")
    print(f"goal: {GOAL_S:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
