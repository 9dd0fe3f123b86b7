"""The scenario rules (names, the last scenario) and compare's arithmetic against the baseline."""

from __future__ import annotations

import numpy as np
import pytest

from territory_desktop.core.compare import baseline_plan, compare
from territory_desktop.core.edits import AddTerritory, MoveAccounts, RemoveTerritory, SetSegments
from territory_desktop.core.kpis import plan_health
from territory_desktop.core.scenarios import ScenarioError, ScenarioSet
from territory_desktop.core.territory import Territory
from tests.conftest import make_plan


def test_a_copy_is_independent_of_its_source() -> None:
    sset = ScenarioSet.single(make_plan(100, 3))
    main = sset.scenarios[0].plan
    copy = sset.scenarios[sset.duplicate(0, "B")].plan
    copy.apply(MoveAccounts(np.arange(10), 2))
    copy.territories[0].name = "Renamed"
    segs = copy.accounts["segment"].to_numpy(dtype=object).copy()
    segs[:] = "SMB"
    copy.apply(SetSegments(segs, copy.accounts["segment_basis"].to_numpy(dtype=object), copy.settings.segment_rules))
    assert main.territories[0].name == "T0" and (main.accounts["segment"] != "SMB").any()
    assert main.kpis.moved_count == 0 and copy.kpis.moved_count > 0
    assert copy.audit[0].label == "Scenario 'B' created from 'Main plan'"


@pytest.mark.parametrize(("name", "words"), [("", "needs a name"), ("  main PLAN ", "already a scenario"),
                                             ("x" * 81, "at most 80")])
def test_scenario_names_must_be_given_unique_and_short(name: str, words: str) -> None:
    sset = ScenarioSet.single(make_plan(10, 2))
    with pytest.raises(ScenarioError, match=words):
        sset.duplicate(0, name)


def test_the_last_scenario_cannot_be_deleted_and_the_active_one_moves_with_deletions() -> None:
    sset = ScenarioSet.single(make_plan(10, 2))
    with pytest.raises(ScenarioError, match="only scenario"):
        sset.delete(0)
    sset.duplicate(0, "B")
    sset.duplicate(0, "C")
    sset.activate(2)
    sset.delete(0)
    assert sset.current.name == "C"
    sset.delete(1)
    assert sset.current.name == "B" and len(sset) == 1


def test_the_baseline_has_removed_territories_back_and_added_ones_absent() -> None:
    plan = make_plan(200, 4, seed=5)
    plan.apply(RemoveTerritory(3, 0))
    plan.apply(AddTerritory(Territory("New", home_lat=35.0, home_lon=-100.0, capacity_hours=2000.0)))
    plan.apply(MoveAccounts(np.arange(5), 4))
    base = baseline_plan(plan)
    assert np.array_equal(base.assignment, plan.baseline)
    assert not base.territories[3].removed and base.territories[4].removed
    assert plan_health(base).moved_accounts == 0
    c = compare(plan, None, "Now")
    t = c.territories
    assert t.loc["T3", "only"] == "b" and t.loc["New", "only"] == "a"
    assert t.loc["T3", "accounts_b"] == (plan.baseline == 3).sum()
    assert t.loc["New", "accounts_delta"] == 5
    assert c.differing == plan_health(plan).moved_accounts
    assert c.a.moved_accounts == c.differing and c.b.moved_accounts == 0
    assert set(c.accounts["to_territory"]) <= {"T0", "New"}
