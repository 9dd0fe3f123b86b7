"""The solver process: streams plans, stops on cancel, survives a crash or a hang, never touches the plan.

Process tests are few (each spawn costs about a second): one shared worker runs the real engine; one more
runs the stand-in engine below, which hangs on purpose.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterator

import numpy as np
import pytest

from territory_desktop.core.settings import ACCOUNTS, BalancedMeasure, BalanceSettings
from territory_desktop.solver.copilot.messages import (
    Failed,
    Finished,
    Improved,
    Infeasible,
    Started,
    WorkerMessage,
)
from territory_desktop.solver.copilot.worker import SolverWorker
from territory_desktop.solver.problem.from_plan import problem_from_plan
from territory_desktop.solver.problem.snapshot import Problem
from tests.conftest import make_plan

SETTINGS = BalanceSettings(measures=(BalancedMeasure("potential", 0.15, 1.0, primary=True),
                                     BalancedMeasure(ACCOUNTS, 0.30, 0.5)), allow_pipeline_moves=True)


# ----- a stand-in engine for the hang test (imported by name in the child) ----------------------------
def solve_stream(problem: Problem, time_limit: float, should_stop: Callable[[], bool]) -> Iterator[object]:
    """Hangs without ever asking should_stop: what a wedged native solver looks like from outside."""
    time.sleep(600)
    yield from ()


def explain_infeasibility(problem: Problem, names: list[str]) -> list[str]:
    return []


# ----- helpers ----------------------------------------------------------------------------------------
def collect(worker: SolverWorker, until: Callable[[WorkerMessage], bool], timeout: float) -> list[WorkerMessage]:
    """Poll like the window does (every 10 ms) until a message satisfies `until`."""
    out: list[WorkerMessage] = []
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        batch = worker.poll()
        out.extend(batch)
        if any(until(m) for m in batch):
            return out
        time.sleep(0.01)
    raise AssertionError(f"no expected message within {timeout} s; got {out}")


@pytest.fixture(scope="module")
def worker() -> Iterator[SolverWorker]:
    w = SolverWorker(watchdog_s=30.0)
    w.start()
    yield w
    w.shutdown()


def _plan(n: int = 400, k: int = 6, seed: int = 1):
    plan = make_plan(n, k, seed=seed)
    plan.settings = SETTINGS
    return plan


# ----- tests ------------------------------------------------------------------------------------------
def test_streams_improving_plans_that_keep_the_locks_and_leave_the_plan_alone(worker: SolverWorker):
    plan = _plan()
    plan.locked[:50] = True
    before = plan.assignment.copy()
    worker.submit(problem_from_plan(plan), time_limit=2.0)
    msgs = collect(worker, lambda m: isinstance(m, Finished), timeout=30)
    assert isinstance(msgs[0], Started) and msgs[0].version == plan.version
    improved = [m for m in msgs if isinstance(m, Improved)]
    assert improved, msgs
    objectives = [m.solution.objective for m in improved]
    assert objectives == sorted(objectives, reverse=True) or len(objectives) == 1
    best = improved[-1].solution.assignment
    assert np.array_equal(best[:50], before[:50]), "a locked account moved"
    assert not np.array_equal(best, before), "the solver proposed nothing for an unbalanced random plan"
    assert np.array_equal(plan.assignment, before) and plan.version == 0


def test_cancel_stops_the_job_quickly(worker: SolverWorker):
    plan = _plan(3000, 12, seed=3)
    worker.submit(problem_from_plan(plan), time_limit=60.0)
    collect(worker, lambda m: isinstance(m, Improved), timeout=30)
    time.sleep(0.3)  # let it get into the slow part (CP-SAT)
    t0 = time.monotonic()
    worker.cancel()
    msgs = collect(worker, lambda m: isinstance(m, Finished), timeout=5)
    took = time.monotonic() - t0
    assert isinstance(msgs[-1], Finished) and msgs[-1].status == "cancelled"
    assert took < 0.5, f"cancel took {took * 1000:.0f} ms (goal 200 ms)"
    assert not worker.busy and worker.restarts == 0, "the cancel needed a process restart"


def test_a_new_job_replaces_the_running_one(worker: SolverWorker):
    plan = _plan(3000, 12, seed=4)
    worker.submit(problem_from_plan(plan), time_limit=60.0)
    collect(worker, lambda m: isinstance(m, Started), timeout=30)
    small = _plan(200, 4, seed=5)
    small.version = 7
    worker.submit(problem_from_plan(small), time_limit=1.0)
    msgs = collect(worker, lambda m: isinstance(m, Finished), timeout=30)
    assert {m.version for m in msgs} == {7}, "messages of the replaced job leaked through"
    assert msgs[-1].status != "cancelled"


def test_a_burst_of_edits_winds_down_every_replaced_job(worker: SolverWorker):
    problems = [problem_from_plan(_plan(300, 4, seed=s)) for s in range(4)]
    for i, p in enumerate(problems):
        p.version = 100 + i
        worker.submit(p, time_limit=1.0)
        if i == 2:
            worker.cancel()  # jobs replaced or cancelled before the process even took them
    collect(worker, lambda m: isinstance(m, Finished) and m.version == 103, timeout=30)
    end = time.monotonic() + 2
    while worker.busy and time.monotonic() < end:
        worker.poll()
        time.sleep(0.01)
    assert not worker.busy, "a replaced job never reported its end (the worker would restart needlessly)"
    assert worker.restarts == 0


def test_conflicting_rules_are_explained(worker: SolverWorker):
    plan = _plan(300, 4, seed=6)
    plan.territories[0].locked = True
    plan.assignment[:] = 0  # a locked territory holding everything: the others cannot reach their band
    from territory_desktop.core.kpi_state import KpiState

    plan.kpis = KpiState.full(plan)
    worker.submit(problem_from_plan(plan), time_limit=1.0)
    msgs = collect(worker, lambda m: isinstance(m, Finished), timeout=30)
    infeasible = [m for m in msgs if isinstance(m, Infeasible)]
    assert infeasible, msgs
    assert any("T0" in e and "locked" in e for e in infeasible[0].explanations), infeasible[0].explanations


def test_a_killed_process_is_restarted_and_says_so(worker: SolverWorker):
    plan = _plan(3000, 12, seed=7)
    before = plan.assignment.copy()
    worker.submit(problem_from_plan(plan), time_limit=60.0)
    collect(worker, lambda m: isinstance(m, Started), timeout=30)
    os.kill(worker.pid, signal.SIGKILL)
    msgs = collect(worker, lambda m: isinstance(m, Failed), timeout=5)
    assert "restarted" in msgs[-1].message and msgs[-1].version == plan.version
    assert worker.is_alive() and worker.restarts == 1
    worker.submit(problem_from_plan(_plan(200, 4)), time_limit=0.5)
    collect(worker, lambda m: isinstance(m, Improved), timeout=30)
    assert np.array_equal(plan.assignment, before)


def test_a_hung_solver_is_restarted_by_the_watchdog():
    w = SolverWorker(watchdog_s=1.0, engine_module=__name__)
    try:
        t0 = time.monotonic()
        w.submit(problem_from_plan(_plan(100, 3)), time_limit=5.0)
        # on a loaded machine the worker may still be starting when the 1 s watchdog fires: either way the
        # silence is caught, reported once, and a fresh worker takes over
        msgs = collect(w, lambda m: isinstance(m, Failed), timeout=30)
        assert "stopped responding" in msgs[-1].message
        assert time.monotonic() - t0 > 0.8
        assert w.restarts == 1 and w.is_alive()
    finally:
        w.shutdown()


ORPHAN_SCRIPT = """
import sys, time
from tests.conftest import make_plan
from territory_desktop.solver.problem.from_plan import problem_from_plan
from territory_desktop.solver.copilot.worker import SolverWorker
if __name__ == "__main__":
    w = SolverWorker()
    w.submit(problem_from_plan(make_plan(3000, 12, seed=2)), time_limit=120.0)
    print(w.pid, flush=True)
    time.sleep(120)
"""


def _pid_alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not os.path.exists("/proc/self/stat"), reason="needs /proc")
def test_the_solver_process_ends_when_the_window_process_dies(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    script = tmp_path / "window.py"
    script.write_text(ORPHAN_SCRIPT)
    root = Path(__file__).resolve().parents[2]
    window = subprocess.Popen([sys.executable, str(script)], cwd=root, stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": str(root)})
    child = 0
    try:
        child = int(window.stdout.readline())
        time.sleep(1.5)  # the solver is busy now
        assert _pid_alive(child)
        window.kill()  # the window crashes hard: no clean shutdown
        window.wait(5)
        end = time.monotonic() + 5
        while _pid_alive(child) and time.monotonic() < end:
            time.sleep(0.05)
        assert not _pid_alive(child), "the solver process outlived the window"
    finally:
        window.kill()
        if child and _pid_alive(child):
            os.kill(child, signal.SIGKILL)
