"""How many reps each role needs: by the work its books hold and by the revenue it has to bring in.

Two independent answers, because either can be the binding one: a role can be fully booked yet too small for
its share of the number, or big enough for the number but drowning in service hours. The larger wins.

It reads the plan's running totals (`plan.kpis`, the same totals kpis.measure_totals reads).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from territory_desktop.core.capacity_settings import HeadcountSettings
from territory_desktop.core.plan import Plan
from territory_desktop.core.workload import SCALE

NO_ROLE = "No role"
"""How territories whose rep has no role are named in the headcount lines."""


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
