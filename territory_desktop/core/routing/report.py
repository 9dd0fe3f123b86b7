"""What the rules would do, for a planner to check them: overlaps and gaps, and one territory's live preview.

Read-only views over the rule model and matching (and, for the preview, a rules-only `route`): `rule_report`
finds accounts two territories claim equally and accounts no rule claims; `preview_territory` gives the rules
editor its numbers for one territory. Nothing here changes the plan.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from territory_desktop.core.plan import Plan
from territory_desktop.core.routing.criteria import criteria_of, split_named, territory_rules
from territory_desktop.core.routing.matching import Columns, _named_mask, matches
from territory_desktop.core.routing.router import Routing, route
from territory_desktop.core.wording import agree


@dataclass
class RuleReport:
    """Rules that overlap (accounts two territories claim equally) and gaps (accounts no rule claims)."""

    overlaps: list[tuple[int, int, np.ndarray]]
    gaps: np.ndarray
    has_rules: bool = True

    def words(self, plan: Plan, limit: int = 8) -> list[str]:
        """The report as sentences a planner can act on, naming a few of the accounts concerned."""
        if not self.has_rules:
            return ["No territory has rules yet: every account would go to the nearest rep with room."]
        names = plan.accounts["name"].astype(str)
        out = []
        for a, b, rows in sorted(self.overlaps, key=lambda o: -len(o[2]))[:limit]:
            eg = ", ".join(names.iloc[rows[:2]])
            out.append(f"Overlap: {_accounts_meet(len(rows))} the rules of both "
                       f"{plan.territories[a].name} and {plan.territories[b].name} equally (e.g. {eg}); the "
                       "nearer home wins")
        if len(self.overlaps) > limit:
            rest = len(self.overlaps) - limit
            out.append(f"… and {rest:,} more overlapping {agree(rest, 'pair')}")
        if len(self.gaps):
            eg = ", ".join(names.iloc[self.gaps[:2]])
            out.append(f"Gap: {_accounts_meet(len(self.gaps))} no territory's "
                       f"rules (e.g. {eg}); routing sends them to the nearest rep with room")
        if not out:
            out.append("No overlaps and no gaps: every account meets exactly one territory's rules.")
        return out


def _accounts_meet(n: int) -> str:
    return f"{n:,} account meets" if n == 1 else f"{n:,} accounts meet"


def rule_report(plan: Plan, rules: Mapping[int, list[dict[str, Any]]] | None = None,
                columns: Columns | None = None) -> RuleReport:
    """Overlaps and gaps over every account of the plan (only when some territory has rules).

    Two territories naming one account overlap; so do two rules of equal specificity that an account meets
    (a more specific rule is not an overlap: it is how exceptions are written)."""
    table = territory_rules(plan, rules)
    n = plan.n_accounts
    if not table:
        return RuleReport([], np.empty(0, dtype=np.int64), has_rules=False)
    columns = columns or Columns(plan)
    named = np.column_stack([_named_mask(plan, tr.named) for tr in table])
    hits = np.column_stack([matches(plan, tr.criteria, None, columns) for tr in table])
    specs = np.array([tr.specificity for tr in table])
    top = np.where(hits, specs[None, :], -np.inf).max(axis=1)
    at_top = np.where(named.any(axis=1)[:, None], named, hits & (specs[None, :] == top[:, None]))
    pairs: dict[tuple[int, int], list[np.ndarray]] = {}
    multi = np.flatnonzero(at_top.sum(axis=1) >= 2)
    if len(multi):
        packed = np.ascontiguousarray(np.packbits(at_top[multi], axis=1))
        keys = packed.view(np.dtype((np.void, packed.shape[1]))).ravel()  # one sortable key per pattern
        _keys, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        inverse = np.asarray(inverse).reshape(-1)
        groups = np.split(multi[np.argsort(inverse, kind="stable")], np.cumsum(np.bincount(inverse))[:-1])
        for row, rows in zip(first.tolist(), groups, strict=True):
            cols = np.flatnonzero(at_top[multi[row]])
            for i in range(len(cols)):
                for j in range(i + 1, len(cols)):
                    key = (table[cols[i]].territory, table[cols[j]].territory)
                    pairs.setdefault(key, []).append(rows)
    overlaps = [(a, b, np.sort(np.concatenate(parts))) for (a, b), parts in sorted(pairs.items())]
    gaps = np.flatnonzero(~(hits | named).any(axis=1)) if n else np.empty(0, dtype=np.int64)
    return RuleReport(overlaps, gaps)


@dataclass(frozen=True)
class RulePreview:
    """What one territory's rules would do now: unassigned accounts they would take, and how many accounts they
    cover that sit in another territory (a planner's check that a rule is not far wider than the book)."""

    takes_unassigned: int
    unassigned: int
    covers: int
    covers_elsewhere: int
    elsewhere_in: dict[str, int]


def preview_territory(plan: Plan, t: int, rules: Mapping[int, list[dict[str, Any]]] | None = None,
                      routing: Routing | None = None, columns: Columns | None = None) -> RulePreview:
    """The preview of territory t under `rules` (rules only: no nearest-rep step). Pass `routing` (a
    `route(plan, rules=rules, fallback=False)`) when previewing several territories under the same rules, and
    one `Columns` while the accounts stay the same (an editor's live preview)."""
    columns = columns or Columns(plan)
    routing = routing if routing is not None else route(plan, rules=rules, fallback=False, columns=columns)
    tr = split_named(t, criteria_of(plan, t, rules))
    covered = matches(plan, tr.criteria, None, columns) | _named_mask(plan, tr.named)
    a = plan.assignment
    elsewhere = covered & (a >= 0) & (a != t)
    where = pd.Series(a[elsewhere]).value_counts()
    return RulePreview(int((routing.targets == t).sum()), int((a < 0).sum()), int(covered.sum()),
                       int(elsewhere.sum()),
                       {plan.territories[int(k)].name: int(v) for k, v in where.items()})
