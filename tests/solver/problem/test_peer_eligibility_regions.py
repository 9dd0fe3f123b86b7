"""An account without an owner, balanced within regions, is offered to the reps of the region it sits in."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from territory_desktop.core.kpis import peer_groups
from territory_desktop.core.plan import Plan, accounts_frame
from territory_desktop.core.territory import Territory
from territory_desktop.solver.problem.eligibility import peer_eligibility
from territory_desktop.solver.problem.from_plan import problem_from_plan

HOMES = {"LA": (34.05, -118.24), "SF": (37.77, -122.42), "NYC": (40.71, -74.0), "BOS": (42.36, -71.06)}


def _plan(within_region: bool) -> Plan:
    # East holds more accounts than West: the old rule sent every unowned account to the bigger region
    where = ["LA"] * 3 + ["SF"] * 3 + ["NYC"] * 6 + ["BOS"] * 6 + ["LA", "BOS"] + [None]
    lat = [HOMES[w][0] + 0.1 if w else np.nan for w in where]
    lon = [HOMES[w][1] + 0.1 if w else np.nan for w in where]
    acc = accounts_frame({"account_id": [f"A{i}" for i in range(len(where))], "name": [f"Co {i}" for i in
                          range(len(where))], "lat": lat, "lon": lon, "potential": [100.0] * len(where),
                          "segment": ["SMB"] * len(where)})
    terrs = [Territory(name, rep=name, role="SMB AE", region=region, home_lat=HOMES[name][0],
                       home_lon=HOMES[name][1]) for name, region in
             (("LA", "West"), ("SF", "West"), ("NYC", "East"), ("BOS", "East"))]
    owner = {"LA": 0, "SF": 1, "NYC": 2, "BOS": 3}
    assign = np.array([owner[w] for w in where[:18]] + [-1, -1, -1])
    plan = Plan(acc, terrs, assign)
    plan.settings = replace(plan.settings, balance_within_region=within_region)
    return plan


def test_an_unowned_account_stays_in_the_region_where_it_is() -> None:
    plan = _plan(within_region=True)
    groups = peer_groups(plan, np.arange(4))
    ok = peer_eligibility(plan, groups)
    assert ok[18].tolist() == [True, True, False, False]  # near Los Angeles: the West reps
    assert ok[19].tolist() == [False, False, True, True]  # near Boston: the East reps
    assert ok[20].tolist() == [False, False, True, True]  # no location: the region with the most accounts
    assert ok[:18].tolist() == [(groups == groups[t]).tolist() for t in plan.assignment[:18]]


def test_without_regions_every_rep_of_the_role_is_eligible() -> None:
    plan = _plan(within_region=False)
    problem = problem_from_plan(plan)
    assert problem.eligible is None or problem.eligible[18:].all()
