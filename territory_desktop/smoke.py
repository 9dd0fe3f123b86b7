"""`territory-desktop --smoke-test`: prove an install (above all the frozen app) works end to end, headless.

A frozen build can start and still be broken: a data file PyInstaller did not collect (ZIP centroids, the
sample), a native library OR-Tools loads lazily, a Qt plugin, or a worker process that cannot re-launch the
frozen executable. Each of those only shows when the code path runs, so this runs every one of them once:
import the bundled sample, check the KPIs, save and reopen a project, solve in the worker process, and paint
the main window offscreen. One line per check; exit 0 and "smoke test passed", or exit 1 naming the check.

Qt is imported only inside the window check, so a broken Qt install still reports the checks before it.
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PASSED = "smoke test passed"
SOLVER_WAIT_S = 45.0
"""Worker start (OR-Tools import, ~2 s frozen) plus the first plan; generous for a busy 2-core machine."""
SOLVER_TIME_LIMIT_S = 20.0
WINDOW_SIZE = (1280, 800)


class SmokeFailure(Exception):
    """A check ran but its result is wrong; the message says what was expected."""


@dataclass
class _Context:
    """What the checks hand to each other (the plan imported first is used by all later checks)."""

    folder: Path
    plan: Any = None
    details: dict[str, str] = field(default_factory=dict)


def check_sample(ctx: _Context) -> str:
    from territory_desktop.io.importing.importer import import_plan
    from territory_desktop.io.sample.generate import bundled_sample_paths

    accounts, reps = bundled_sample_paths()
    result = import_plan(accounts, reps)
    plan = result.plan
    if plan.n_accounts == 0 or plan.n_territories == 0:
        raise SmokeFailure(f"{accounts.name}: imported {plan.n_accounts} accounts into "
                           f"{plan.n_territories} territories")
    located = int(((plan.lat == plan.lat) & (plan.lon == plan.lon)).sum())  # NaN != NaN
    if located == 0:
        raise SmokeFailure(f"{accounts.name}: no account was placed on the map (geocoding data missing?)")
    ctx.plan = plan
    return (f"{plan.n_accounts:,} accounts, {plan.n_territories} territories, {located:,} located, "
            f"{result.rows_rejected} rejected, from {accounts.parent}")


def check_kpis(ctx: _Context) -> str:
    from territory_desktop.core.kpi_state import KpiState

    if not ctx.plan.kpis.equals(KpiState.full(ctx.plan)):
        raise SmokeFailure("the plan's running KPI totals differ from a full recomputation")
    return f"{int(ctx.plan.kpis.counts[:-1].sum()):,} assigned accounts"


def check_project(ctx: _Context) -> str:
    import numpy as np

    from territory_desktop.core.kpi_state import KpiState
    from territory_desktop.io.project.project_file import open_project, save_project

    path = ctx.folder / "smoke.territory"
    save_project(ctx.plan, path)
    reopened = open_project(path)
    if reopened.n_accounts != ctx.plan.n_accounts or not np.array_equal(reopened.assignment,
                                                                        ctx.plan.assignment):
        raise SmokeFailure(f"{path}: reopened plan differs from the saved one")
    if not reopened.kpis.equals(KpiState.full(ctx.plan)):
        raise SmokeFailure(f"{path}: reopened plan's KPIs differ from the saved plan's")
    return f"{path.stat().st_size / 1e6:.1f} MB saved and reopened"


def check_ortools(ctx: _Context) -> str:
    """Both native solvers the engine uses load and solve (the worker's first plan may come from the numpy
    heuristic alone, so it would not notice a missing OR-Tools library)."""
    from ortools.linear_solver import pywraplp
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    x, y = model.new_int_var(0, 10, "x"), model.new_int_var(0, 10, "y")
    model.add(x + 2 * y <= 14)
    model.maximize(3 * x + 4 * y)
    cp = cp_model.CpSolver()
    status = cp.solve(model)
    if status != cp_model.OPTIMAL or cp.objective_value != 38:
        raise SmokeFailure(f"CP-SAT: expected the optimum 38 of a two-variable model, got {status} "
                           f"{cp.objective_value}")
    mip = pywraplp.Solver.CreateSolver("SCIP")
    if mip is None:
        raise SmokeFailure("SCIP is not available in this OR-Tools build")
    a, b = mip.IntVar(0, 10, "a"), mip.IntVar(0, 10, "b")
    mip.Add(a + 2 * b <= 14)
    mip.Maximize(3 * a + 4 * b)
    if mip.Solve() != pywraplp.Solver.OPTIMAL or round(mip.Objective().Value()) != 38:
        raise SmokeFailure("SCIP: did not find the optimum 38 of a two-variable MIP")
    return "CP-SAT and SCIP solve a small model"


def check_solver(ctx: _Context) -> str:
    from territory_desktop.solver.copilot.messages import Failed, Finished, Improved, Infeasible
    from territory_desktop.solver.copilot.worker import SolverWorker
    from territory_desktop.solver.problem.snapshot import problem_from_plan

    worker = SolverWorker(watchdog_s=SOLVER_WAIT_S)
    t0 = time.monotonic()
    try:
        worker.start()
        worker.submit(problem_from_plan(ctx.plan), SOLVER_TIME_LIMIT_S)
        while time.monotonic() - t0 < SOLVER_WAIT_S:
            for msg in worker.poll():
                if isinstance(msg, Improved):
                    n = len(msg.solution.assignment)
                    if n != ctx.plan.n_accounts:
                        raise SmokeFailure(f"the solver's plan has {n} accounts, not {ctx.plan.n_accounts}")
                    return (f"first plan after {time.monotonic() - t0:.1f} s in worker pid {worker.pid} "
                            f"(objective {msg.solution.objective:,.1f})")
                if isinstance(msg, Failed):
                    raise SmokeFailure(msg.message)
                if isinstance(msg, Finished | Infeasible):
                    raise SmokeFailure(f"the solver ended without a plan ({msg})")
            time.sleep(0.05)
        raise SmokeFailure(f"no solution from the worker process within {SOLVER_WAIT_S:.0f} s "
                           f"(alive: {worker.is_alive()}, restarts: {worker.restart_reasons})")
    finally:
        worker.shutdown()


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (no Qt needed to check the screenshot)."""
    head = path.read_bytes()[:24]
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        raise SmokeFailure(f"{path} is not a PNG")
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def check_window(ctx: _Context) -> str:
    from territory_desktop.ui.hub.document import Document
    from territory_desktop.ui.shell.screenshot import grab_window
    from territory_desktop.ui.shell.startup import ensure_app

    ensure_app(offscreen=True)
    out = grab_window(Document(ctx.plan), ctx.folder / "window.png", WINDOW_SIZE)
    width, height = png_size(out)
    if (width, height) != WINDOW_SIZE:
        raise SmokeFailure(f"window PNG is {width}x{height}, expected {WINDOW_SIZE[0]}x{WINDOW_SIZE[1]}")
    return f"{width}x{height} PNG, {out.stat().st_size / 1e3:.0f} kB"


