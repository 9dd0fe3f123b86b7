"""Edits and undo keep every KPI equal to a full recomputation, exactly."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from territory_desktop.core import kpis
from territory_desktop.core.edits import (
    AddTerritory,
    Batch,
    Edit,
    MoveAccounts,
    RemoveTerritory,
    SetAccountLocks,
    UpdateTerritory,
)
from territory_desktop.core.kpi_state import KpiState
from territory_desktop.core.plan import EditRefused
from territory_desktop.core.territory import Territory
from tests.conftest import make_plan


def _snapshot(plan):
    return (plan.assignment.copy(), plan.locked.copy(), [t.to_dict() for t in plan.territories],
            plan.kpis.counts.copy(), plan.kpis.sums.copy(), plan.kpis.workload.copy(), plan.kpis.moved_count)


edit_ops = st.lists(st.tuples(st.sampled_from(["move", "lock", "home", "add", "remove", "undo"]),
                              st.integers(0, 10_000), st.integers(0, 10_000)), max_size=25)


@settings(max_examples=60, deadline=None)
@given(edit_ops)
def test_any_edits_and_undos_keep_incremental_kpis_exact(ops):
    plan = make_plan(n=120, k=4, seed=3)
    undo: list[Edit] = []
    for op, a, b in ops:
        act = plan.active_territories()
        try:
            if op == "move":
                rows = np.unique(np.array([a % 120, b % 120, (a * 7) % 120]))
                target = int(act[b % len(act)]) if b % 5 else -1
                undo.append(plan.apply(MoveAccounts(rows, target)))
            elif op == "lock":
                undo.append(plan.apply(SetAccountLocks([a % 120], bool(b % 2))))
            elif op == "home":
                undo.append(plan.apply(UpdateTerritory(int(act[a % len(act)]),
                                                       {"home_lat": 30 + b % 15, "home_lon": -100.0})))
            elif op == "add":
                undo.append(plan.apply(AddTerritory(Territory(f"N{len(plan.territories)}"))))
            elif op == "remove" and len(act) > 1:
                undo.append(plan.apply(RemoveTerritory(int(act[a % len(act)]), -1)))
            elif op == "undo" and undo:
                plan.apply(undo.pop())
        except EditRefused:
            pass
        assert plan.kpis.equals(KpiState.full(plan))


def test_undo_restores_exact_numbers(small_plan):
    before = _snapshot(small_plan)
    inv = small_plan.apply(Batch([MoveAccounts(np.arange(40), 1), UpdateTerritory(1, {"home_lat": 33.0}),
                                  RemoveTerritory(2, 0)], "bulk"))
    assert small_plan.kpis.moved_count > 0
    small_plan.apply(inv)
    after = _snapshot(small_plan)
    for x, y in zip(before, after, strict=True):
        if isinstance(x, np.ndarray):
            assert np.array_equal(x, y)
        else:
            assert x == y


def test_locked_accounts_refuse_to_move_and_plan_is_unchanged(small_plan):
    small_plan.apply(SetAccountLocks([5], True))
    before = small_plan.assignment.copy()
    with pytest.raises(EditRefused, match="locked account"):
        small_plan.apply(MoveAccounts([4, 5, 6], 0))
    assert np.array_equal(before, small_plan.assignment)


def test_locked_territory_refuses_incoming_moves(small_plan):
    small_plan.apply(UpdateTerritory(2, {"locked": True}))
    rows = np.flatnonzero(small_plan.assignment != 2)[:3]
    with pytest.raises(EditRefused, match="T2.*locked"):
        small_plan.apply(MoveAccounts(rows, 2))


def test_moving_changes_territory_totals_and_moved_tally(small_plan):
    table = kpis.territory_table(small_plan)
    row = int(np.flatnonzero(small_plan.assignment == 0)[0])
    pot = float(small_plan.accounts["potential"].iloc[row])
    small_plan.apply(MoveAccounts([row], 1))
    after = kpis.territory_table(small_plan)
    assert after.loc[0, "potential"] == pytest.approx(table.loc[0, "potential"] - pot)
    assert after.loc[1, "potential"] == pytest.approx(table.loc[1, "potential"] + pot)
    assert after.loc[1, "accounts"] == table.loc[1, "accounts"] + 1
    health = kpis.plan_health(small_plan)
    assert health.moved_accounts == 1
    assert health.moved_potential == pytest.approx(pot)


def test_edits_round_trip_through_their_journal_form(small_plan):
    edits = [MoveAccounts([1, 2], np.array([3, 4])), SetAccountLocks([7], True),
             UpdateTerritory(0, {"name": "West", "home_lat": float("nan")}), AddTerritory(Territory("East")),
             Batch([MoveAccounts([9], -1)], "b")]
    for e in edits:
        again = Edit.from_dict(e.to_dict())
        assert again.to_dict() == e.to_dict()


def test_change_events_name_rows_and_territories(small_plan):
    seen = []
    small_plan.changed.connect(seen.append)
    row = int(np.flatnonzero(small_plan.assignment == 0)[0])
    small_plan.apply(MoveAccounts([row], 3))
    assert seen[-1].kind == "assignment"
    assert seen[-1].rows.tolist() == [row]
    assert seen[-1].territories == (0, 3)
    assert seen[-1].version == small_plan.version


def test_deviation_compares_a_territory_with_its_peers_of_the_same_role(small_plan):
    from dataclasses import replace

    from territory_desktop.core.edits import SetSettings

    # Two enterprise books ten times the size of three SMB books: balanced within each role.
    pot = small_plan.measure_values[:, 0]
    for k, role in enumerate(["Enterprise AE", "Enterprise AE", "SMB AE", "SMB AE", "SMB AE"]):
        small_plan.apply(UpdateTerritory(k, {"role": role}))
    big = np.isin(small_plan.assignment, [0, 1])
    assert pot[big].sum() > 0
    table = kpis.territory_table(small_plan)
    ent, smb = table.iloc[:2], table.iloc[2:]
    assert abs(ent["potential"].sum() / 2 * (1 + ent["dev_potential"].iloc[0]) - ent["potential"].iloc[0]) < 1
    assert abs(smb["dev_potential"].mean()) < 1e-9 and abs(ent["dev_potential"].mean()) < 1e-9
    small_plan.apply(SetSettings(replace(small_plan.settings, balance_within_role=False)))
    whole = kpis.territory_table(small_plan)
    assert abs(whole["dev_potential"].mean()) < 1e-9
    assert not np.allclose(whole["dev_potential"].to_numpy(), table["dev_potential"].to_numpy())


def test_a_territory_on_the_edge_of_its_band_is_in_and_capacity_is_a_separate_flag():
    from territory_desktop.core.kpis import band_status

    assert list(band_status(np.array([0.15, -0.15, 0.150001]), 0.15, 0.8)) == ["near", "near", "out"]
    plan = make_plan(n=100, k=2, seed=4)
    plan.apply(UpdateTerritory(0, {"capacity_hours": 1.0}))
    table = kpis.territory_table(plan)
    assert bool(table.loc[0, "over_capacity"])
    assert kpis.plan_health(plan).over_capacity == 1
    assert kpis.plan_health(plan).out_of_band == int((~table["in_band"]).sum())


def test_removing_a_territory_follows_the_lock_rules_but_its_undo_always_works(small_plan):
    plan = small_plan
    row = int(plan.rows_in(0)[0])
    plan.apply(SetAccountLocks([row], True))
    with pytest.raises(EditRefused, match="locked account"):
        plan.apply(RemoveTerritory(0, 1))
    plan.apply(SetAccountLocks([row], False))
    plan.apply(UpdateTerritory(1, {"locked": True}))
    with pytest.raises(EditRefused, match="T1.*locked"):
        plan.apply(RemoveTerritory(0, 1))
    undo_remove = plan.apply(RemoveTerritory(0, 2))
    plan.apply(UpdateTerritory(2, {"locked": True}))  # a lock set afterwards never blocks the undo
    plan.apply(undo_remove)
    assert not plan.territories[0].removed and plan.kpis.equals(KpiState.full(plan))
