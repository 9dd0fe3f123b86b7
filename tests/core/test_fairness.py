"""Fairness per measure and peer group: hand-computed ratio, CV and Gini on tiny plans."""

from __future__ import annotations

import math

import numpy as np
import pytest

from territory_desktop.core import kpis
from territory_desktop.core.fairness import ALL, Fairness, fairness, spread
from territory_desktop.core.plan import Plan, accounts_frame
from territory_desktop.core.settings import BalancedMeasure, BalanceSettings
from territory_desktop.core.territory import Territory
from tests.conftest import make_plan

NO_ROLE_GROUP = "reps without a role"
"""How the panel (kpis.peer_group_label) and so the fairness table name the reps without a role."""


def _plan(counts: list[int], roles: list[str] | None = None, shares: list[float] | None = None) -> Plan:
    """Territory i holds counts[i] accounts of potential 100 each."""
    n = sum(counts)
    acc = accounts_frame({"potential": np.full(n, 100.0), "segment": ["SMB"] * n,
                          "lat": np.full(n, 40.0), "lon": np.full(n, -90.0)})
    terrs = [Territory(f"T{i}", role=(roles or [""] * len(counts))[i],
                       target_share=(shares or [1.0] * len(counts))[i]) for i in range(len(counts))]
    assignment = np.repeat(np.arange(len(counts)), counts)
    return Plan(acc, terrs, assignment)


def _get(rows: list[Fairness], measure: str, group: str = ALL) -> Fairness:
    return next(f for f in rows if f.measure == measure and f.group == group)


def test_hand_computed_ratio_cv_gini():
    # accounts 1, 2, 3, 4: mean 2.5, population std sqrt(1.25); Σ|xi − xj| over ordered pairs = 20
    f = _get(fairness(_plan([1, 2, 3, 4])), "accounts")
    assert f.territories == 4
    assert f.max_min_ratio == pytest.approx(4.0)
    assert f.cv == pytest.approx(math.sqrt(1.25) / 2.5)
    assert f.gini == pytest.approx(20 / (2 * 16 * 2.5))  # 0.25
    assert f.balance_index == pytest.approx(75.0)
    # potential is 100 × the account count: the same spread
    p = _get(fairness(_plan([1, 2, 3, 4])), "potential")
    assert (p.max_min_ratio, p.cv, p.gini) == pytest.approx((f.max_min_ratio, f.cv, f.gini))


def test_three_territories_with_one_holding_most():
    # 1, 1, 4: mean 2, std sqrt(2), Σ|xi − xj| ordered = 2 × (0 + 3 + 3) = 12 -> gini 12 / (2 × 9 × 2) = 1/3
    f = _get(fairness(_plan([1, 1, 4])), "accounts")
    assert f.max_min_ratio == pytest.approx(4.0)
    assert f.cv == pytest.approx(math.sqrt(2) / 2)
    assert f.gini == pytest.approx(1 / 3)
    assert f.balance_index == pytest.approx(100 * 2 / 3)


def test_equal_books_score_100():
    for f in fairness(_plan([5, 5, 5, 5])):
        if f.measure != "workload":
            assert f.max_min_ratio == pytest.approx(1.0)
            assert f.cv == pytest.approx(0.0) and f.gini == pytest.approx(0.0)
            assert f.balance_index == pytest.approx(100.0)


def test_target_share_counts_a_bigger_book_as_even():
    f = _get(fairness(_plan([2, 4, 2], shares=[1.0, 2.0, 1.0])), "accounts")
    assert f.balance_index == pytest.approx(100.0) and f.max_min_ratio == pytest.approx(1.0)


def test_an_empty_book_gives_an_infinite_ratio_and_one_territory_none():
    f = _get(fairness(_plan([0, 3, 3])), "accounts")
    assert f.max_min_ratio == math.inf
    assert f.to_dict()["max_min_ratio"] is None
    one = _get(fairness(_plan([3])), "accounts")
    assert math.isnan(one.max_min_ratio) and one.territories == 1
    assert one.cv == 0.0 and one.balance_index == 100.0
    assert spread(np.zeros(3)) == (1.0, 0.0, 0.0)


def test_rows_per_peer_group_and_all():
    plan = _plan([1, 3, 2, 2, 4], roles=["SMB AE", "SMB AE", "Enterprise AE", "Enterprise AE", ""])
    rows = fairness(plan)
    measures = [m.measure for m in plan.settings.measures]
    assert [(f.measure, f.group) for f in rows] == [
        (m, g) for m in measures for g in (ALL, "Enterprise AE", "SMB AE", NO_ROLE_GROUP)]
    smb = _get(rows, "accounts", "SMB AE")
    assert smb.territories == 2 and smb.max_min_ratio == pytest.approx(3.0)
    assert _get(rows, "accounts", "Enterprise AE").balance_index == pytest.approx(100.0)
    assert math.isnan(_get(rows, "accounts", NO_ROLE_GROUP).max_min_ratio)
    assert _get(rows, "accounts").territories == 5
    # one role everywhere (or balancing across roles): only the All row
    assert [f.group for f in fairness(_plan([1, 2], roles=["SMB AE", "SMB AE"]))] == [ALL] * len(measures)


def test_numbers_come_from_the_kpi_state_and_match_plan_health():
    plan = make_plan(400, 6, seed=4)
    plan.settings = BalanceSettings(measures=(BalancedMeasure("potential", 0.15, primary=True),
                                              BalancedMeasure("pipeline", 0.3)))
    rows = fairness(plan)
    assert [f.measure for f in rows] == ["potential", "pipeline"]
    pot = kpis.measure_totals(plan, "potential")[plan.active_territories()]
    f = rows[0]
    assert f.max_min_ratio == pytest.approx(pot.max() / pot.min())
    assert f.cv == pytest.approx(kpis.plan_health(plan).cv)  # one peer group, equal shares: the same CV
    diffs = np.abs(pot[:, None] - pot[None, :]).sum()
    assert f.gini == pytest.approx(diffs / (2 * len(pot) ** 2 * pot.mean()))


def test_removed_territories_are_left_out():
    from territory_desktop.core.edits import RemoveTerritory

    plan = _plan([2, 2, 6])
    plan.apply(RemoveTerritory(2, to=0))
    f = _get(fairness(plan), "accounts")
    assert f.territories == 2 and f.max_min_ratio == pytest.approx(4.0)


def test_groups_within_region_are_named_as_the_panel_names_them() -> None:
    plan = _plan([10, 12, 30, 34], roles=["SMB AE"] * 4)
    for t, region in zip(plan.territories, ["West", "West", "East", "East"], strict=True):
        t.region = region
    plan.settings = BalanceSettings(measures=plan.settings.measures, balance_within_role=True,
                                    balance_within_region=True)
    rows = fairness(plan)
    groups = [r.group for r in rows if r.measure == rows[0].measure]
    assert groups == [ALL, "SMB AE in East", "SMB AE in West"]
    east = next(r for r in rows if r.group == "SMB AE in East")
    assert east.territories == 2 and east.max_min_ratio == 34 / 30
