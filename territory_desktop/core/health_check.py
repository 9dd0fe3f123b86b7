"""The plan's to-do list: every kind of problem a planner should look at, counted, with the rows to select.

One place decides what "a problem" is, so the capacity view's list, the CLI and any report agree; each entry
carries the account rows and territories it is about, so a click selects exactly those. Vectorised: the whole
check reads the KPI state and a few per-account arrays (≈ 20 ms at 100k accounts and 200 territories).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from territory_desktop.core import kpis
from territory_desktop.core import review as _review  # noqa: F401 — registers the review-mark edits for replay
from territory_desktop.core.activity import UNTOUCHED_DAYS, untouched_mask
from territory_desktop.core.book_norms import norm_for
from territory_desktop.core.plan import Plan
from territory_desktop.core.vacancy import vacant_territories
from territory_desktop.core.wording import counted

KEYS = ("out_of_band", "over_capacity", "vacant", "unassigned", "unplaced", "outside_norms", "ineligible", "orphaned",
        "pipeline_moved", "untouched")
"""Every entry health_check can give, in the order it gives them."""


@dataclass(frozen=True)
class HealthEntry:
    """One kind of problem: `count` territories or accounts (as the title says), the account rows to select
    and the territories concerned (both may be empty)."""

    key: str
    title: str
    count: int
    rows: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    territories: tuple[int, ...] = ()


def _rows_of(plan: Plan, territories: np.ndarray) -> np.ndarray:
    """Account rows assigned to any of the territories (the unassigned bucket -1 never matches)."""
    flag = np.zeros(plan.n_territories + 1, dtype=bool)
    flag[np.asarray(territories, dtype=np.int64)] = True
    return np.flatnonzero(flag[plan.assignment])


def _territory_entry(plan: Plan, key: str, territories: np.ndarray, title: str) -> HealthEntry:
    terr = tuple(int(t) for t in territories)
    return HealthEntry(key, title, len(terr), _rows_of(plan, territories), terr)


def _account_entry(key: str, mask: np.ndarray, title: str) -> HealthEntry:
    rows = np.flatnonzero(mask)
    return HealthEntry(key, title, len(rows), rows)


def _outside_norms(plan: Plan, act: np.ndarray) -> HealthEntry | None:
    counts = plan.kpis.counts
    above: list[int] = []
    below: list[int] = []
    for t in act.tolist():
        norm = norm_for(plan, t)
        if norm is None:
            continue
        if counts[t] > norm[1]:
            above.append(t)
        elif counts[t] < norm[0]:
            below.append(t)
    n = len(above) + len(below)
    if not n:
        return None
    books = counted(n, "book", "books")
    # which norms were applied: "below the norm" alone left a planner guessing (a role "Account Executive"
    # names no norm, so its book's main segment chose one)
    ranges = sorted({norm_for(plan, t) for t in above + below})  # type: ignore[type-var]
    named = {(lo, hi): name for name, lo, hi in reversed(plan.settings.book_norms)}
    applied = ", ".join(f"{named.get(r, 'norm')} {r[0]:,}–{r[1]:,}" for r in ranges) + " accounts"
    if not below:
        title = f"{books} above the account norm for their role ({applied})"
    elif not above:
        title = f"{books} below the account norm for their role ({applied})"
    else:
        title = (f"{books} outside the account norm for their role ({len(above)} above, {len(below)} below; "
                 f"{applied})")
    return _territory_entry(plan, "outside_norms", np.array(sorted(above + below), dtype=np.int64), title)


def _ineligible_mask(plan: Plan) -> np.ndarray:
    """Accounts whose segment the eligibility rules keep away from their territory's role (as in
    Plan.check_movable: a territory without a role takes any segment)."""
    s = plan.settings
    if not s.eligibility:
        return np.zeros(plan.n_accounts, dtype=bool)
    bad = np.zeros((plan.n_territories + 1, max(len(plan.segment_names), 1)), dtype=bool)
    for code, segment in enumerate(plan.segment_names):
        roles = s.allowed_roles(segment)
        if roles is None:
            continue
        for t, terr in enumerate(plan.territories):
            if terr.role and terr.role not in roles:
                bad[t, code] = True
    return bad[plan.assignment, plan.segment_codes]


def health_check(plan: Plan) -> list[HealthEntry]:
    """The problems of the plan in the order of KEYS; an entry only when it has something to show."""
    out: list[HealthEntry | None] = []
    act = plan.active_territories()
    if len(act):
        table = kpis.territory_table(plan)
        bad = act[~table["in_band"].to_numpy(dtype=bool)]
        if len(bad):
            out.append(_territory_entry(plan, "out_of_band", bad,
                                        f"{counted(len(bad), 'territory', 'territories')} out of band"))
        over = act[table["over_capacity"].to_numpy(dtype=bool)]
        if len(over):
            out.append(_territory_entry(plan, "over_capacity", over,
                                        f"{counted(len(over), 'territory', 'territories')} over capacity"))
    vacant = np.array(vacant_territories(plan), dtype=np.int64)
    if len(vacant):  # a book kept whole after a departure: someone has to be hired (Add a rep fills it)
        out.append(_territory_entry(plan, "vacant", vacant, f"{counted(len(vacant), 'territory', 'territories')} "
                                                            "vacant until the hire"))
    a = plan.assignment
    unassigned = a < 0
    out.append(_account_entry("unassigned", unassigned, f"{counted(int(unassigned.sum()), 'account', 'accounts')} "
                                                        "unassigned"))
    unplaced = ~np.isfinite(plan.lat)  # as kpis.plan_health counts them
    out.append(_account_entry("unplaced", unplaced, f"{counted(int(unplaced.sum()), 'account', 'accounts')} "
                                                    "not placed on the map"))
    out.append(_outside_norms(plan, act))
    inel = _ineligible_mask(plan)
    out.append(_account_entry("ineligible", inel, f"{counted(int(inel.sum()), 'account', 'accounts')} in a "
                                                  "segment their rep's role may not own"))
    removed = np.array([t.removed for t in plan.territories] + [False], dtype=bool)
    orphaned = removed[a] | (unassigned & removed[plan.baseline])
    out.append(_account_entry("orphaned", orphaned, f"{counted(int(orphaned.sum()), 'account', 'accounts')} left "
                                                    "without an owner by a removed territory"))
    pipe = plan.measure_values[:, plan.measure_names.index("pipeline")] > 0
    moved = pipe & (a != plan.baseline)
    out.append(_account_entry("pipeline_moved", moved, f"{counted(int(moved.sum()), 'account', 'accounts')} with "
                                                       "open pipeline moved"))
    untouched = untouched_mask(plan)
    out.append(_account_entry("untouched", untouched, f"{counted(int(untouched.sum()), 'account', 'accounts')} "
                                                      f"untouched for {UNTOUCHED_DAYS}+ days"))
    return [e for e in out if e is not None and e.count > 0]
