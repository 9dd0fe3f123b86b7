"""How a suggestion reads: its headline, the figures beneath it, its accounts, and the pieces the card reuses.

Plain text from the plan and a `Suggestion` (no widgets), so the list, the preview card and tests word a
suggestion the same way. Deviations are worded by `core/band_words.py`: a promise of "−15%" against a ±15%
band that still leaves the territory out reads "−15.3% (still out)".
"""

from __future__ import annotations

import numpy as np

from territory_desktop.core.band_words import deviation_text, status_of
from territory_desktop.core.format import money
from territory_desktop.core.plan import Plan
from territory_desktop.core.settings import ACCOUNTS, WORKLOAD
from territory_desktop.solver.copilot.suggestions import KpiDelta, Suggestion


def territory_name(plan: Plan, t: int) -> str:
    """The territory's name; "Unassigned" for a negative index."""
    return "Unassigned" if t < 0 else plan.territories[t].name


def value_text(measure: str, v: float) -> str:
    """A measure's value as the planner reads it: a count, hours, or money."""
    if measure == ACCOUNTS:
        return f"{v:,.0f}"
    if measure == WORKLOAD:
        return f"{v:,.0f} h"
    return money(v)


def dev_text(dev: float, band: float, near: float) -> str:
    """"+45% out": the deviation with as many decimals as its band word needs, and the word."""
    return f"{deviation_text(dev, band, near)} {status_of(dev, band, near)}"


def html_escape(text: str) -> str:
    """`text` safe inside rich text (&, <, >)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def accounts_words(n: int) -> str:
    """"1 account" / "1,234 accounts"."""
    return f"{n:,} account{'s' if n != 1 else ''}"


def delta_text(plan: Plan, d: KpiDelta) -> str:
    """"T0 potential $5.3M→$5.1M (+3% in → −1% in)": one measure of one touched territory."""
    name = territory_name(plan, d.territory)
    band = next((m.band for m in plan.settings.measures if m.measure == d.measure), 0.0)
    near = plan.settings.near_fraction
    values = f"{value_text(d.measure, d.before)}→{value_text(d.measure, d.after)}"
    return f"{name} {d.measure} {values} ({dev_text(d.dev_before, band, near)} → {dev_text(d.dev_after, band, near)})"


def headline(plan: Plan, s: Suggestion) -> str:
    """The suggestion's reason with each "from −22% to −15%" re-worded so the numbers agree with the bands.

    The solver words its clauses with whole percent; a clause whose rounding would hide the judgement (−15.3%
    against ±15% rounds to "−15%" yet stays out) gets the decimal and "(still out)". Clauses already honest
    are left as the solver wrote them.
    """
    text = s.reason
    near = plan.settings.near_fraction
    bands = {m.measure: m.band for m in plan.settings.measures}
    for d in s.deltas:
        name = territory_name(plan, d.territory)
        old = f"{name} from {d.dev_before:+.0%} to {d.dev_after:+.0%} {d.measure}"
        if old not in text:
            continue
        band = bands.get(d.measure, 0.0)
        after = deviation_text(d.dev_after, band, near)
        if after == f"{d.dev_after:+.0%}" and deviation_text(d.dev_before, band, near) == f"{d.dev_before:+.0%}":
            continue  # whole percent already tells the truth: leave the solver's words
        # the decimal was needed, so the word is too: "to −15.3% (still out)" against a ±15% band
        word = status_of(d.dev_after, band, near)
        still = {"out": " (still out)", "near": " (near the edge)", "in": " (in band)"}[word]
        new = f"{name} from {deviation_text(d.dev_before, band, near)} to {after} {d.measure}{still}"
        text = text.replace(old, new)
    return text


def names_of(plan: Plan, suggestions: list[Suggestion], limit: int) -> dict[int, str]:
    """Names of the first accounts of every shown suggestion, in one DataFrame lookup (not one per row)."""
    if not suggestions:
        return {}
    rows = np.unique(np.concatenate([s.rows[:limit] for s in suggestions]))
    names = plan.accounts["name"].iloc[rows].astype(str).tolist()
    return dict(zip(rows.tolist(), names, strict=True))


def accounts_text(s: Suggestion, names: dict[int, str], limit: int) -> str:
    """"Company 13, Company 78 and 2 more": the first `limit` accounts by name (from `names_of`)."""
    shown = [names.get(int(r), "") for r in s.rows[:limit]]
    more = f" and {s.n_accounts - limit:,} more" if s.n_accounts > limit else ""
    return ", ".join(shown) + more


def subtitle(plan: Plan, s: Suggestion, names: dict[int, str]) -> str:
    """The row's second level: up to four figures that change, then its first accounts."""
    parts = [delta_text(plan, d) for d in s.deltas
             if round(d.dev_before * 100) != round(d.dev_after * 100)]
    return " · ".join(parts[:4]) + ("\n" if parts else "") + accounts_text(s, names, limit=3)


def pair_words(plan: Plan, pair: tuple[int, int]) -> str:
    """"from North to South" for a (from, to) pair of territory indices."""
    return f"from {territory_name(plan, pair[0])} to {territory_name(plan, pair[1])}"
