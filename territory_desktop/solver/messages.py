"""What the solver worker process reports back, as plain dataclasses of numpy arrays and strings.

These types live apart from engine.py on purpose: the window process unpickles them from the worker's queue, and
importing them must not import OR-Tools (engine.py does, at module level). `SolvedPlan` therefore mirrors the
fields of `engine.Solution` instead of being one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass
class SolvedPlan:
    """One improving plan from the solver (the fields of engine.Solution that the window needs)."""

    assignment: np.ndarray
    objective: float
    bound: float | None
    feasible: bool
    in_band: bool
    elapsed: float
    status: str
    message: str
    violation: float = 0.0

    @classmethod
    def of(cls, solution: Any) -> SolvedPlan:
        """Copy an engine.Solution (duck-typed, so this module never imports the engine)."""
        return cls(np.asarray(solution.assignment, dtype=np.int32), float(solution.objective),
                   None if solution.bound is None else float(solution.bound), bool(solution.feasible),
                   bool(solution.in_band), float(solution.elapsed), str(solution.status),
                   str(solution.message), float(getattr(solution, "violation", 0.0)))


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
