"""A first quota per territory: a share of its potential, so quota follows opportunity and balance carries.

Quota set from last year's bookings rewards the rep who had the best book; quota as the same share of every
book's potential is fair by construction once potential is balanced. The planner then edits each quota
within the range [low, high] × potential: that range is what the capacity view lets them type, and a quota
outside it asks more (or less) of one rep than the plan can defend.
"""

from __future__ import annotations

import math

import pandas as pd

from territory_desktop.core import kpis
from territory_desktop.core.plan import Plan


def suggest_quotas(plan: Plan, share: float = 0.3, low: float = 0.2, high: float = 0.4) -> pd.Series:
    """share × potential for every active territory, indexed by territory (named "quota").

    low and high are the editable range, as shares of potential; ValueError with the reason unless
    0 ≤ low ≤ share ≤ high.
    """
    for name, v in (("share", share), ("low", low), ("high", high)):
        if not math.isfinite(v):
            raise ValueError(f"quota {name} must be a number, not {v!r}")
    if low < 0:
        raise ValueError(f"the lowest quota share cannot be negative ({low:g})")
    if low > high:
        raise ValueError(f"the quota range is empty: low {low:g} is above high {high:g}")
    if not low <= share <= high:
        raise ValueError(f"quota share {share:g} is outside the editable range {low:g}–{high:g}")
    act = plan.active_territories()
    pot = kpis.measure_totals(plan, "potential")[act]
    return pd.Series(share * pot, index=pd.Index(act, name="territory"), name="quota", dtype="float64")
