"""Territories roll up to regions and areas with hand-computed totals; balance can be judged within a region."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from territory_desktop.core import kpis
from territory_desktop.core.edits import MoveAccounts, SetSettings, UpdateTerritory
from territory_desktop.core.hierarchy import NO_AREA, NO_REGION, roll_up
from territory_desktop.core.plan import Plan, accounts_frame
from territory_desktop.core.settings import BalancedMeasure, BalanceSettings
from territory_desktop.core.territory import Territory
from territory_desktop.solver.problem.from_plan import problem_from_plan

# account:        a0   a1   a2   a3   a4   a5   a6
POTENTIAL = [100, 100, 200, 400, 150, 250, 50]
PIPELINE = [0, 25000, 0, 10000, 0, 0, 5000]
OWNER = [0, 1, 1, 2, 3, 3, 4]


def tiny_plan() -> Plan:
    """Five territories: West (T0, T1 spelt "west "), East (T2, T3) and T4 without a region."""
    acc = accounts_frame({"lat": np.linspace(35, 40, 7), "lon": np.linspace(-110, -80, 7),
                          "potential": np.array(POTENTIAL, dtype=float),
                          "pipeline": np.array(PIPELINE, dtype=float), "segment": ["SMB"] * 7})
    terrs = [Territory("T0", region="West", capacity_hours=1000), Territory("T1", region="west ", capacity_hours=500),
             Territory("T2", region="East", capacity_hours=800), Territory("T3", region="East", capacity_hours=700),
             Territory("T4", capacity_hours=100)]
    plan = Plan(acc, terrs, np.array(OWNER))
    plan.settings = BalanceSettings(measures=(BalancedMeasure("potential", 0.15, primary=True),),
                                    balance_within_role=False)
    return plan


def by_name(h, name):
    return next(g for g in h.regions() if g.name == name)


def test_regions_hold_their_territories_with_hand_computed_totals() -> None:
    plan = tiny_plan()
    h = roll_up(plan)
    assert not h.has_areas
    assert [g.name for g in h.groups] == ["East", "West", NO_REGION]  # "No region" last
    west, east, none = by_name(h, "West"), by_name(h, "East"), by_name(h, NO_REGION)
    assert west.territories == (0, 1)  # "west " and "West" are one region, named as first written
    assert (west.totals.accounts, west.totals.measures["potential"], west.totals.measures["pipeline"]) == \
        (3, 400.0, 25000.0)
    assert (east.totals.accounts, east.totals.measures["potential"], east.totals.measures["pipeline"]) == \
        (3, 800.0, 10000.0)
    assert (none.totals.accounts, none.totals.measures["potential"]) == (1, 50.0)
    assert west.totals.capacity == 1500.0 and east.totals.capacity == 1500.0
    # workload: the core's per-territory workload, summed
    work = plan.kpis.workload[:-1] / 1000
    assert west.totals.workload == pytest.approx(work[0] + work[1])
    assert west.totals.utilisation == pytest.approx((work[0] + work[1]) / 1500)
    # out of band, judged across all five (mean 250): T0 -60%, T1 +20%, T2 +60%, T3 +60%, T4 -80% — all out
    assert (west.totals.out_of_band, east.totals.out_of_band, none.totals.out_of_band) == (2, 2, 1)
    assert west.totals.out_by_measure == {"potential": 2}
    assert h.total.accounts == 7 and h.total.measures["potential"] == 1250.0 and h.total.out_of_band == 5


def test_totals_follow_a_move_and_its_undo() -> None:
    plan = tiny_plan()
    inverse = plan.apply(MoveAccounts(np.array([3]), 0))  # a3 ($400) from T2 (East) to T0 (West)
    h = roll_up(plan)
    assert by_name(h, "West").totals.measures["potential"] == 800.0
    assert by_name(h, "East").totals.measures["potential"] == 400.0
    assert by_name(h, "East").totals.accounts == 2
    plan.apply(inverse)
    assert by_name(roll_up(plan), "East").totals.measures["potential"] == 800.0


def test_areas_group_regions_and_blank_areas_fall_under_no_area() -> None:
    plan = tiny_plan()
    for i in (0, 1):
        plan.apply(UpdateTerritory(i, {"area": "Americas"}))
    plan.apply(UpdateTerritory(2, {"area": "americas"}))
    h = roll_up(plan)
    assert h.has_areas
    assert [g.name for g in h.groups] == ["Americas", NO_AREA]
    americas = h.groups[0]
    assert [r.name for r in americas.children] == ["East", "West"]
    assert americas.totals.accounts == 4 and americas.totals.measures["potential"] == 100.0 + 300.0 + 400.0
    east_in_americas = americas.children[0]
    assert east_in_americas.territories == (2,)
    no_area = h.groups[1]
    # T3 is East too, but in no area: a region is one (area, region) pair, as in the peer groups
    assert [(r.name, r.territories) for r in no_area.children] == [("East", (3,)), (NO_REGION, (4,))]
    assert sum(g.totals.accounts for g in h.groups) == h.total.accounts == 7


def test_balance_within_region_compares_each_territory_with_its_region_only() -> None:
    plan = tiny_plan()
    plan.apply(SetSettings(replace(plan.settings, balance_within_region=True)))
    t = kpis.territory_table(plan)
    # West: 100 vs 300, mean 200 -> -50%, +50%; East 400 vs 400 -> 0; T4 alone -> 0
    assert t["dev_potential"].tolist() == pytest.approx([-0.5, 0.5, 0.0, 0.0, 0.0])
    assert t["status_potential"].tolist() == ["out", "out", "in", "in", "in"]
    h = roll_up(plan)
    assert by_name(h, "East").totals.out_of_band == 0 and by_name(h, "West").totals.out_of_band == 2
    assert kpis.peer_group_label(plan, 0) == "West"
    assert kpis.peer_group_label(plan, 4) == NO_REGION


def test_region_and_role_together_split_a_region_by_role() -> None:
    plan = tiny_plan()
    plan.apply(UpdateTerritory(0, {"role": "SMB AE"}))
    plan.apply(UpdateTerritory(1, {"role": "Enterprise AE"}))
    plan.apply(SetSettings(replace(plan.settings, balance_within_region=True, balance_within_role=True)))
    groups = kpis.peer_groups(plan, plan.active_territories())
    assert groups[0] != groups[1]  # same region, other role
    assert groups[2] == groups[3]  # same region, same (blank) role
    assert kpis.territory_table(plan)["dev_potential"].tolist()[:2] == pytest.approx([0.0, 0.0])
    assert kpis.peer_group_label(plan, 0) == "SMB AE in West"


def test_the_solver_balances_the_same_peers_as_the_panel() -> None:
    plan = tiny_plan()
    plan.apply(SetSettings(replace(plan.settings, balance_within_region=True)))
    problem = problem_from_plan(plan)
    panel_groups = kpis.peer_groups(plan, np.arange(plan.n_territories))
    assert np.array_equal(problem.groups, panel_groups)
    assert len(np.unique(problem.groups)) == 3  # West, East, no region


def test_no_territories_rolls_up_to_nothing() -> None:
    plan = tiny_plan()
    plan.territories = [replace(t, removed=True) for t in plan.territories]
    plan.assignment[:] = -1
    plan.kpis = type(plan.kpis).full(plan)
    h = roll_up(plan)
    assert h.groups == () and h.total.territories == 0
