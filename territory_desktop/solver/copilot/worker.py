"""The co-pilot's long-lived worker process: the solver runs there so it can never freeze or corrupt the window.

Why a process and not a thread: CP-SAT and the numpy greedy hold the CPU for seconds; a crash inside OR-Tools
must not take the planner's unsaved plan with it; and a hung solve must be killable. The worker only ever sees
snapshots (`Problem`, plain numpy arrays) and sends back `messages` dataclasses, so the plan cannot be touched.

Protocol. The parent bumps a shared generation counter on every submit or cancel; the child's `should_stop` is
"my generation is no longer the current one", which is the race-free form of a shared stop Event (a job never
clears a stop meant for the job after it). The engine polls `should_stop` in its loops and, during an OR-Tools
solve, from a 50 ms watcher thread that interrupts the solve. Every `should_stop` call bumps a heartbeat
counter; if a running job shows no heartbeat for `watchdog_s`, or the process dies, the parent restarts it and
reports `Failed`. If a superseded job ignores the stop for `cancel_grace_s`, the process is replaced quietly (a
restart costs ~1.5 s of imports, so the grace is longer than the engine's slowest stretch between stop checks,
~1 s at 100k accounts). The child ends itself when the window's process dies.

Frozen apps: the process uses the `spawn` context and the importable top-level `run_worker`, so it starts under
PyInstaller once app.py has called `multiprocessing.freeze_support()`. OR-Tools is imported in the child only.
"""

from __future__ import annotations

import contextlib
import importlib
import multiprocessing
import os
import queue
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from territory_desktop.solver.copilot.messages import (
    Failed,
    Finished,
    Improved,
    Infeasible,
    Started,
    WorkerMessage,
)

if TYPE_CHECKING:
    from territory_desktop.solver.problem.snapshot import Problem

ENGINE_MODULE = "territory_desktop.solver.engine"
PARENT_CHECK_S = 0.5


# ----- the child process ------------------------------------------------------------------------------
def _watch_parent() -> None:
    """End the process if the window's process died, even in the middle of a long solve."""
    parent = multiprocessing.parent_process()
    while parent is not None:
        time.sleep(PARENT_CHECK_S)
        if not parent.is_alive():
            os._exit(0)


def run_worker(jobs: Any, results: Any, generation: Any, heartbeat: Any,
               engine_module: str = ENGINE_MODULE) -> None:
    """Entry point of the worker process: take jobs until told to stop or the window's process is gone."""
    if hasattr(os, "nice"):
        with contextlib.suppress(OSError):
            os.nice(5)  # leave the window's event loop the first claim on a 2-core laptop
    if engine_module == ENGINE_MODULE:
        from territory_desktop.solver import (
            engine,  # a static import, so PyInstaller's analysis bundles the engine and OR-Tools
        )
    else:
        engine = importlib.import_module(engine_module)  # a stand-in engine (tests)
    threading.Thread(target=_watch_parent, daemon=True).start()
    # Never block at exit flushing results nobody reads (the window died or is shutting down): the child
    # would linger as an orphan with its feeder thread stuck on a full pipe.
    results.cancel_join_thread()
    parent = multiprocessing.parent_process()
    while True:
        try:
            job = jobs.get(timeout=0.5)
        except queue.Empty:
            if parent is not None and not parent.is_alive():
                os._exit(0)  # the window's process is gone: nothing left to do, nothing to flush
            continue
        if job is None:
            return
        gen, version, problem, time_limit = job
        if generation.value != gen:  # replaced before it started: still say it ended, the parent waits for it
            results.put((gen, Finished(version, "cancelled")))
            continue
        _run_job(engine, results, generation, heartbeat, gen, version, problem, time_limit)


def _run_job(engine: Any, results: Any, generation: Any, heartbeat: Any, gen: int, version: int,
             problem: Any, time_limit: float) -> None:
    def should_stop() -> bool:
        heartbeat.value += 1
        return generation.value != gen

    def send(msg: WorkerMessage) -> None:
        results.put((gen, msg))

    send(Started(version))
    last = None
    try:
        for sol in engine.solve_stream(problem, time_limit, should_stop):
            if should_stop():
                break
            last = sol
            send(Improved(version, sol))
        if should_stop():
            send(Finished(version, "cancelled"))
            return
        if last is None:
            send(Finished(version, "no plan"))
            return
        if not last.in_band:
            heartbeat.value += 1
            names = list(getattr(problem, "names", None) or [])
            explanations = engine.explain_infeasibility(problem, names)
            heartbeat.value += 1
            if explanations:
                send(Infeasible(version, tuple(explanations)))
        send(Finished(version, str(last.status)))
    except Exception as exc:  # the worker must survive any solver error and say what happened
        traceback.print_exc(file=sys.stderr)
        send(Failed(version, f"The solver stopped with an internal error ({type(exc).__name__}: {exc}). "
                             "Your plan is unchanged."))


# ----- the window's side ------------------------------------------------------------------------------
@dataclass
class _Job:
    gen: int
    version: int
    problem: Problem
    time_limit: float
    stop_at: float | None = None
    explicit_cancel: bool = False
    started_at: float = field(default_factory=time.monotonic)


