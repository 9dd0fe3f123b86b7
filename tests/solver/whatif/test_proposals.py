"""What-if add / remove a rep: the proposal's edit gives exactly its "after" table and undoes bit for bit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from territory_desktop.core import kpis
from territory_desktop.core.edits import Edit, MoveAccounts, SetAccountLocks, UpdateTerritory
from territory_desktop.core.geo import haversine_km
from territory_desktop.core.plan import Plan
from territory_desktop.core.settings import BalanceSettings
from territory_desktop.solver.whatif import (
    WhatIf,
    copy_plan,
    propose_add_rep,
    propose_remove_rep,
    thinnest_coverage_home,
)
from territory_desktop.solver.whatif.coverage import nearest_distance
from tests.conftest import make_plan


def _locked_plan(seed: int, n_locked: int = 40) -> tuple[Plan, np.ndarray]:
    plan = make_plan(n=600, k=6, seed=seed)
    rows = np.sort(np.random.default_rng(seed).choice(plan.n_accounts, n_locked, replace=False))
    plan.apply(SetAccountLocks(rows, True))
    return plan, rows


def _state(plan: Plan) -> tuple:
    s = plan.kpis
    return (plan.assignment.copy(), plan.n_territories, s.counts.copy(), s.sums.copy(), s.workload.copy(),
            s.seg_counts.copy(), s.moved_count, s.moved_sums.copy())


def _assert_same_state(a: tuple, b: tuple) -> None:
    assert a[1] == b[1]
    assert a[6] == b[6]
    for x, y in zip(a[:1] + a[2:6] + a[7:], b[:1] + b[2:6] + b[7:], strict=True):
        assert np.array_equal(x, y)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_add_rep_edit_gives_after_and_undo_restores(seed):
    plan, locked = _locked_plan(seed)
    start = _state(plan)
    before = kpis.territory_table(plan)
    w = propose_add_rep(plan, "New rep", time_limit=3.0)
    assert isinstance(w, WhatIf)
    _assert_same_state(_state(plan), start)  # the proposal was worked out on a copy
    pd.testing.assert_frame_equal(w.before, before, check_exact=True)
    inverse = plan.apply(w.edit)
    new = plan.n_territories - 1
    assert plan.territories[new].name == "New rep"
    pd.testing.assert_frame_equal(kpis.territory_table(plan), w.after, check_exact=True)
    moved = np.flatnonzero(plan.assignment != start[0])
    assert len(moved) == w.moved_accounts > 0
    assert (plan.assignment[moved] == new).all()  # only INTO the new territory, never between old ones
    assert not np.isin(moved, locked).any()
    assert not plan.named[moved].any()
    assert (plan.accounts["pipeline"].to_numpy()[moved] == 0).all()  # open deals keep their owner
    out_before, out_after = int((~w.before["in_band"]).sum()), int((~w.after["in_band"]).sum())
    assert out_after <= out_before or bool(w.after.loc[new, "in_band"])
    assert bool(w.after.loc[new, "in_band"])
    assert abs(w.after.loc[new, "dev_potential"]) <= 0.15 * 0.5 + 1e-9  # near the peer mean, not at the edge
    assert f"{w.moved_accounts:,} accounts" in w.title and len(w.summary) >= 4
    plan.apply(inverse)
    _assert_same_state(_state(plan), start)
    pd.testing.assert_frame_equal(kpis.territory_table(plan), before, check_exact=True)


def test_add_rep_edit_survives_the_journal():
    plan = make_plan(n=600, k=6, seed=4)
    w = propose_add_rep(plan, "New rep", time_limit=2.0)
    replayed = Edit.from_dict(w.edit.to_dict())
    copy = copy_plan(plan)
    copy.apply(replayed)
    pd.testing.assert_frame_equal(kpis.territory_table(copy), w.after, check_exact=True)


def test_add_rep_is_deterministic():
    plan = make_plan(n=600, k=6, seed=5)
    a = propose_add_rep(plan, "New rep", time_limit=2.0)
    b = propose_add_rep(plan, "New rep", time_limit=2.0)
    assert np.array_equal(a.edit.edits[1].rows, b.edit.edits[1].rows)
    assert a.title == b.title


def test_add_rep_takes_only_from_peers_and_respects_eligibility():
    plan = make_plan(n=600, k=6, seed=6)
    for i in range(6):
        plan.apply(UpdateTerritory(i, {"role": "SMB AE" if i < 4 else "Enterprise AE"}))
    rules = BalanceSettings().with_eligibility({"Enterprise": ["Enterprise AE"]})
    plan.settings = rules  # the rule only decides the new territory's options: no account moves here
    start = plan.assignment.copy()
    w = propose_add_rep(plan, "SMB 5", role="SMB AE", home=(38.0, -100.0), time_limit=2.0)
    plan.apply(w.edit)
    new = plan.n_territories - 1
    assert plan.territories[new].role == "SMB AE"
    moved = np.flatnonzero(plan.assignment != start)
    assert len(moved)
    assert (start[moved] < 4).all()  # only from SMB AE peers
    assert not (plan.accounts["segment"].to_numpy()[moved] == "Enterprise").any()


def test_add_rep_role_defaults_to_the_neighbours_role_and_capacity_to_the_peers():
    plan = make_plan(n=600, k=6, seed=7)
    for i in range(6):
        plan.apply(UpdateTerritory(i, {"role": "AE", "capacity_hours": 1000.0 + 100 * i}))
    w = propose_add_rep(plan, "New", time_limit=1.0)
    t = w.edit.edits[0].territory
    assert t.role == "AE"
    assert t.capacity_hours == pytest.approx(1250.0)
    assert t.has_home


def test_add_rep_refuses_bad_names_and_homes():
    plan = make_plan(n=200, k=3, seed=8)
    with pytest.raises(ValueError, match="already called"):
        propose_add_rep(plan, "t1")
    with pytest.raises(ValueError, match="name"):
        propose_add_rep(plan, "  ")
    with pytest.raises(ValueError, match="not a place"):
        propose_add_rep(plan, "X", home=(float("nan"), 0.0))


def test_add_rep_never_moves_locked_or_out_of_locked_territories():
    plan = make_plan(n=600, k=6, seed=9)
    plan.apply(UpdateTerritory(0, {"locked": True}))
    start = plan.assignment.copy()
    w = propose_add_rep(plan, "New rep", time_limit=2.0)
    plan.apply(w.edit)
    moved = np.flatnonzero(plan.assignment != start)
    assert len(moved) and not (start[moved] == 0).any()


@pytest.mark.parametrize("seed", [0, 3])
def test_remove_rep_redistributes_then_removes(seed):
    plan, locked = _locked_plan(seed, n_locked=0)
    start = _state(plan)
    before = kpis.territory_table(plan)
    gone = 2
    orphans = plan.rows_in(gone)
    w = propose_remove_rep(plan, gone, time_limit=3.0)
    _assert_same_state(_state(plan), start)
    assert w.moved_accounts == len(orphans)
    inverse = plan.apply(w.edit)
    assert not len(plan.rows_in(gone))
    assert plan.territories[gone].removed
    assert (plan.assignment[orphans] >= 0).all()
    others = np.setdiff1d(np.arange(plan.n_accounts), orphans)
    assert np.array_equal(plan.assignment[others], start[0][others])  # everyone else stays put
    pd.testing.assert_frame_equal(kpis.territory_table(plan), w.after, check_exact=True)
    assert gone not in w.after.index and gone in w.before.index
    plan.apply(inverse)
    assert not plan.territories[gone].removed
    _assert_same_state(_state(plan), start)
    pd.testing.assert_frame_equal(kpis.territory_table(plan), before, check_exact=True)


def test_remove_rep_with_locked_accounts_names_the_count():
    plan = make_plan(n=600, k=6, seed=10)
    rows = plan.rows_in(3)[:7]
    plan.apply(SetAccountLocks(rows, True))
    start = _state(plan)
    with pytest.raises(ValueError, match=r"\b7 of its accounts are locked"):
        propose_remove_rep(plan, 3)
    _assert_same_state(_state(plan), start)


def test_remove_rep_refuses_locked_or_removed_territories():
    plan = make_plan(n=300, k=4, seed=11)
    plan.apply(UpdateTerritory(1, {"locked": True}))
    with pytest.raises(ValueError, match="locked"):
        propose_remove_rep(plan, 1)
    w = propose_remove_rep(plan, 2, time_limit=1.0)
    plan.apply(w.edit)
    with pytest.raises(ValueError, match="already been removed"):
        propose_remove_rep(plan, 2)
    with pytest.raises(ValueError, match="no territory number"):
        propose_remove_rep(plan, 99)


def test_remove_the_only_rep_of_a_role_hands_its_book_to_another_role():
    plan = make_plan(n=400, k=4, seed=12)
    for i in range(4):
        plan.apply(UpdateTerritory(i, {"role": "Solo" if i == 0 else "AE"}))
    w = propose_remove_rep(plan, 0, time_limit=1.0)
    plan.apply(w.edit)
    assert not len(plan.rows_in(0)) and (plan.assignment >= 0).all()
    assert any("another role" in line for line in w.summary)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_thinnest_coverage_home_is_far_from_every_home(seed):
    plan = make_plan(n=600, k=6, seed=seed)
    lat, lon = thinnest_coverage_home(plan)
    homes = np.array([(t.home_lat, t.home_lon) for t in plan.territories])
    to_home = haversine_km(lat, lon, homes[:, 0], homes[:, 1])
    median = np.median(nearest_distance(plan.lat, plan.lon, homes[:, 0], homes[:, 1]))
    assert to_home.min() > median
    # and it is a real account's location, not a point in the sea
    assert (np.isclose(plan.lat, lat) & np.isclose(plan.lon, lon)).any()


def test_remove_an_empty_territory():
    plan = make_plan(n=300, k=4, seed=13)
    plan.apply(UpdateTerritory(3, {"name": "Empty"}))
    plan.apply(MoveAccounts(plan.rows_in(3), 0))
    w = propose_remove_rep(plan, 3, time_limit=1.0)
    assert w.moved_accounts == 0 and "no accounts" in w.title
    plan.apply(w.edit)
    assert plan.territories[3].removed
