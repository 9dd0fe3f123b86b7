"""How many reps each role needs: by the work its books hold and by the revenue it has to bring in.

Two independent answers, because either can be the binding one: a role can be fully booked yet too small for
its share of the number, or big enough for the number but drowning in service hours. The larger wins.

Settings imports this module for HeadcountSettings, so it reads the plan's running totals (`plan.kpis`, the
same totals kpis.measure_totals reads) without importing the plan or the KPI readers at run time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from territory_desktop.core.plan import Plan

NO_ROLE = "No role"
"""How territories whose rep has no role are named in the headcount lines."""


@dataclass(frozen=True)
class HeadcountSettings:
    """The capacity plan's assumptions, saved with the plan.

    target_utilisation: share of a rep's capacity a plan should fill (0.85 leaves room for new business);
    revenue_target and quota_per_rep: the number and one rep's quota (0 = not planned by quota);
    attainment: share of quota the average rep makes; ramp: productivity of a new hire per quarter since
    starting (1.0 = fully ramped; quarters past the list count as fully ramped).
    """

    target_utilisation: float = 0.85
    revenue_target: float = 0.0
    quota_per_rep: float = 0.0
    attainment: float = 0.9
    ramp: tuple[float, ...] = (0.25, 0.5, 0.75, 1.0)

    def __post_init__(self) -> None:
        if not self.target_utilisation > 0:
            raise ValueError(f"target utilisation must be above 0%, not {self.target_utilisation!r}")
        if not self.attainment > 0:
            raise ValueError(f"attainment must be above 0%, not {self.attainment!r}")
        if not (self.revenue_target >= 0 and self.quota_per_rep >= 0):
            raise ValueError("revenue target and quota per rep cannot be negative")
        if not self.ramp or any(not 0 <= r <= 1 for r in self.ramp):
            raise ValueError(f"ramp must list each quarter's productivity between 0 and 1, not {self.ramp!r}")

    def to_dict(self) -> dict[str, Any]:
        return {"target_utilisation": self.target_utilisation, "revenue_target": self.revenue_target,
                "quota_per_rep": self.quota_per_rep, "attainment": self.attainment, "ramp": list(self.ramp)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> HeadcountSettings:
        default = cls()
        return cls(
            target_utilisation=float(d.get("target_utilisation", default.target_utilisation)),
            revenue_target=float(d.get("revenue_target", default.revenue_target)),
            quota_per_rep=float(d.get("quota_per_rep", default.quota_per_rep)),
            attainment=float(d.get("attainment", default.attainment)),
            ramp=tuple(float(r) for r in d.get("ramp", default.ramp)),
        )


@dataclass(frozen=True)
class RoleHeadcount:
    """Reps one role has and needs. by_quota is None when the settings plan no revenue target."""

    role: str
    current: int
    by_workload: float
    by_quota: float | None
    needed: int
    gap: int
    words: str


def ramped_capacity(new_hires: int, quarter: int, settings: HeadcountSettings) -> float:
    """Effective reps that `new_hires` new reps add in their `quarter`-th quarter (1 = the one they start in).

    3 hires in quarter 2 of the default ramp = 3 × 0.5 = 1.5 reps; from quarter len(ramp) + 1 on they count
    fully. Why: a gap closed by hiring today is not closed this quarter.
    """
    if new_hires < 0:
        raise ValueError(f"new hires cannot be negative, not {new_hires}")
    if quarter < 1:
        raise ValueError(f"quarter counts from 1 (the quarter a rep starts), not {quarter}")
    factor = settings.ramp[quarter - 1] if quarter <= len(settings.ramp) else 1.0
    return new_hires * factor


def _ceil(x: float) -> int:
    """Whole reps, without 7.0000000001 hours of float noise becoming an eighth rep."""
    return int(math.ceil(x - 1e-9))


def headcount(plan: Plan, settings: HeadcountSettings) -> list[RoleHeadcount]:
    """One line per rep role of the active territories (each territory = one seat), in order of role name.

    by_workload = the role's workload hours ÷ (mean capacity of its reps × target utilisation);
    by_quota = revenue target × the role's share of assigned potential ÷ (quota per rep × attainment).
    """
    from territory_desktop.core.workload import SCALE  # workload imports settings, which imports this module

    act = [i for i, t in enumerate(plan.territories) if not t.removed]
    if not act:
        return []
    s = plan.kpis
    pot = s.sums[:-1, plan.measure_names.index("potential")].astype(np.float64) / SCALE
    total_pot = float(pot[act].sum())
    by_quota_planned = settings.revenue_target > 0 and settings.quota_per_rep > 0
    groups: dict[str, list[int]] = {}
    label: dict[str, str] = {}
    for i in act:
        role = plan.territories[i].role.strip()
        groups.setdefault(role.casefold(), []).append(i)
        label.setdefault(role.casefold(), role or NO_ROLE)
    out: list[RoleHeadcount] = []
    for key in sorted(groups, key=lambda g: (g == "", g)):
        idx = groups[key]
        work = float(s.workload[idx].sum()) / SCALE
        cap = float(np.mean([plan.territories[i].capacity_hours for i in idx]))
        per_rep = cap * settings.target_utilisation
        by_work = work / per_rep if per_rep > 0 else (math.inf if work > 0 else 0.0)
        by_quota: float | None = None
        if by_quota_planned:
            share = float(pot[idx].sum()) / total_pot if total_pot > 0 else len(idx) / len(act)
            by_quota = settings.revenue_target * share / (settings.quota_per_rep * settings.attainment)
        want = max(by_work, by_quota or 0.0)
        needed = _ceil(want) if math.isfinite(want) else len(idx)  # capacity 0 h: no answer, no change
        gap = needed - len(idx)
        out.append(RoleHeadcount(label[key], len(idx), by_work, by_quota, needed, gap,
                                 _words(label[key], len(idx), by_work, by_quota, needed, gap)))
    return out


def _words(role: str, current: int, by_work: float, by_quota: float | None, needed: int, gap: int) -> str:
    """'SMB AE: 9 reps, 11 needed by workload (2 more)'."""
    reps = f"{current} rep" + ("" if current == 1 else "s")
    if not math.isfinite(by_work):
        return f"{role}: {reps}, workload cannot be judged (their capacity is 0 h)"
    which = "quota" if by_quota is not None and by_quota > by_work else "workload"
    if gap > 0:
        change = f"{gap} more"
    elif gap < 0:
        change = f"{-gap} fewer would do"
    else:
        change = "enough"
    return f"{role}: {reps}, {needed} needed by {which} ({change})"
