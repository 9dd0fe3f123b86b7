"""What the refresh preview lists: one group per kind of difference, each account as id, name, territory,
old value and new value (Qt-free, so it is tested and built without a window).

Rows name the plan's accounts before the refresh (matched, gone) or the export's (new); the territory is the
one the account sits in now, or for a new account where the rules would send it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from territory_desktop.core import format as fmt
from territory_desktop.core.plan import Plan
from territory_desktop.core.wording import agree, counted
from territory_desktop.ui.refresh.prepare import Prepared

Row = tuple[str, str, str, str, str]
"""account id, name, territory, old value, new value"""

CHANGE_TITLES = {"segment": "Segment", "potential": "Potential", "location": "Location", "owner": "CRM owner",
                 "name": "Name", "industry": "Industry", "pipeline": "Open pipeline"}
REVIEW_TITLES = {"ineligible": "Ineligible segment", "far": "Far outside territory"}
REVIEW_TIPS = {"ineligible": "The new segment is one their territory's rep role may not own (Balance Settings → "
                             "Eligibility): move them, or change the rule.",
               "far": "The new location is more than twice their territory's usual reach from the rep's home."}


@dataclass(frozen=True)
class Group:
    """One list of the preview: `section` is the heading it sits under ("Changed", "Flagged for review")."""

    key: str
    section: str
    title: str
    rows: list[Row]
    headers: tuple[str, str] = ("Old", "New")
    """What the old and new columns hold for this group."""
    change: str = ""
    """The word in the list's Change column for this group's rows (its title when "")."""
    tip: str = ""

    @property
    def count(self) -> int:
        return len(self.rows)


def _text(df: pd.DataFrame, col: str, rows: np.ndarray) -> list[str]:
    if col not in df.columns:
        return [""] * len(rows)
    return ["" if v is None or v != v else str(v) for v in df[col].iloc[rows].tolist()]


def _money(df: pd.DataFrame, col: str, rows: np.ndarray) -> list[str]:
    vals = pd.to_numeric(df[col].iloc[rows], errors="coerce").fillna(0.0).tolist()
    return [fmt.money(v) for v in vals]


def _place(df: pd.DataFrame, rows: np.ndarray) -> list[str]:
    city, state, zip_ = _text(df, "city", rows), _text(df, "state", rows), _text(df, "zip", rows)
    out = []
    for c, s, z in zip(city, state, zip_, strict=True):
        where = ", ".join(x for x in (c, s) if x)
        out.append(f"{where} {z}".strip() or "(no place)")
    return out


def _values(kind: str, df: pd.DataFrame, rows: np.ndarray) -> list[str]:
    if kind in ("potential", "pipeline"):
        return _money(df, kind, rows)
    if kind == "location":
        return _place(df, rows)
    return _text(df, kind, rows)


def _territories(plan: Plan, assignment: np.ndarray) -> list[str]:
    names = [t.name for t in plan.territories]
    return [names[int(t)] if t >= 0 else "Unassigned" for t in assignment.tolist()]


def build_groups(plan: Plan, p: Prepared, routed: bool) -> list[Group]:
    """Every group of the preview, in the order a planner reads them (empty groups included, with count 0)."""
    old, new, d = plan.accounts, p.new, p.diff
    new_of_old = p.new_row_of_old
    groups: list[Group] = []

    # new accounts: where routing would send them, and why
    where = np.full(len(d.new_rows), -1, dtype=np.int64)
    why = ["stays unassigned (routing is off)" if not routed else "" for _ in range(len(d.new_rows))]
    if routed and p.routing is not None:
        pos = {int(r): i for i, r in enumerate(d.new_rows.tolist())}
        for r, t, reason in zip(p.routing.rows.tolist(), p.routing.targets.tolist(), p.routing.reasons, strict=True):
            where[pos[r]], why[pos[r]] = t, reason
        for r, reason in zip(p.routing.unrouted.tolist(), p.routing.unrouted_reasons, strict=True):
            why[pos[int(r)]] = f"left unassigned: {reason}"
    elif routed and p.rule_problem:
        why = [f"left unassigned: {p.rule_problem}"] * len(d.new_rows)
    what = [f"{seg or 'no segment'}, {pot}" for seg, pot in zip(_text(new, "segment", d.new_rows),
                                                                   _money(new, "potential", d.new_rows), strict=True)]
    groups.append(Group("new", "New accounts", "New accounts", list(zip(
        _text(new, "account_id", d.new_rows), _text(new, "name", d.new_rows), _territories(plan, where),
        what, why, strict=True)), ("Segment, potential", "Routing"), "New account",
        "Accounts of the export whose id is not in the plan: they arrive unassigned, or routed by the rules."))

    gone = d.removed_rows
    groups.append(Group("removed", "Gone from the CRM", "Gone from the CRM", list(zip(
        _text(old, "account_id", gone), _text(old, "name", gone), _territories(plan, plan.assignment[gone]),
        _money(old, "potential", gone), ["leaves the plan"] * len(gone), strict=True)),
        ("Potential", "What happens"), "Gone",
        "Accounts of the plan the export no longer has: they leave the plan and stay in the change list."))

    for kind, rows in d.changed.items():
        after = new_of_old[rows]
        groups.append(Group(f"changed:{kind}", "Changed", CHANGE_TITLES.get(kind, kind.title()), list(zip(
            _text(old, "account_id", rows), _text(old, "name", rows), _territories(plan, plan.assignment[rows]),
            _values(kind, old, rows), _values(kind, new, after), strict=True))))

    for kind, rows in d.review.items():
        after = new_of_old[rows]
        kind_of_value = "segment" if kind == "ineligible" else "location"
        groups.append(Group(f"review:{kind}", "Flagged for review", REVIEW_TITLES.get(kind, kind), list(zip(
            _text(old, "account_id", rows), _text(old, "name", rows), _territories(plan, plan.assignment[rows]),
            _values(kind_of_value, old, rows), _values(kind_of_value, new, after), strict=True)),
            tip=REVIEW_TIPS.get(kind, "")))
    return groups


def _the_new(n: int) -> str:
    """The subject of a sentence about the new accounts: "The new account" or "The 3 new accounts"."""
    return "The new account" if n == 1 else f"The {n:,} new accounts"


def routing_line(p: Prepared, routed: bool) -> str:
    """How many new accounts the rules would place, and how many would stay unassigned (and why)."""
    n = len(p.diff.new_rows)
    if not n:
        return "No new account to route."
    if not routed:
        return (f"{_the_new(n)} will stay unassigned (route {agree(n, 'it', 'them')} later: Territories → "
                "Territory Rules… → Route unassigned now).")
    if p.routing is None:
        return f"{_the_new(n)} cannot be routed: {p.rule_problem}"
    c = p.routing.counts()
    placed = n - c["unrouted"]
    text = (f"{placed:,} of {counted(n, 'new account')} would be routed ({c['named']:,} named, "
            f"{c['rule']:,} by a rule, {c['nearest']:,} to the nearest rep with room)")
    if c["unrouted"]:
        text += f"; {c['unrouted']:,} left unassigned ({p.routing.unrouted_reasons[0]})"
    return text + "."
