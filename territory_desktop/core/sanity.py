"""Does the plan look like a real sales org? Worded warnings after an import, each naming the setting that fixes it.

A planner who sees $20B of potential per territory or every rep at 600% of capacity stops trusting every other
number, so the import says so at once, in words, instead of leaving the planner to discover it.
"""

from __future__ import annotations

import numpy as np

from territory_desktop.core import kpis
from territory_desktop.core.format import money, percent
from territory_desktop.core.plan import Plan

ONE_SEGMENT_SHARE = 0.9
OVERLOAD = 2.0
MAX_SPAN_DECADES = 6.0
MIN_ACCOUNTS = 20
"""Below this many accounts a lopsided mix is no sign of a wrong setting."""


def plan_warnings(plan: Plan) -> list[str]:
    """Sentences for what looks implausible (empty when the plan looks believable)."""
    out: list[str] = []
    n = plan.n_accounts
    if n >= MIN_ACCOUNTS:
        seg = plan.accounts["segment"].astype(str)
        counts = seg.value_counts()
        top, top_n = str(counts.index[0]), int(counts.iloc[0])
        if len(counts) and top_n / n > ONE_SEGMENT_SHARE:
            out.append(f"{top_n:,} of {n:,} accounts ({percent(top_n / n)}) are {top or 'without a segment'}: "
                       "check the segment column or the segment rules (Balance Settings → Segments).")
    table = kpis.territory_table(plan) if len(plan.active_territories()) else None
    if table is not None and len(table) and plan.n_accounts:
        util = table["utilisation"].to_numpy(dtype=np.float64)
        finite = util[np.isfinite(util)]
        if len(finite) and (finite > OVERLOAD).all():
            out.append(f"Every territory is over {percent(OVERLOAD)} of capacity (the lightest at "
                       f"{percent(float(finite.min()))}): the service hours per segment (Balance Settings → "
                       "Workload) or the reps' capacity (reps file or Edit Territory) do not fit this data.")
    pot = plan.accounts["potential"].to_numpy(dtype=np.float64)
    positive = pot[np.isfinite(pot) & (pot > 0)]
    if len(positive) >= MIN_ACCOUNTS:
        low, high = float(positive.min()), float(positive.max())
        decades = np.log10(high / low)
        if decades > MAX_SPAN_DECADES:
            out.append(f"Potential per account spans {money(low)} to {money(high)} ({decades:.0f} orders of "
                       "magnitude): if that column holds company revenue, map it as “Company revenue” and let "
                       "the potential model estimate potential.")
    return out


def glance_lines(plan: Plan) -> list[str]:
    """Accounts per segment, potential per territory and capacity load, as the import summary shows them."""
    from territory_desktop.core.segments import segment_counts

    n = plan.n_accounts
    seg = segment_counts(plan.accounts["segment"].astype(str).replace("", "(none)").to_numpy())
    lines = ["Accounts per segment: " + ", ".join(f"{s} {c:,} ({percent(c / n)})" for s, c in seg.items())
             if n else "No accounts."]
    if len(plan.active_territories()) and n:
        t = kpis.territory_table(plan)
        pot = t["potential"].to_numpy(dtype=np.float64)
        lines.append(f"Potential per territory: {money(float(np.median(pot)))} median "
                     f"({money(float(pot.min()))} to {money(float(pot.max()))}).")
        util = t["utilisation"].to_numpy(dtype=np.float64)
        util = util[np.isfinite(util)]
        if len(util):
            lines.append(f"Capacity load: {percent(float(np.median(util)))} median ({percent(float(util.min()))} "
                         f"to {percent(float(util.max()))}); {int((util > 1).sum()):,} of {len(util):,} "
                         f"{'territory' if len(util) == 1 else 'territories'} over capacity.")
    return lines
