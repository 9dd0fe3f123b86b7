"""A CRM refresh cannot be journaled line by line (it replaces every account), so the journal restarts on a
snapshot of the refreshed plan: a crash after a refresh, or after its undo, gives back exactly that plan."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from territory_desktop.core.edits import MoveAccounts
from territory_desktop.core.plan import Plan
from territory_desktop.core.refresh import diff_accounts, refresh_edit
from territory_desktop.io.project import recovery
from territory_desktop.io.project.project_file import save_project
from territory_desktop.io.project.recovery import Journal, list_recoverable, recover
from tests.conftest import make_plan
from tests.io.project.test_recovery import assert_same_state, crash


def newer_export(plan: Plan) -> pd.DataFrame:
    """The plan's accounts as a newer CRM export has them: 10 gone, 4 new, one with a new potential."""
    acc = plan.accounts.iloc[10:].copy()
    acc.loc[acc.index[0], "potential"] = 9_999_999.0
    extra = plan.accounts.iloc[:4].copy()
    extra["account_id"] = [f"NEW-{i}" for i in range(4)]
    extra["name"] = [f"Newco {i}" for i in range(4)]
    return pd.concat([acc, extra], ignore_index=True)


def refresh(plan: Plan) -> None:
    new = newer_export(plan)
    plan.apply(refresh_edit(plan, new, diff_accounts(plan, new)))


def assert_same_accounts(expected: Plan, got: Plan) -> None:
    assert got.accounts["account_id"].tolist() == expected.accounts["account_id"].tolist()
    assert np.allclose(got.accounts["potential"].to_numpy(float), expected.accounts["potential"].to_numpy(float))
    assert_same_state(expected, got)
    assert got.departed["account_id"].tolist() == expected.departed["account_id"].tolist()


def only_session():
    sessions = list_recoverable()
    assert len(sessions) == 1, sessions
    return sessions[0]


def test_a_crash_after_a_refresh_restores_the_refreshed_plan_and_the_moves_after_it() -> None:
    plan = make_plan(120, 4, seed=5)
    journal = Journal.start(plan, None, source_path=Path("/data/accounts.csv"))
    plan.apply(MoveAccounts(np.arange(0, 20), 1))
    refresh(plan)
    assert journal.error is None and journal.snapshot_restarts == 1
    plan.apply(MoveAccounts(np.array([110, 111, 112, 113]), 2))  # the new accounts, rows of the refreshed plan
    assert plan.n_accounts == 114
    crash(journal)
    del journal
    session = only_session()
    assert session.edit_count == 1 and session.unsaved_base
    got = recover(session)
    assert got.n_accounts == 114
    assert_same_accounts(plan, got)
    assert got.departed["account_id"].tolist() == [f"ACC-{i:05d}" for i in range(10)]


def test_a_refresh_of_a_saved_project_is_restored_under_the_project_name(tmp_path: Path) -> None:
    plan = make_plan(80, 3, seed=6)
    path = tmp_path / "plan.territory"
    save_project(plan, path)
    journal = Journal.start(plan, path)
    refresh(plan)
    crash(journal)
    del journal
    session = only_session()
    assert session.project_path == path.resolve() and session.save_id is None  # replays onto its snapshot
    assert session.description.startswith("plan.territory: unsaved changes")
    assert_same_accounts(plan, recover(session))


def test_undoing_the_refresh_before_the_crash_restores_the_old_accounts() -> None:
    plan = make_plan(60, 3, seed=7)
    before_ids = plan.accounts["account_id"].tolist()
    journal = Journal.start(plan, None)
    new = newer_export(plan)
    undo = plan.apply(refresh_edit(plan, new, diff_accounts(plan, new)))
    plan.apply(undo)
    assert journal.snapshot_restarts == 2
    crash(journal)
    del journal
    got = recover(only_session())
    assert got.accounts["account_id"].tolist() == before_ids
    assert_same_accounts(plan, got)


def test_a_refresh_that_cannot_be_snapshotted_stops_the_journal_but_never_the_edit(monkeypatch) -> None:
    plan = make_plan(60, 3, seed=8)
    journal = Journal.start(plan, None)
    plan.apply(MoveAccounts(np.arange(5), 1))

    def full_disk(*_a, **_k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(recovery, "save_project", full_disk)
    refresh(plan)  # the edit itself goes through
    assert plan.n_accounts == 54
    assert "could not record a refresh" in (journal.error or "") and "No space left" in journal.error
    plan.apply(MoveAccounts(np.arange(5), 2))  # rows of the refreshed plan: must not reach the old journal
    assert journal.edit_count == 1
    monkeypatch.undo()
    journal.close(discard=True)
