"""How evenly each balanced measure is spread: max/min ratio, CV, Gini and a 0–100 balance index.

Deviations tell a planner which book is off; these tell a sales leader (and the reps) how fair the plan is as
a whole, per peer group, in the numbers comp committees use. The totals are the KPI state's own
(kpis.measure_totals), divided by each territory's target share exactly as kpis.deviations does, so a
territory meant to be 1.5× as large counts as even when it is 1.5× as large.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from territory_desktop.core import kpis
from territory_desktop.core.plan import Plan

ALL = "All"
"""Group name of the row across every active territory."""


@dataclass(frozen=True)
class Fairness:
    """Spread of one measure over one group of territories (values = total ÷ target share).

    max_min_ratio: largest ÷ smallest (inf when the smallest is 0 and the largest is not; 1 when all are 0;
    nan with fewer than 2 territories). cv: population standard deviation ÷ mean (0 when the mean is 0).
    gini: mean absolute difference between all pairs ÷ (2 × mean), 0 = all equal, (n−1)/n = one holds all.
    balance_index = 100 × (1 − gini): 100 = perfectly even. With one territory cv = gini = 0, index 100.
    """

    measure: str
    group: str
    territories: int
    max_min_ratio: float
    cv: float
    gini: float
    balance_index: float

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types (the `info --json` / `capacity --json` contract): inf and nan become None."""
        return {k: (None if isinstance(v, float) and not math.isfinite(v) else v)
                for k, v in asdict(self).items()}


def spread(values: np.ndarray) -> tuple[float, float, float]:
    """(max/min ratio, CV, Gini) of non-negative values, as the Fairness docstring defines them."""
    x = np.sort(np.asarray(values, dtype=np.float64))
    n = len(x)
    if n == 0:
        return math.nan, math.nan, math.nan
    lo, hi, mean = float(x[0]), float(x[-1]), float(x.mean())
    if n < 2:
        ratio = math.nan
    elif lo > 0:
        ratio = hi / lo
    else:
        ratio = math.inf if hi > 0 else 1.0
    if mean == 0:
        return ratio, 0.0, 0.0
    cv = float(x.std()) / abs(mean)
    # Σ_i Σ_j |x_i − x_j| = 2 Σ_i (2i − n − 1) x_(i) over the sorted values (i from 1)
    i = np.arange(1, n + 1, dtype=np.float64)
    gini = float(((2 * i - n - 1) * x).sum() / (n * n * mean))
    return ratio, cv, gini


def _row(measure: str, group: str, values: np.ndarray) -> Fairness:
    ratio, cv, gini = spread(values)
    index = 100.0 * (1.0 - gini) if len(values) else math.nan
    return Fairness(measure, group, len(values), ratio, cv, gini, index)


def fairness(plan: Plan) -> list[Fairness]:
    """For each balanced measure: an "All" row over every active territory, then one row per peer group
    (role and/or region, see kpis.peer_groups; named as kpis.peer_group_label) when there is more than one. Territories with target share 0 are left
    out (they are meant to hold nothing)."""
    act = plan.active_territories()
    shares = np.array([plan.territories[int(i)].target_share for i in act], dtype=np.float64)
    keep = shares > 0
    act, shares = act[keep], shares[keep]
    if not len(act):
        return []
    groups = kpis.peer_groups(plan, act)
    names: dict[int, str] = {}
    blank: dict[int, bool] = {}
    for g, i in zip(groups.tolist(), act.tolist(), strict=True):
        t = plan.territories[i]
        names.setdefault(g, kpis.peer_group_label(plan, i))  # the panel's words: "SMB AE in West", "West"...
        s = plan.settings  # groups without a role or a region go last
        blank.setdefault(g, (s.balance_within_role and not t.role.strip())
                         or (s.balance_within_region and not t.region.strip()))
    order = sorted(names, key=lambda g: (blank[g], names[g].casefold()))
    out: list[Fairness] = []
    for m in plan.settings.measures:
        values = kpis.measure_totals(plan, m.measure)[act] / shares
        out.append(_row(m.measure, ALL, values))
        if len(order) > 1:
            out.extend(_row(m.measure, names[g], values[groups == g]) for g in order)
    return out
