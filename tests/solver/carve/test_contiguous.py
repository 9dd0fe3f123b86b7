"""Contiguous carves: every plan returned is one piece per territory, balanced when a balanced one exists, and
"impossible" only with a proof that names the constraint."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from territory_desktop.solver.engine import explain_infeasibility, solve, solve_stream
from territory_desktop.solver.points import PointsError, load_points
from territory_desktop.solver.problem.contiguity import Adjacency, impossible_parts, pieces_per_territory
from territory_desktop.solver.problem.snapshot import Problem, evaluate


def _grid(rows: int, cols: int, drop: float = 0.0, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Units on a grid (x, y) and the pairs of 4-neighbours, some side-by-side edges dropped (every up-down edge
    and the first row are kept, so the map stays one connected piece)."""
    rng = np.random.default_rng(seed)
    x, y = np.meshgrid(np.arange(cols, dtype=float), np.arange(rows, dtype=float))
    idx = np.arange(rows * cols).reshape(rows, cols)
    pairs = []
    for r in range(rows):
        for c in range(cols):
            if c + 1 < cols and (r == 0 or rng.random() >= drop):
                pairs.append((idx[r, c], idx[r, c + 1]))
            if r + 1 < rows:
                pairs.append((idx[r, c], idx[r + 1, c]))
    return x.ravel(), y.ravel(), np.array(pairs)


def _problem(x, y, pairs, pop, k, band) -> Problem:
    n = len(x)
    return Problem(version=0, x=x, y=y, measures=np.asarray(pop, float)[:, None], measure_names=("population",),
                   bands=np.array([band]), weights=np.ones(1), shares=np.ones(k), centres=np.full((k, 2), np.nan),
                   capacity=None, current=np.full(n, -1, np.int32), baseline=np.full(n, -1, np.int32),
                   movable=np.ones(n, bool), eligible=None, territory_open=np.ones(k, bool), disruption_weight=0.0,
                   compactness_weight=1.0, q=2, compactness_column=0, mode="carve",
                   adjacency=Adjacency.from_pairs(n, pairs), contiguous=True)


@settings(max_examples=8, deadline=None)
@given(st.integers(0, 10_000), st.integers(2, 4), st.sampled_from([0.05, 0.15, 0.3]))
def test_every_plan_returned_is_one_piece_per_territory(seed, k, band):
    rng = np.random.default_rng(seed)
    x, y, pairs = _grid(5, 6, drop=0.3, seed=seed)
    p = _problem(x, y, pairs, rng.integers(1, 20, len(x)), k, band)
    for sol in solve_stream(p, 1.5):
        assert (pieces_per_territory(p.adjacency, sol.assignment, k) == 1).all()
        assert (sol.assignment >= 0).all()


def test_a_balanced_contiguous_plan_is_found_when_one_exists():
    """A 6 x 6 grid of equal units into 4 territories within ±5%: the four 3 x 3 quarters are one answer."""
    x, y, pairs = _grid(6, 6)
    p = _problem(x, y, pairs, np.full(36, 10.0), 4, 0.05)
    sol = solve(p, 4.0)
    assert sol.feasible and sol.in_band, sol.message
    assert (pieces_per_territory(p.adjacency, sol.assignment, 4) == 1).all()
    assert evaluate(p, sol.assignment).rule_breaks == 0


def test_a_cut_territory_breaks_the_rule():
    x, y, pairs = _grid(1, 4)  # a path 0-1-2-3
    p = _problem(x, y, pairs, np.ones(4), 2, np.inf)
    assert evaluate(p, np.array([0, 1, 0, 1])).rule_breaks > 0
    assert evaluate(p, np.array([0, 0, 1, 1])).rule_breaks == 0


def test_impossible_is_said_only_with_a_proof_naming_the_constraint():
    # two islands of 10 and 90 people into 2 territories within ±10%: each island must hold whole territories
    x = np.array([0.0, 1.0, 5.0, 6.0])
    pairs = np.array([[0, 1], [2, 3]])
    p = _problem(x, np.zeros(4), pairs, [5, 5, 45, 45], 2, 0.1)
    conflicts = explain_infeasibility(p, ["North", "South"])
    assert any("cannot be split into 2 connected territories within ±10% population" in c for c in conflicts)
    assert impossible_parts(p.adjacency, p.measures[:, 0], 2, 45.0, 55.0) is not None
    # the same units joined into one piece: a balanced split exists, and nothing is called impossible
    q = _problem(x, np.zeros(4), np.array([[0, 1], [1, 2], [2, 3]]), [25, 25, 25, 25], 2, 0.1)
    assert explain_infeasibility(q, ["North", "South"]) == []
    assert solve(q, 2.0).in_band


def test_solve_points_reads_an_adjacency_and_names_a_bad_row(tmp_path):
    pts, ter, adj = tmp_path / "p.csv", tmp_path / "t.csv", tmp_path / "adj.csv"
    pd.DataFrame({"id": ["a", "b", "c", "d"], "x": [0, 1, 2, 3], "y": [0, 0, 0, 0], "pop": [1, 1, 1, 1]}).to_csv(
        pts, index=False)
    pd.DataFrame({"id": ["T1", "T2"]}).to_csv(ter, index=False)
    pd.DataFrame({"a": ["a", "b", "c"], "b": ["b", "c", "d"]}).to_csv(adj, index=False)
    prob = load_points(pts, ter, band=0.1, adjacency=adj, contiguous=True).problem
    assert prob.contiguous and prob.adjacency is not None
    sol = solve(prob, 2.0)
    assert sol.in_band and (pieces_per_territory(prob.adjacency, sol.assignment, 2) == 1).all()
    pd.DataFrame({"a": ["a", "zz"], "b": ["b", "c"]}).to_csv(adj, index=False)
    with pytest.raises(PointsError, match=r"row 3, column 'a': 'zz' is not a point id"):
        load_points(pts, ter, adjacency=adj, contiguous=True)
    with pytest.raises(PointsError, match="--contiguous needs --adjacency"):
        load_points(pts, ter, contiguous=True)
