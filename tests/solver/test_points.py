"""Reading point problems: coordinates, bounds, centres and capacities become the Problem the solver scores."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from territory_desktop.solver.points import PointsError, load_points


def _files(tmp_path, points: dict, territories: dict):
    p, t = tmp_path / "p.csv", tmp_path / "t.csv"
    pd.DataFrame(points).to_csv(p, index=False)
    pd.DataFrame(territories).to_csv(t, index=False)
    return p, t


def test_lat_lon_points_are_projected_to_kilometres(tmp_path):
    p, t = _files(tmp_path, {"id": ["a", "b"], "lat": [40.0, 41.0], "lon": [-90.0, -90.0], "w": [1, 2]},
                  {"id": ["T"], "lat": [40.0], "lon": [-90.0]})
    prob = load_points(p, t).problem
    assert np.hypot(prob.x[1] - prob.x[0], prob.y[1] - prob.y[0]) == pytest.approx(111.2, abs=0.5)
    assert prob.mode == "rebalance"


def test_bounds_become_lower_and_upper_bands_and_blank_centres_mean_carve(tmp_path):
    p, t = _files(tmp_path, {"id": ["a", "b", "c"], "x": [0, 1, 2], "y": [0, 0, 0], "sales": [1, 2, 3]},
                  {"id": ["N", "S"], "capacity": [5, ""]})
    prob = load_points(p, t, bounds=(0.8, 1.25)).problem
    assert prob.band_low[0] == pytest.approx(0.2) and prob.bands[0] == pytest.approx(0.25)
    assert prob.mode == "carve"
    assert prob.capacity[0] == 5 and np.isinf(prob.capacity[1])


def test_a_matrix_missing_a_point_is_named(tmp_path):
    p, t = _files(tmp_path, {"id": ["a", "b"], "w": [1, 1]}, {"id": ["T1"]})
    m = tmp_path / "m.csv"
    pd.DataFrame({"T1": [1.0]}, index=["a"]).to_csv(m)
    with pytest.raises(PointsError, match="no row for point 'b'"):
        load_points(p, t, distance_matrix=m)


def test_duplicate_ids_and_missing_coordinates_are_reported(tmp_path):
    p, t = _files(tmp_path, {"id": ["a", "a"], "x": [0, 1], "y": [0, 1]}, {"id": ["T"]})
    with pytest.raises(PointsError, match="duplicate id 'a'"):
        load_points(p, t)
    p, t = _files(tmp_path, {"id": ["a"], "w": [1]}, {"id": ["T"]})
    with pytest.raises(PointsError, match="needs x,y or lat,lon"):
        load_points(p, t)


def test_a_blank_centre_in_a_haversine_rebalance_is_the_middle_of_its_points(tmp_path):
    """A blank lat/lon centre was NaN on the sphere, so every distance to it counted as 0 and the territory
    looked perfectly compact: it is measured from the middle of its points, as on the flat."""
    p, t = _files(tmp_path, {"id": ["a", "b", "c"], "lat": [40.0, 40.2, 45.0], "lon": [-90.0, -90.0, -80.0],
                             "w": [1, 1, 1], "territory": ["N", "N", "S"]},
                  {"id": ["N", "S"], "lat": ["", 45.0], "lon": ["", -80.0]})
    prob = load_points(p, t, distance="haversine").problem
    assert prob.mode == "rebalance"
    assert np.isfinite(prob.centre_latlon).all()
    assert prob.centre_latlon[0] == pytest.approx([40.1, -90.0])
    to_n = prob.dist(np.arange(3), np.zeros(3))
    assert to_n[0] == pytest.approx(11.1, abs=0.2) and to_n[2] > 500


def test_lat_lon_centres_with_x_y_points_are_refused(tmp_path):
    """Territories placed by lat/lon while the points are x,y were silently read as having no centre."""
    p, t = _files(tmp_path, {"id": ["a", "b"], "x": [0, 1], "y": [0, 0], "w": [1, 1]},
                  {"id": ["T"], "lat": [40.0], "lon": [-90.0]})
    with pytest.raises(PointsError, match=r"t\.csv.*lat,lon.*x,y"):
        load_points(p, t)
