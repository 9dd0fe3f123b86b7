"""Scenarios: named versions of one plan kept in one project file ("Main plan", "FY27 two new reps", ...).

A scenario is a whole plan (its own assignment, territories, settings, change notes and audit trail) with a
name and notes. They share the accounts they were copied with and the baseline, so any two compare account by
account (`core/compare.py`). A `ScenarioSet` holds them in order with the active one; the rules (names unique
and not blank, the last scenario cannot be deleted) live here so the window and the CLI refuse alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from territory_desktop.core.audit import SCENARIO, now_iso
from territory_desktop.core.plan import Plan
from territory_desktop.core.territory import Territory

DEFAULT_NAME = "Main plan"
"""The name of the only scenario of a plan saved before scenarios existed."""
MAX_NAME = 80
MAX_NOTES = 10_000


class ScenarioError(ValueError):
    """A scenario operation the rules refuse; the message says which rule and which name."""


@dataclass
class Scenario:
    name: str
    plan: Plan
    notes: str = ""
    created_at: str = field(default_factory=now_iso)


def copy_plan(plan: Plan) -> Plan:
    """An independent copy: own accounts frame (re-segmenting one scenario must not touch another), own
    territories, arrays, notes and audit trail; the imported source columns are shared (never edited)."""
    copy = Plan(plan.accounts.copy(), [Territory.from_dict(t.to_dict()) for t in plan.territories],
                plan.assignment, plan.baseline, plan.locked, plan.settings, None, plan.notes.copy(),
                list(plan.audit))
    copy.source = plan.source
    copy.adjacency = plan.adjacency  # immutable: shared like the source
    return copy


class ScenarioSet:
    """The scenarios of one project, in order, and which one is active (shown in the window, used by
    commands that name none)."""

    def __init__(self, scenarios: list[Scenario], active: int = 0) -> None:
        if not scenarios:
            raise ScenarioError("A project needs at least one scenario.")
        self.scenarios = list(scenarios)
        self.active = min(max(int(active), 0), len(self.scenarios) - 1)
        for s in self.scenarios:
            s.plan.scenarios = self

    @classmethod
    def single(cls, plan: Plan, name: str = DEFAULT_NAME) -> ScenarioSet:
        """The set a plan belongs to: its own, or a new one with this plan as the only scenario."""
        existing = plan.scenarios
        if isinstance(existing, ScenarioSet) and any(s.plan is plan for s in existing.scenarios):
            return existing
        return cls([Scenario(name, plan)])

    # ----- lookups -----------------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.scenarios)

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.scenarios]

    @property
    def current(self) -> Scenario:
        return self.scenarios[self.active]

    def index_of(self, name: str) -> int:
        """The scenario called `name` (case-insensitive; a unique prefix will do); ScenarioError otherwise."""
        wanted = name.strip().casefold()
        exact = [i for i, s in enumerate(self.scenarios) if s.name.casefold() == wanted]
        if exact:
            return exact[0]
        prefix = [i for i, s in enumerate(self.scenarios) if s.name.casefold().startswith(wanted)] if wanted else []
        if len(prefix) == 1:
            return prefix[0]
        known = ", ".join(repr(n) for n in self.names)
        if len(prefix) > 1:
            raise ScenarioError(f"{name!r} matches several scenarios: {', '.join(repr(self.names[i]) for i in prefix)}.")
        raise ScenarioError(f"There is no scenario {name!r}; the scenarios are {known}.")

    def index_of_plan(self, plan: Plan) -> int:
        for i, s in enumerate(self.scenarios):
            if s.plan is plan:
                return i
        raise ScenarioError("That plan is not one of these scenarios.")

    # ----- operations --------------------------------------------------------------------------------------
    def check_name(self, name: str, ignore: int | None = None) -> str:
        """The name as kept (trimmed), or ScenarioError if blank, too long or taken."""
        clean = " ".join(str(name).split())
        if not clean:
            raise ScenarioError("A scenario needs a name.")
        if len(clean) > MAX_NAME:
            raise ScenarioError(f"A scenario name has at most {MAX_NAME} characters ({len(clean)} given).")
        for i, s in enumerate(self.scenarios):
            if i != ignore and s.name.casefold() == clean.casefold():
                raise ScenarioError(f"There is already a scenario called {s.name!r}.")
        return clean

    def duplicate(self, index: int, name: str, notes: str = "") -> int:
        """Copy scenario `index` as a new scenario (after the others); returns its index. Not activated."""
        clean = self.check_name(name)
        src = self.scenarios[index]
        plan = copy_plan(src.plan)
        plan.record(SCENARIO, f"Scenario {clean!r} created from {src.name!r}", notes[:MAX_NOTES])
        self.scenarios.append(Scenario(clean, plan, notes[:MAX_NOTES]))
        plan.scenarios = self
        return len(self.scenarios) - 1

    def rename(self, index: int, name: str) -> None:
        clean = self.check_name(name, ignore=index)
        s = self.scenarios[index]
        if clean != s.name:
            s.plan.record(SCENARIO, f"Scenario renamed from {s.name!r} to {clean!r}")
            s.name = clean

    def set_notes(self, index: int, notes: str) -> None:
        self.scenarios[index].notes = str(notes)[:MAX_NOTES]

    def delete(self, index: int) -> Scenario:
        """Remove scenario `index` (never the last one); the active scenario stays active where it can."""
        if len(self.scenarios) == 1:
            raise ScenarioError(f"{self.scenarios[0].name!r} is the only scenario: a project keeps at least one.")
        gone = self.scenarios.pop(index)
        gone.plan.scenarios = None
        if self.active > index or self.active == len(self.scenarios):
            self.active -= 1
        return gone

    def activate(self, index: int) -> None:
        if not 0 <= index < len(self.scenarios):
            raise ScenarioError(f"There is no scenario number {index + 1}.")
        self.active = index