class SolverWorker:
    """Owns the solver process: submit snapshots, cancel, and poll for messages without ever blocking."""

    def __init__(self, *, watchdog_s: float = 10.0, cancel_grace_s: float = 3.0,
                 engine_module: str = ENGINE_MODULE) -> None:
        self.watchdog_s = watchdog_s
        self.cancel_grace_s = cancel_grace_s
        self.engine_module = engine_module
        self.restarts = 0
        self.restart_reasons: list[str] = []
        """Why each restart happened ("crash", "hang", "cancel ignored"): for diagnostics and benchmarks."""
        self._ctx = multiprocessing.get_context("spawn")
        self._proc: Any = None
        self._jobs: Any = None
        self._results: Any = None
        self._generation: Any = None
        self._heartbeat: Any = None
        self._gen = 0
        self._current: _Job | None = None
        self._stopping: list[_Job] = []
        self._beat = 0
        self._beat_at = time.monotonic()

    # ----- lifecycle ---------------------------------------------------------------------------------
    def start(self) -> None:
        """Start the process (returns at once; the child imports OR-Tools in the background)."""
        if self._proc is not None and self._proc.is_alive():
            return
        ctx = self._ctx
        self._jobs = ctx.Queue()
        self._results = ctx.Queue()
        self._generation = ctx.RawValue("q", self._gen)  # lock-free: a killed child cannot hold a lock
        self._heartbeat = ctx.RawValue("Q", 0)
        self._beat, self._beat_at = 0, time.monotonic()
        self._proc = ctx.Process(target=run_worker, name="territory-solver", daemon=True,
                                 args=(self._jobs, self._results, self._generation, self._heartbeat,
                                       self.engine_module))
        self._proc.start()

    def is_alive(self) -> bool:
        return self._proc is not None and self._proc.is_alive()

    @property
    def pid(self) -> int | None:
        return None if self._proc is None else self._proc.pid

    @property
    def busy(self) -> bool:
        """A job is running (or one is still winding down after a cancel)."""
        return self._current is not None or bool(self._stopping)

    def shutdown(self, timeout: float = 1.0) -> None:
        """Ask the process to exit; kill it if it does not within `timeout`."""
        if self._proc is None:
            return
        self._bump_generation()
        with contextlib.suppress(Exception):
            self._jobs.put(None)
        self._proc.join(timeout)
        self._kill_process()
        self._proc = None
        self._current = None
        self._stopping = []

    # ----- jobs --------------------------------------------------------------------------------------
    def submit(self, problem: Problem, time_limit: float) -> None:
        """Solve `problem` (a snapshot), replacing any running job, which is stopped cooperatively."""
        if not self.is_alive():
            self.start()
        self._retire_current(explicit=False)
        self._bump_generation()
        job = _Job(self._gen, int(problem.version), problem, float(time_limit))
        self._jobs.put((job.gen, job.version, problem, job.time_limit))
        self._current = job
        self._touch()

    def cancel(self) -> None:
        """Stop the running job; a Finished(version, "cancelled") follows (normally within ~100 ms)."""
        if self._current is None:
            return
        self._retire_current(explicit=True)
        self._bump_generation()

    def poll(self) -> list[WorkerMessage]:
        """Messages that arrived since the last poll; also restarts a dead or hung process. Never blocks."""
        if self._proc is None:
            return []
        out: list[WorkerMessage] = []
        broken = False
        while True:
            try:
                gen, msg = self._results.get_nowait()
            except queue.Empty:
                break
            except (EOFError, OSError, ValueError):
                broken = True
                break
            self._touch()
            out.extend(self._route(gen, msg))
        out.extend(self._supervise(broken))
        return out

    # ----- internals ---------------------------------------------------------------------------------
    def _bump_generation(self) -> None:
        self._gen += 1
        if self._generation is not None:
            self._generation.value = self._gen

    def _retire_current(self, explicit: bool) -> None:
        if self._current is not None:
            self._current.stop_at = time.monotonic()
            self._current.explicit_cancel = explicit
            self._stopping.append(self._current)
            self._current = None

    def _touch(self) -> None:
        self._beat_at = time.monotonic()

    def _route(self, gen: int, msg: WorkerMessage) -> list[WorkerMessage]:
        """Deliver the current job's messages; of a stopped job only its end, and only if it was cancelled."""
        ends = isinstance(msg, Finished | Failed)
        cur = self._current
        if cur is not None and gen == cur.gen:
            if ends:
                self._current = None
            return [msg]
        for job in self._stopping:
            if job.gen == gen and ends:
                self._stopping.remove(job)
                return [Finished(job.version, "cancelled")] if job.explicit_cancel else []
        return []

    def _supervise(self, broken: bool) -> list[WorkerMessage]:
        now = time.monotonic()
        beat = self._heartbeat.value
        if beat != self._beat:
            self._beat, self._beat_at = beat, now
        version = self._current.version if self._current is not None else -1
        if broken or not self._proc.is_alive():
            code = self._proc.exitcode
            self._restart("crash")
            return [Failed(version, f"The solver process stopped unexpectedly (exit code {code}) and was "
                                    "restarted. Your plan is unchanged.")]
        if self.busy and now - self._beat_at > self.watchdog_s:
            self._restart("hang")
            return [Failed(version, f"The solver stopped responding for {self.watchdog_s:.0f} s and was "
                                    "restarted. Your plan is unchanged.")]
        late = [j for j in self._stopping if j.stop_at is not None and now - j.stop_at > self.cancel_grace_s]
        if late:  # a solve that ignores the stop: replace the process, keep the current job
            out: list[WorkerMessage] = [Finished(j.version, "cancelled") for j in late if j.explicit_cancel]
            current = self._current
            self._restart("cancel ignored")
            if current is not None:
                self.submit(current.problem, current.time_limit)
            return out
        return []

    def _restart(self, reason: str) -> None:
        self.restart_reasons.append(reason)
        self._kill_process()
        self._current = None
        self._stopping = []
        self.restarts += 1
        self.start()

    def _kill_process(self) -> None:
        proc = self._proc
        if proc is not None and proc.is_alive():
            proc.kill()
            proc.join(1.0)
        for q in (self._jobs, self._results):
            if q is not None:
                with contextlib.suppress(Exception):
                    q.cancel_join_thread()
                    q.close()
        self._jobs = self._results = None
