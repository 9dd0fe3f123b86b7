"""Geography counts: a territory that must grow takes its nearest accounts, not ones across the country.

A newcomer's nationwide export (hand-written: 110 accounts, seven reps, an empty Pacific Northwest book)
was solved in band by sending Staten Island, Toronto, Detroit and Baton Rouge accounts to the Seattle rep:
with distance counted linearly, one 3,000 km move cost less than two short ones. Counted squared (relative
to the plan's mean distance), a far move costs what it should.
"""

from __future__ import annotations

import numpy as np

from territory_desktop.core.geo import haversine_km
from territory_desktop.io.importing.importer import import_plan
from territory_desktop.solver.engine import solve
from territory_desktop.solver.problem.from_plan import problem_from_plan
from tests.conftest import FIXTURES


def test_balancing_a_nationwide_plan_keeps_accounts_near_their_reps():
    plan = import_plan(FIXTURES / "crm" / "nationwide_export.csv", FIXTURES / "crm" / "nationwide_reps.csv").plan
    sol = solve(problem_from_plan(plan), time_limit=10.0)
    assert sol.in_band
    a = sol.assignment
    names = plan.accounts["name"].tolist()
    moved = np.flatnonzero(a != plan.assignment)
    homes = np.array([[t.home_lat, t.home_lon] for t in plan.territories])
    km = haversine_km(plan.lat[moved], plan.lon[moved], homes[a[moved], 0], homes[a[moved], 1])
    terr = {names[r]: plan.territories[a[r]].name for r in moved}
    assert terr.get("Staten Island Ferry Supplies") == "NY Metro"  # had no owner: the rep next door
    assert "Maple Leaf Robotics" not in terr or terr["Maple Leaf Robotics"] != "Pacific Northwest"
    assert "Baton Rouge Petrochem" not in terr or terr["Baton Rouge Petrochem"] != "Pacific Northwest"
    far = [(names[r], terr[names[r]], round(k)) for r, k in zip(moved, km, strict=True) if k > 3000]
    assert not far, far
