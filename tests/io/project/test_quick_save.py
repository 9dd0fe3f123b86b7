"""Saving moves back into the file they were opened from (`save_moves`, the CLI's `move`): only what moves and
locks change is rewritten in a copy of the file, and the file then opens exactly as a full save would have it.
Whenever the old bytes may not be the plan any more, the save is whole."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from territory_desktop.core.adjacency import AccountAdjacency
from territory_desktop.core.edits import MoveAccounts, SetAccountLocks, SetSegments
from territory_desktop.core.plan import Plan
from territory_desktop.core.scenarios import Scenario, ScenarioSet, copy_plan
from territory_desktop.io.project.project_file import open_project, open_scenarios, save_moves, save_project
from tests.conftest import make_plan
from tests.io.project.test_project import assert_same_plan


def _plan_with_everything(n: int = 120) -> Plan:
    """Source columns (one all blank), an adjacency and a second scenario: every frame a file can hold."""
    base = make_plan(n=n, k=4, seed=5)
    source = pd.DataFrame({"Account Name": base.accounts["name"].astype(str).to_numpy(dtype=object),
                           "Region": np.where(np.arange(n) % 2, "West", "East").astype(object)})
    plan = Plan(base.accounts, base.territories, base.assignment, source=source)
    ids = plan.ids
    plan.adjacency = AccountAdjacency(ids[:-1].copy(), ids[1:].copy(), "pairs.csv")
    other = copy_plan(plan)
    other.apply(MoveAccounts(np.arange(10), 2))
    ScenarioSet([Scenario("Main plan", plan), Scenario("Option B", other)], 0)
    return plan


def _same_file_contents(a: Path, b: Path) -> None:
    sa, sb = open_scenarios(a), open_scenarios(b)
    assert [s.name for s in sa.scenarios] == [s.name for s in sb.scenarios] and sa.active == sb.active
    for x, y in zip(sa.scenarios, sb.scenarios, strict=True):
        assert_same_plan(x.plan, y.plan)
        for f in ("reason", "by", "at"):
            assert list(getattr(x.plan.notes, f)) == list(getattr(y.plan.notes, f)), f
        assert [e.to_dict() for e in x.plan.audit] == [e.to_dict() for e in y.plan.audit]
        assert (x.plan.adjacency is None) == (y.plan.adjacency is None)
        if x.plan.adjacency is not None:
            assert list(x.plan.adjacency.a) == list(y.plan.adjacency.a)


ops = st.lists(st.tuples(st.sampled_from(["move", "lock", "unlock"]), st.lists(st.integers(0, 119), min_size=1,
                                                                                 max_size=15, unique=True),
                         st.integers(-1, 3)), min_size=1, max_size=6)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=ops)
def test_quick_saves_read_back_as_full_saves(tmp_path: Path, steps: list) -> None:
    path, whole = tmp_path / "plan.territory", tmp_path / "whole.territory"
    save_project(_plan_with_everything(), path)
    plan = open_project(path)
    for op, rows, target in steps:
        edit = MoveAccounts(np.array(rows), target) if op == "move" else SetAccountLocks(rows, op == "lock")
        try:
            plan.apply(edit, reason="quick save test")
        except Exception:  # a move of a locked account is refused: the plan is as it was
            continue
        assert save_moves(plan, path), "moves and locks of the plan opened from the file take the quick path"
    save_project(plan, whole)
    _same_file_contents(path, whole)
    assert_same_plan(open_project(path), plan)


def test_an_account_edit_gets_a_whole_save(tmp_path: Path) -> None:
    path = tmp_path / "plan.territory"
    save_project(_plan_with_everything(), path)
    plan = open_project(path)
    plan.apply(MoveAccounts(np.arange(3), 1))
    segments = np.where(np.arange(plan.n_accounts) < 50, "Enterprise", "SMB").astype(object)
    plan.apply(SetSegments(segments, np.full(plan.n_accounts, "rules", dtype=object), plan.settings.segment_rules))
    assert not save_moves(plan, path)
    assert list(open_project(path).accounts["segment"]) == list(segments)
    plan.apply(MoveAccounts(np.arange(3, 6), 2))
    assert not save_moves(plan, path), "once the accounts changed, the record no longer vouches for the file"
    assert_same_plan(open_project(path), plan)


def test_a_file_replaced_since_it_was_opened_is_not_copied(tmp_path: Path) -> None:
    path = tmp_path / "plan.territory"
    save_project(_plan_with_everything(), path)
    plan = open_project(path)
    save_project(make_plan(n=40, k=2, seed=9), path)  # another session saved a different plan there
    plan.apply(MoveAccounts(np.arange(4), 3))
    assert not save_moves(plan, path)
    assert_same_plan(open_project(path), plan)


def test_saving_elsewhere_or_a_new_plan_is_whole(tmp_path: Path) -> None:
    path, other = tmp_path / "plan.territory", tmp_path / "copy.territory"
    save_project(_plan_with_everything(), path)
    plan = open_project(path)
    plan.apply(MoveAccounts(np.arange(4), 3))
    assert not save_moves(plan, other)
    assert_same_plan(open_project(other), plan)
    fresh = make_plan(n=30, k=2, seed=2)
    assert not save_moves(fresh, tmp_path / "fresh.territory")
    assert_same_plan(open_project(tmp_path / "fresh.territory"), fresh)


def test_a_kept_column_stored_as_a_copy_of_a_change_note_forces_a_whole_save(tmp_path: Path) -> None:
    """A blank source column can be stored as a reference to the (blank) change notes; the quick save
    rewrites the notes, so it must not keep that reference."""
    base = make_plan(n=60, k=3, seed=4)
    base.apply(MoveAccounts(np.arange(5), 1, reason="first pass"))
    notes = base.notes.reason.copy()  # "first pass" ×5 then blanks: like no account column, like the note
    source = pd.DataFrame({"Notes": notes})
    plan = Plan(base.accounts, base.territories, base.assignment, source=source, notes=base.notes)
    path = tmp_path / "plan.territory"
    save_project(plan, path)
    with sqlite3.connect(path) as con:
        kinds = con.execute("SELECT kind, dtype FROM columns WHERE frame = 'source'").fetchall()
    assert any('"plan"' in dtype for _kind, dtype in kinds), f"premise: the blank column refers to a note {kinds}"
    plan = open_project(path)
    plan.apply(MoveAccounts(np.arange(5), 2, reason="rebalance West"))
    assert not save_moves(plan, path)
    back = open_project(path)
    assert list(back.source["Notes"]) == list(notes)
    assert list(back.notes.reason[:5]) == ["rebalance West"] * 5


def test_quick_save_keeps_a_private_file_private(tmp_path: Path) -> None:
    path = tmp_path / "plan.territory"
    save_project(_plan_with_everything(), path)
    os.chmod(path, 0o600)
    plan = open_project(path)
    plan.apply(MoveAccounts(np.arange(4), 3))
    assert save_moves(plan, path)
    assert (os.stat(path).st_mode & 0o777) == 0o600
    assert not list(tmp_path.glob(".*.saving")), "no temporary file is left beside the plan"
