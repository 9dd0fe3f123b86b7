"""Review findings on edits: the numbers stay exact whatever rows an edit is given."""

from __future__ import annotations

import numpy as np
import pytest

from territory_desktop.core.edits import MoveAccounts, RemoveTerritory, UpdateTerritory
from territory_desktop.core.kpi_state import KpiState
from territory_desktop.core.plan import EditRefused
from tests.conftest import make_plan


def test_move_with_a_row_listed_twice_keeps_totals_exact_and_undoes() -> None:
    plan = make_plan(n=60, k=4)
    before = KpiState.full(plan)
    assignment = plan.assignment.copy()
    row = int(np.flatnonzero(plan.assignment != 2)[0])
    inverse = plan.apply(MoveAccounts(np.array([row, row, row]), 2))
    assert plan.assignment[row] == 2
    assert plan.kpis.equals(KpiState.full(plan))
    plan.apply(inverse)
    assert np.array_equal(plan.assignment, assignment)
    assert plan.kpis.equals(before)


def test_move_with_a_row_listed_twice_to_two_targets_takes_the_last() -> None:
    plan = make_plan(n=60, k=4)
    assignment = plan.assignment.copy()
    row = int(np.flatnonzero(plan.assignment == 0)[0])
    inverse = plan.apply(MoveAccounts(np.array([row, row]), np.array([1, 3])))
    assert plan.assignment[row] == 3  # as numpy's own `a[rows] = to` would leave it
    assert plan.kpis.equals(KpiState.full(plan))
    plan.apply(inverse)
    assert np.array_equal(plan.assignment, assignment)


def test_removing_a_removed_territory_is_refused_so_its_undo_cannot_bring_it_back() -> None:
    plan = make_plan(n=60, k=4)
    plan.apply(RemoveTerritory(1))
    version = plan.version
    with pytest.raises(EditRefused, match="already been removed"):
        plan.apply(RemoveTerritory(1))
    assert plan.version == version
    assert plan.territories[1].removed


def test_a_renamed_territory_is_found_by_the_name_it_shows() -> None:
    plan = make_plan(n=20, k=3)
    inverse = plan.apply(UpdateTerritory(1, {"name": "  North East "}))
    assert plan.territories[1].name == "North East"
    assert plan.territory_index("north east") == 1
    plan.apply(inverse)
    assert plan.territories[1].name == "T1"
