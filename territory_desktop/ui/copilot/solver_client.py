"""The window's side of the co-pilot: follows the plan, feeds the solver process, turns its plans into suggestions.

Nothing here blocks the event loop: the worker is polled by a QTimer, a snapshot (`problem_from_plan`, O(N)
numpy, ~30 ms at 100k accounts) is taken only after the planner pauses editing for `debounce_ms`, and results for
an older plan version are dropped. When an edit merely accepts suggestions (every moved row now sits where the
solver's plan puts it), the remaining suggestions are re-derived at once from the same solver plan instead of
disappearing until the next solve.

The change budget (`copilot_change_budget`) goes to the solver as its move limit, so the plan it looks for is
one the list can offer whole. Once every territory is in band and within capacity the client does not solve
at all ("Balanced — nothing worth moving") until an edit changes that; with a least gain of 0 the planner has
asked for every move, and it solves anyway. A refresh that replaces the account set (change kind "accounts")
forgets the solution and the rejected moves: their rows numbered the old accounts.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from territory_desktop.core import kpis
from territory_desktop.core.band_summary import projected_summary
from territory_desktop.core.plan import Plan, PlanChange
from territory_desktop.solver.copilot.messages import Failed, Finished, Improved, Infeasible, Started
from territory_desktop.solver.copilot.suggestions import Suggestion, change_budget, make_suggestions
from territory_desktop.solver.copilot.worker import SolverWorker
from territory_desktop.solver.problem.from_plan import problem_from_plan

RUNNING, IDLE, INFEASIBLE, ERROR, PAUSED = "running", "idle", "infeasible", "error", "paused"
BALANCED_TEXT = "Balanced — nothing worth moving: every territory is in band and within capacity."


def is_balanced(plan: Plan) -> bool:
    """Every active territory in band and within capacity, and every account owned: nothing to fix."""
    h = kpis.plan_health(plan)
    return bool(h.territories) and not h.out_of_band and not h.over_capacity and not h.unassigned


class SolverClient(QObject):
    """Owns a SolverWorker for one plan at a time and reports what the co-pilot is doing."""

    statusChanged = Signal(str, str)  # state (running/idle/infeasible/error/paused), detail for the planner
    suggestionsChanged = Signal(list)  # list[Suggestion], best first, all for the current plan version
    progress = Signal(float, object, float)  # objective, bound (float | None), seconds since the job started

    def __init__(self, plan: Plan, parent: QObject | None = None, *, worker: SolverWorker | None = None,
                 debounce_ms: int = 400, poll_ms: int = 50, time_limit: float = 30.0,
                 problem_options: dict[str, Any] | None = None, autostart: bool = True) -> None:
        super().__init__(parent)
        self.time_limit = time_limit
        self.problem_options = dict(problem_options or {})
        self._worker = worker if worker is not None else SolverWorker()
        self._plan: Plan | None = None
        self._job: tuple[int, Plan, int] | None = None  # (token sent to the worker, plan, its version then)
        self._job_counter = 0
        self._paused = False
        self._state, self._detail = IDLE, ""
        self._solution: np.ndarray | None = None
        self._suggestions: list[Suggestion] = []
        self._rejected: set[tuple[int, int]] = set()
        self._infeasible = False
        self._last_message = ""
        self._poll = QTimer(self)
        self._poll.setInterval(poll_ms)
        self._poll.timeout.connect(self._on_poll)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(debounce_ms)
        self._debounce.timeout.connect(self.solve_now)
        self.set_plan(plan, solve=False)
        if autostart:
            self._worker.start()
            self._poll.start()
            self.schedule()

    # ----- public API --------------------------------------------------------------------------------
    @property
    def plan(self) -> Plan | None:
        return self._plan

    @property
    def state(self) -> str:
        return self._state

    @property
    def detail(self) -> str:
        return self._detail

    @property
    def suggestions(self) -> list[Suggestion]:
        return list(self._suggestions)

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def worker(self) -> SolverWorker:
        return self._worker

    def set_plan(self, plan: Plan, solve: bool = True) -> None:
        """Follow another plan (a file was opened): forget the old plan's solution and rejections."""
        if self._plan is not None:
            self._plan.changed.disconnect(self._on_plan_changed)
        self._plan = plan
        plan.changed.connect(self._on_plan_changed)
        self._worker.cancel()  # its job was the old plan's
        self._job = None
        self._rejected.clear()
        self._drop_solution()
        if solve:
            self.schedule()

    def schedule(self) -> None:
        """Solve after the debounce (restarting it): edits in quick succession cost one snapshot."""
        if not self._paused:
            self._debounce.start()

    def solve_now(self) -> None:
        """Snapshot the plan and hand it to the worker, replacing whatever it was doing."""
        self._debounce.stop()
        plan = self._plan
        if self._paused or plan is None:
            return
        if plan.n_accounts == 0 or len(plan.active_territories()) == 0:
            self._worker.cancel()
            self._set_status(IDLE, "Nothing to balance yet: the plan needs accounts and territories.")
            return
        if plan.settings.copilot_min_gain > 0 and is_balanced(plan):
            self._worker.cancel()
            self._job = None
            self._drop_solution()
            self._set_status(IDLE, BALANCED_TEXT)
            return
        options = dict(self.problem_options)
        budget = change_budget(plan)
        if budget.limit is not None and "max_moves" not in options and options.get("mode", "rebalance") != "carve":
            options["max_moves"] = budget.limit  # look for a plan the list can offer whole
        try:
            problem = problem_from_plan(plan, **options)
        except ValueError as exc:
            self._set_status(ERROR, f"The co-pilot cannot read these balance settings: {exc}")
            return
        if self._rejected:  # the planner said no: keep those accounts where they are, let the solver adapt
            rows = np.fromiter((r for r, _ in self._rejected), dtype=np.int64)
            problem.movable[rows[rows < plan.n_accounts]] = False
        self._infeasible = False
        self._last_message = ""
        # Jobs carry a token of this client, not the plan version: two plans (a file opened after another)
        # both start at version 0, and an old plan's result must never pass for the new one's.
        self._job_counter += 1
        problem.version = self._job_counter
        self._job = (self._job_counter, plan, plan.version)
        self._worker.submit(problem, self.time_limit)
        self._set_status(RUNNING, "Looking for a better balance…")

    def pause(self) -> None:
        """Stop solving until resume(); the current suggestions stay."""
        self._paused = True
        self._debounce.stop()
        self._worker.cancel()
        self._set_status(PAUSED, "Paused: the co-pilot suggests nothing new until you resume it.")

    def resume(self) -> None:
        self._paused = False
        self.solve_now()

    def reject(self, suggestion: Suggestion) -> None:
        """Drop a suggestion and never offer those moves again for this plan."""
        self._rejected |= suggestion.moves()
        self._suggestions = [s for s in self._suggestions if s is not suggestion]
        self.suggestionsChanged.emit(list(self._suggestions))
        self.schedule()

    def shutdown(self) -> None:
        """Stop the timers and the worker process (on window close)."""
        self._poll.stop()
        self._debounce.stop()
        if self._plan is not None:
            self._plan.changed.disconnect(self._on_plan_changed)
        self._worker.shutdown()

    # ----- plan events -------------------------------------------------------------------------------
    def _on_plan_changed(self, change: PlanChange) -> None:
        plan = self._plan
        assert plan is not None
        sol = self._solution
        if change.kind == "accounts":  # a CRM refresh replaced the accounts: rows of the old set mean nothing now
            self._rejected.clear()
            sol = None
        accepted = (change.kind == "assignment" and sol is not None and len(change.rows) > 0
                    and len(sol) == plan.n_accounts
                    and bool((plan.assignment[change.rows] == sol[change.rows]).all()))
        self._worker.cancel()  # its snapshot is out of date; free the CPU for the window
        self._job = None
        if accepted:
            self._publish(sol)
        else:
            self._drop_solution()
        self.schedule()

    def _drop_solution(self) -> None:
        self._solution = None
        if self._suggestions:
            self._suggestions = []
            self.suggestionsChanged.emit([])

    def _publish(self, assignment: np.ndarray) -> None:
        plan = self._plan
        assert plan is not None
        self._solution = assignment
        allow = self.problem_options.get("allow_pipeline_moves")
        self._suggestions = make_suggestions(plan, assignment, plan.version, allow_pipeline_moves=allow,
                                             rejected=self._rejected)
        self.suggestionsChanged.emit(list(self._suggestions))

    # ----- worker messages ---------------------------------------------------------------------------
    def _on_poll(self) -> None:
        plan = self._plan
        msgs = self._worker.poll()
        newest = max((i for i, m in enumerate(msgs) if isinstance(m, Improved)), default=-1)
        for i, msg in enumerate(msgs):
            if isinstance(msg, Improved) and i != newest:
                continue  # several plans in one poll: only the best one becomes suggestions
            job = self._job
            current = (plan is not None and job is not None and msg.version == job[0] and job[1] is plan
                       and job[2] == plan.version)
            if isinstance(msg, Failed):
                self._set_status(ERROR, msg.message)
            elif not current:
                continue  # a result for an older plan: stale
            elif isinstance(msg, Started):
                self._set_status(RUNNING, "Looking for a better balance…")
            elif isinstance(msg, Improved):
                sol = msg.solution
                # The message describes the solver's plan, not today's: say so, or it reads like a contradiction
                # of the status bar (which describes the plan as it is). Worded from the core's numbers with
                # honest band words (the solver's snapshot rounds "−30.4%" to "−30%" beside a ±30% band).
                summary = projected_summary(plan, sol.assignment)
                self._last_message = f"If you accept every suggestion: {summary[:1].lower()}{summary[1:]}"
                self.progress.emit(sol.objective, sol.bound, sol.elapsed)
                self._publish(sol.assignment)
                if not self._infeasible:
                    self._set_status(RUNNING, self._last_message)
            elif isinstance(msg, Infeasible):
                self._infeasible = True
                self._set_status(INFEASIBLE, "\n".join(msg.explanations))
            elif isinstance(msg, Finished) and msg.status != "cancelled" and not self._infeasible:
                done = self._last_message or "No better plan found."
                self._set_status(IDLE, done if self._suggestions else f"{done} Nothing to suggest.")

    def _set_status(self, state: str, detail: str) -> None:
        if (state, detail) != (self._state, self._detail):
            self._state, self._detail = state, detail
            self.statusChanged.emit(state, detail)
