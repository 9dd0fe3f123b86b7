"""What the solver worker process reports back, as plain dataclasses of numpy arrays and strings.

These types live apart from engine.py on purpose: the window process unpickles them from the worker's queue, and
importing them must not import OR-Tools (engine.py does, at module level).
"""

from __future__ import annotations

from dataclasses import dataclass

from territory_desktop.solver.problem.solution import Solution

SolvedPlan = Solution
"""One improving plan from the solver: the engine's own Solution (solution.py imports numpy and the core only,
so unpickling it in the window never imports OR-Tools)."""


@dataclass(frozen=True)
class Started:
    """The worker took the job for plan `version`."""

    version: int


@dataclass(frozen=True)
class Improved:
    """A better plan than any before it for this job."""

    version: int
    solution: SolvedPlan


@dataclass(frozen=True)
class Finished:
    """The job ended: status is the last solution's status, "cancelled", or "no plan"."""

    version: int
    status: str


@dataclass(frozen=True)
class Failed:
    """The job (or the worker process) failed; `message` is written for the planner."""

    version: int
    message: str


@dataclass(frozen=True)
class Infeasible:
    """The bands cannot all hold under the hard rules; each explanation names a conflict in planner's words."""

    version: int
    explanations: tuple[str, ...]


WorkerMessage = Started | Improved | Finished | Failed | Infeasible