CHECKS: tuple[tuple[str, Callable[[_Context], str]], ...] = (
    ("bundled sample imports", check_sample),
    ("KPIs match a full recompute", check_kpis),
    ("project saves and reopens", check_project),
    ("OR-Tools native solvers load", check_ortools),
    ("solver worker process solves", check_solver),
    ("main window renders offscreen", check_window),
)


def run_smoke_test(keep: Path | None = None, echo: Callable[[str], None] = print) -> bool:
    """Run every check in order (each needs the ones before); stop at the first failure. True if all pass."""
    key = "TERRITORY_DESKTOP_DATA_DIR"
    previous = os.environ.get(key)
    with tempfile.TemporaryDirectory(prefix="territory-smoke-") as tmp:
        folder = keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        # Window settings and recovery journals go to the temp folder: a smoke test leaves no trace, and
        # the variable is restored afterwards so nothing points at the deleted folder.
        if previous is None:
            os.environ[key] = str(Path(tmp) / "data")
        try:
            return _run_checks(_Context(folder), echo)
        finally:
            if previous is None:
                os.environ.pop(key, None)


def _run_checks(ctx: _Context, echo: Callable[[str], None]) -> bool:
    for name, check in CHECKS:
        t0 = time.perf_counter()
        try:
            detail = check(ctx)
        except SmokeFailure as exc:
            echo(f"FAILED {name}: {exc}")
            return False
        except Exception as exc:  # the point is to say which check broke and how, never to crash
            echo(f"FAILED {name}: {type(exc).__name__}: {exc}")
            traceback.print_exc(file=sys.stderr)
            return False
        echo(f"ok     {name} ({detail}; {time.perf_counter() - t0:.1f} s)")
    echo(PASSED)
    return True


def main(argv: list[str] | None = None) -> int:
    """`territory-desktop --smoke-test [--keep FOLDER]`: exit 0 when every check passes, 1 otherwise."""
    ap = argparse.ArgumentParser(prog="territory-desktop --smoke-test",
                                 description="Check headless that this install imports, saves, solves and "
                                             "renders.")
    ap.add_argument("--keep", type=Path, help="write the project and window PNG here instead of a temp folder")
    ns = ap.parse_args(argv)
    frozen = "frozen" if getattr(sys, "frozen", False) else "from source"
    print(f"Territory Desktop smoke test ({frozen}, Python {sys.version.split()[0]}, {sys.platform})",
          flush=True)
    t0 = time.perf_counter()
    ok = run_smoke_test(ns.keep, lambda line: print(line, flush=True))
    print(f"total {time.perf_counter() - t0:.1f} s", flush=True)
    return 0 if ok else 1
