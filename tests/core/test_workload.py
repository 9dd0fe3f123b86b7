"""Workload arithmetic: the fast paths a project open takes give the very numbers of the plain formulas."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from territory_desktop.core.geo import haversine_km, haversine_km_prepared
from territory_desktop.core.kpi_state import KpiState
from territory_desktop.core.plan import CANONICAL_COLUMNS, Plan
from territory_desktop.core.settings import WorkloadModel
from territory_desktop.core.territory import Territory
from territory_desktop.core.workload import SCALE, segment_rates

coord = st.one_of(st.floats(-90, 90), st.just(float("nan")))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(coord, st.floats(-180, 180), coord, st.floats(-180, 180)), min_size=1, max_size=40))
def test_prepared_haversine_is_bit_for_bit_the_plain_one(points: list[tuple[float, float, float, float]]) -> None:
    la, lo, lb, lob = (np.array(c, dtype=np.float64) for c in zip(*points, strict=True))
    ra, rb = np.radians(la), np.radians(lb)
    want = haversine_km(la, lo, lb, lob)
    got = haversine_km_prepared(ra, np.cos(ra), lo, rb, np.cos(rb), lob)
    assert np.array_equal(want, got, equal_nan=True)


def test_segment_rates_take_each_segment_its_own_hours_and_unknown_or_blank_the_default() -> None:
    model = WorkloadModel(hours_by_segment={"Enterprise": 40.0, "SMB": 4.0}, default_hours=9.0,
                          visits_by_segment={"Enterprise": 12.0}, default_visits=2.0)
    segs = np.array(["SMB", "Enterprise", None, "Strategic", "SMB", float("nan")], dtype=object)
    hours, visits = segment_rates(segs, model)
    assert hours.tolist() == [4.0, 40.0, 9.0, 9.0, 4.0, 9.0]
    assert visits.tolist() == [2.0, 12.0, 2.0, 2.0, 2.0, 2.0]


def test_plan_workload_matches_the_formula_for_everyone_some_and_nobody() -> None:
    """What `workload_of` gives the totals: service hours plus travel from the serving rep's home, 0 for an
    unassigned account, travel 0 for an account with no position."""
    accounts = pd.DataFrame({
        "account_id": ["a", "b", "c", "d"], "name": ["A", "B", "C", "D"],
        "lat": [40.0, 41.0, np.nan, 39.5], "lon": [-75.0, -74.0, -73.0, -76.0],
        "segment": ["SMB", "Enterprise", "SMB", None], "potential": [1.0, 2.0, 3.0, 4.0],
    })
    for col in CANONICAL_COLUMNS:
        if col not in accounts:
            accounts[col] = 0.0 if col in ("pipeline", "employees") else False if col == "named" else ""
    homes = [Territory("East", home_lat=40.5, home_lon=-74.5), Territory("West", home_lat=39.0, home_lon=-77.0)]
    plan = Plan(accounts, homes, np.array([0, 1, 0, -1]))
    model = plan.settings.workload
    hours, visits = segment_rates(accounts["segment"].to_numpy(dtype=object), model)

    def expected(row: int, t: int) -> int:
        d = float(haversine_km(accounts["lat"][row], accounts["lon"][row], homes[t].home_lat, homes[t].home_lon))
        d = d if np.isfinite(d) else 0.0
        trip = min(2.0 * d * model.circuity / model.speed_kmh, model.max_trip_hours)
        return int(np.rint((hours[row] + trip * visits[row]) * SCALE))

    everyone = plan.workload_of(np.arange(4), np.array([1, 0, 1, 0]))
    assert everyone.tolist() == [expected(0, 1), expected(1, 0), expected(2, 1), expected(3, 0)]
    some = plan.workload_of(np.array([3, 0]), np.array([-1, 0]))
    assert some.tolist() == [0, expected(0, 0)]
    assert plan.workload_of(np.array([1, 2]), np.array([-1, -1])).tolist() == [0, 0]
    assert KpiState.full(plan).workload[:2].tolist() == [expected(0, 0) + expected(2, 0), expected(1, 1)]
