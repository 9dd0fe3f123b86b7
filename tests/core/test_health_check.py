"""The health check: each entry fires on a plan built to have that problem and selects exactly its rows."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import replace

import numpy as np
import pytest

from territory_desktop.core import kpis
from territory_desktop.core.book_norms import DEFAULT_BOOK_NORMS, match_norm, norm_for
from territory_desktop.core.edits import MoveAccounts, RemoveTerritory
from territory_desktop.core.health_check import KEYS, HealthEntry, health_check
from territory_desktop.core.plan import Plan
from territory_desktop.core.settings import BalancedMeasure, BalanceSettings
from territory_desktop.core.vacancy import fill_edit, vacate_edit
from tests.conftest import make_plan

N, K = 300, 5


def _clean(roles: str = "", lat_nan: tuple[int, ...] = (), capacity: float = 20000.0, **settings) -> Plan:
    """make_plan's accounts dealt round robin (60 per territory), under settings where nothing is wrong."""
    base = make_plan(N, K)
    acc = base.accounts.copy()
    acc.loc[list(lat_nan), "lat"] = np.nan
    for t in base.territories:
        t.role, t.capacity_hours = roles, capacity
    s = BalanceSettings(measures=(BalancedMeasure("accounts", 0.3, primary=True),), book_norms=())
    return Plan(acc, base.territories, np.arange(N) % K, settings=replace(s, **settings))


def _entry(plan: Plan, key: str) -> HealthEntry:
    found = {e.key: e for e in health_check(plan)}
    assert key in found, [e.key for e in health_check(plan)]
    return found[key]


def test_silent_on_a_clean_plan():
    assert health_check(_clean()) == []


def test_out_of_band_names_the_territories_and_selects_their_accounts():
    plan = _clean()
    plan.apply(MoveAccounts(plan.rows_in(1), 0))  # T0 120, T1 0 accounts: both 100% off the mean of 60
    e = _entry(plan, "out_of_band")
    assert e.territories == (0, 1) and e.count == 2 and e.title == "2 territories out of band"
    assert np.array_equal(e.rows, plan.rows_in(0))
    assert [x.key for x in health_check(plan)] == ["out_of_band", "pipeline_moved"]  # T1 had open deals


def test_over_capacity():
    plan = _clean()
    plan.territories[2].capacity_hours = 10.0  # the table reads capacity from the territory itself
    e = _entry(plan, "over_capacity")
    assert e.territories == (2,) and e.title == "1 territory over capacity"
    assert np.array_equal(e.rows, plan.rows_in(2))
    assert bool(kpis.territory_table(plan).loc[2, "over_capacity"])


def test_unassigned_and_unplaced_select_exactly_those_accounts():
    plan = _clean(lat_nan=(7, 8, 9))
    plan.apply(MoveAccounts(np.array([5, 6]), -1))
    e = _entry(plan, "unassigned")
    assert np.array_equal(e.rows, [5, 6]) and e.title == "2 accounts unassigned" and e.territories == ()
    u = _entry(plan, "unplaced")
    assert np.array_equal(u.rows, [7, 8, 9]) and u.count == 3
    assert u.count == kpis.plan_health(plan).unplaced


def test_outside_norms_says_above_below_or_both():
    plan = _clean(roles="SMB Rep", book_norms=(("SMB", 50, 70),))
    assert health_check(plan) == []
    plan.apply(MoveAccounts(plan.rows_in(3)[:20], 4))  # T3 40 (below), T4 80 (above)
    e = _entry(plan, "outside_norms")
    assert e.territories == (3, 4)
    assert e.title == "2 books outside the account norm for their role (1 above, 1 below; SMB 50–70 accounts)"
    assert np.array_equal(e.rows, np.flatnonzero(np.isin(plan.assignment, [3, 4])))
    high = _clean(roles="SMB Rep", book_norms=(("SMB", 10, 50),))
    assert _entry(high, "outside_norms").title == "5 books above the account norm for their role (SMB 10–50 accounts)"
    low = _clean(roles="SMB Rep", book_norms=(("SMB", 100, 200),))
    assert _entry(low, "outside_norms").title == "5 books below the account norm for their role (SMB 100–200 accounts)"


def test_ineligible_accounts_follow_the_eligibility_rules():
    plan = _clean()
    plan.territories[0].role = "SMB AE"
    plan.territories[1].role = "Enterprise AE"
    plan.settings = plan.settings.with_eligibility({"Enterprise": ["Enterprise AE"]})
    e = _entry(plan, "ineligible")
    seg = plan.accounts["segment"].to_numpy()
    assert np.array_equal(e.rows, np.flatnonzero((plan.assignment == 0) & (seg == "Enterprise")))
    assert e.count > 0  # territories 2-4 have no role: any segment goes


