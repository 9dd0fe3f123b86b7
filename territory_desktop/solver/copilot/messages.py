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


BUDGET_HINT = "The change budget may be too small"
"""How `engine.explain_infeasibility`'s budget line begins (the engine sits below this package and writes it
itself; tests/solver/copilot/test_budget_status.py keeps the two in step). That line is a hint, not a proof:
no rule conflicts, the change budget bounded the search. The dock words it as a limit, not a rules conflict."""


def is_budget_hint(explanation: str) -> bool:
    """True for the budget line of `Infeasible.explanations` (or a status detail made of it alone)."""
    return explanation.strip().startswith(BUDGET_HINT)


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
    """The best plan leaves territories out of band; each explanation names a conflict of the hard rules in
    planner's words, or is the one budget hint (`is_budget_hint`) when no conflict was found but a change budget
    bounded the search."""

    version: int
    explanations: tuple[str, ...]


WorkerMessage = Started | Improved | Finished | Failed | Infeasible
