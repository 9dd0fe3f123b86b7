"""Refreshing a plan from a newer export, in the core: what the difference finds and what the one edit keeps
(territories, baseline, locks and change notes of matched accounts), and that undo gives the old plan back."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from territory_desktop.core.audit import UNDO
from territory_desktop.core.edits import MoveAccounts
from territory_desktop.core.plan import Plan
from territory_desktop.core.refresh import diff_accounts, refresh_edit, refreshes_in, segment_changes
from territory_desktop.io.project.project_file import open_project, save_project
from tests.conftest import make_plan


def _newer(plan: Plan, drop: list[int], add: int) -> pd.DataFrame:
    """The plan's accounts without rows `drop`, in reverse order, with `add` new ones at the end."""
    keep = plan.accounts.drop(index=drop).iloc[::-1]
    extra = plan.accounts.iloc[:add].copy()
    extra["account_id"] = [f"NEW-{i}" for i in range(add)]
    return pd.concat([keep, extra], ignore_index=True)


def test_matched_accounts_keep_their_change_notes_and_the_plan_saves(tmp_path: Path) -> None:
    plan = make_plan(60, 3, seed=4)
    moved = plan.rows_in(0)[:3]
    plan.apply(MoveAccounts(moved, 1, reason="Closer to the Austin rep", by="ann"))
    moved_ids = set(plan.accounts["account_id"].iloc[moved])
    new = _newer(plan, drop=[int(plan.rows_in(2)[0])], add=2)
    diff = diff_accounts(plan, new)
    plan.apply(refresh_edit(plan, new, diff))

    assert len(plan.notes.reason) == plan.n_accounts == 61
    ids = plan.accounts["account_id"].to_numpy()
    noted = {ids[r]: (plan.notes.reason[r], plan.notes.by[r]) for r in range(plan.n_accounts) if plan.notes.reason[r]}
    assert noted == {i: ("Closer to the Austin rep", "ann") for i in moved_ids}
    path = tmp_path / "refreshed.territory"
    save_project(plan, path)
    again = open_project(path)
    assert again.n_accounts == 61 and len(again.departed) == 1


def test_undo_of_a_refresh_gives_back_the_old_accounts_notes_and_numbers() -> None:
    plan = make_plan(80, 4, seed=5)
    plan.apply(MoveAccounts(plan.rows_in(1)[:4], 2, reason="Rebalance"))
    before = (plan.accounts.copy(), plan.assignment.copy(), plan.notes.reason.copy(), plan.kpis.counts.copy())
    new = _newer(plan, drop=[0, 5, 9], add=4)
    undo = plan.apply(refresh_edit(plan, new, diff_accounts(plan, new)))
    assert plan.n_accounts == 81
    plan.apply(undo)
    assert plan.accounts.equals(before[0])
    assert np.array_equal(plan.assignment, before[1])
    assert list(plan.notes.reason) == list(before[2])
    assert np.array_equal(plan.kpis.counts, before[3])


def test_the_audit_trail_says_what_a_refresh_changed_and_undo_takes_it_out() -> None:
    plan = make_plan(50, 3, seed=6)
    new = _newer(plan, drop=[1, 2], add=3)
    new.loc[new["account_id"] == plan.accounts["account_id"].iat[0], "segment"] = "Strategic"
    new.loc[new["account_id"] == plan.accounts["account_id"].iat[3], "segment"] = "Strategic"
    undo = plan.apply(refresh_edit(plan, new, diff_accounts(plan, new)))
    entry = plan.audit[-1]
    assert entry.kind == "refresh_accounts"
    assert entry.reason.startswith("3 new accounts; 2 accounts gone from the CRM; 2 changed segment")
    assert [segment_changes(e) for e in refreshes_in(plan.audit)] == [2]
    plan.apply(undo, action=UNDO, label=entry.label, reason=entry.reason)
    assert refreshes_in(plan.audit) == []