def test_orphaned_accounts_of_a_removed_territory():
    plan = _clean()
    rows = plan.rows_in(2)
    plan.apply(RemoveTerritory(2))
    e = _entry(plan, "orphaned")
    assert np.array_equal(e.rows, rows)
    assert np.array_equal(_entry(plan, "unassigned").rows, rows)
    # moved to another territory on removal: they have an owner
    other = _clean()
    other.apply(RemoveTerritory(2, to=3))
    assert "orphaned" not in {x.key for x in health_check(other)}
    # a plan whose accounts still point at a removed territory (e.g. an old file)
    base = _clean()
    base.territories[1].removed = True
    stale = Plan(base.accounts, base.territories, base.assignment, settings=base.settings)
    assert np.array_equal(_entry(stale, "orphaned").rows, np.flatnonzero(stale.assignment == 1))


def test_pipeline_moved_selects_moved_accounts_with_open_pipeline():
    plan = _clean(measures=(BalancedMeasure("accounts", 5.0, primary=True),))
    moved = plan.rows_in(0)[:20]
    plan.apply(MoveAccounts(moved, 1))
    e = _entry(plan, "pipeline_moved")
    pipe = plan.accounts["pipeline"].to_numpy()
    assert np.array_equal(e.rows, moved[pipe[moved] > 0]) and 0 < e.count < 20


def test_untouched_from_the_activity_dates():
    plan = _clean()
    today = dt.date.today().isoformat()
    plan.accounts["last_activity"] = [("2020-01-01" if i in (3, 4) else today) for i in range(N)]
    e = _entry(plan, "untouched")
    assert np.array_equal(e.rows, [3, 4]) and e.title == "2 accounts untouched for 90+ days"


def test_entries_come_in_the_documented_order():
    plan = _clean(lat_nan=(1,), roles="SMB AE", book_norms=(("SMB", 59, 61),))
    plan.accounts["last_activity"] = "2020-01-01"
    plan.territories[4].capacity_hours = 1.0
    plan.apply(MoveAccounts(plan.rows_in(0), 1))
    plan.apply(RemoveTerritory(2))
    plan.apply(vacate_edit(plan, 3))
    plan.settings = plan.settings.with_eligibility({"Enterprise": ["Enterprise AE"]})  # after the moves
    keys = [e.key for e in health_check(plan)]
    assert keys == list(KEYS)


def test_a_vacant_territory_is_listed_with_its_book_until_the_hire():
    plan = _clean()
    book = plan.rows_in(1)
    plan.apply(vacate_edit(plan, 1))
    e = _entry(plan, "vacant")
    seat = plan.n_territories - 1
    assert e.title == "1 territory vacant until the hire" and e.territories == (seat,)
    assert np.array_equal(e.rows, book)
    plan.apply(fill_edit(plan, seat, "Ben Ortiz"))
    assert "vacant" not in {x.key for x in health_check(plan)}


def test_book_norms_match_roles_and_fall_back_to_the_main_segment():
    norms = tuple((k, lo, hi) for k, (lo, hi) in DEFAULT_BOOK_NORMS.items())
    assert match_norm("Enterprise AE", norms) == (30, 80)
    assert match_norm("SMB Rep", norms) == (200, 500)
    assert match_norm("MM AE", norms) == (100, 200)
    assert match_norm("Mid Market", norms) == (100, 200)
    assert match_norm("mid-market ae", norms) == (100, 200)
    assert match_norm("Account Manager", norms) is None and match_norm("", norms) is None
    plan = make_plan(300, 3)  # roles empty: by segment, 60% SMB
    assert norm_for(plan, 0) == (200, 500)
    plan.territories[1].role = "Enterprise AE"
    assert norm_for(plan, 1) == (30, 80)
    plan.settings = replace(plan.settings, book_norms=())
    assert norm_for(plan, 1) is None


def test_book_norms_are_saved_with_the_settings():
    s = replace(BalanceSettings(), book_norms=(("SMB", 150, 400),))
    assert BalanceSettings.from_dict(s.to_dict()) == s
    old = s.to_dict()
    del old["book_norms"]
    assert BalanceSettings.from_dict(old).book_norms == BalanceSettings().book_norms
    with pytest.raises(ValueError, match="low ≤ high"):
        BalanceSettings.from_dict({**s.to_dict(), "book_norms": {"SMB": [500, 100]}})


def test_fast_on_a_big_plan():
    plan = make_plan(100_000, 200, seed=1)
    for i, t in enumerate(plan.territories):
        t.role = ("SMB AE", "Mid-Market AE", "Enterprise AE", "")[i % 4]
    plan.accounts["last_activity"] = "2020-01-01"
    plan.settings = plan.settings.with_eligibility({"Enterprise": ["Enterprise AE"]})
    plan.apply(MoveAccounts(np.arange(5000), 3))
    health_check(plan)
    best = min(_timed(plan) for _ in range(3))
    assert best < 0.15  # ≈ 30 ms on a laptop; the margin is for slow CI machines


def _timed(plan: Plan) -> float:
    t0 = time.perf_counter()
    health_check(plan)
    return time.perf_counter() - t0
