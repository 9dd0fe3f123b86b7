"""A carve honours its time limit (within 10% plus start-up) and reports the wall time it took."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from territory_desktop.solver.engine import solve
from territory_desktop.solver.points import load_points


def test_a_big_carve_stops_on_time_and_says_how_long_it_took(tmp_path):
    rng = np.random.default_rng(0)
    n, k = 4000, 40  # big enough that one region MIP takes seconds to build
    pd.DataFrame({"id": range(n), "x": rng.uniform(0, 1000, n), "y": rng.uniform(0, 1000, n),
                  "w": rng.uniform(1, 10, n)}).to_csv(tmp_path / "p.csv", index=False)
    pd.DataFrame({"id": range(k)}).to_csv(tmp_path / "t.csv", index=False)
    data = load_points(tmp_path / "p.csv", tmp_path / "t.csv", measures=["w"], mode="carve")
    limit = 3.0
    t0 = time.monotonic()
    sol = solve(data.problem, limit)
    wall = time.monotonic() - t0
    assert wall <= limit * 1.1 + 1.5, wall  # 1.5 s: the distance matrix, built before any choice is made
    assert abs(sol.elapsed - wall) < 0.05
    assert sol.feasible
