"""Every move says why, who and when; undo brings the earlier reason back; the audit trail records each step."""

from __future__ import annotations

import numpy as np
import pytest

from territory_desktop.core.audit import EDIT, AuditEntry
from territory_desktop.core.edits import Batch, Edit, MoveAccounts, RemoveTerritory, set_missing_reason
from territory_desktop.core.plan import EditRefused
from tests.conftest import make_plan


def test_a_move_records_its_reason_user_and_time_per_account() -> None:
    plan = make_plan(60, 3)
    rows = np.flatnonzero(plan.assignment != 2)[:4]
    plan.apply(MoveAccounts(rows, 2, reason="Closer to the Denver rep", by="ann", at="2026-12-01T09:00:00+00:00"))
    assert plan.notes.reason[rows].tolist() == ["Closer to the Denver rep"] * 4
    assert plan.notes.by[rows].tolist() == ["ann"] * 4
    untouched = np.setdiff1d(np.arange(60), rows)
    assert (plan.notes.reason[untouched] == "").all()


def test_inverse_restores_the_reason_the_move_replaced() -> None:
    plan = make_plan(60, 3)
    rows = np.flatnonzero(plan.assignment == 0)[:3]
    undo_first = plan.apply(MoveAccounts(rows, 1, reason="first"))
    undo_second = plan.apply(MoveAccounts(rows, 2, reason="second"))
    assert set(plan.notes.reason[rows]) == {"second"}
    redo_second = plan.apply(undo_second)
    assert set(plan.notes.reason[rows]) == {"first"} and (plan.assignment[rows] == 1).all()
    plan.apply(redo_second)
    assert set(plan.notes.reason[rows]) == {"second"}
    plan.apply(plan.apply(undo_second))  # undo, then redo of the redo's inverse: round trips stay exact
    plan.apply(undo_second)
    plan.apply(undo_first)
    assert set(plan.notes.reason[rows]) == {""} and (plan.assignment[rows] == 0).all()


def test_per_row_reasons_and_notes_survive_the_journal_form() -> None:
    plan = make_plan(60, 3)
    rows = np.array([1, 5, 9, 12])
    edit = MoveAccounts(rows, np.array([0, 1, 2, 0]), reason=np.array(["a", "b", "a", ""], dtype=object))
    inverse = plan.apply(edit)
    again = Edit.from_dict(edit.to_dict())
    assert isinstance(again, MoveAccounts)
    assert again.reason.tolist() == ["a", "b", "a", ""] and again.by == edit.by and again.at == edit.at
    inv_again = Edit.from_dict(inverse.to_dict())
    plan.apply(inv_again)
    assert (plan.notes.reason[rows] == "").all()
    plan.apply(again)
    assert plan.notes.reason[rows].tolist() == ["a", "b", "a", ""]


def test_removing_a_rep_notes_the_departure_on_every_orphan_and_undo_clears_it() -> None:
    plan = make_plan(80, 4)
    orphans = plan.rows_in(3)
    undo = plan.apply(RemoveTerritory(3, 0, reason="Rep departure: Rep 3"))
    assert set(plan.notes.reason[orphans]) == {"Rep departure: Rep 3"}
    redo = plan.apply(Edit.from_dict(undo.to_dict()))
    assert set(plan.notes.reason[orphans]) == {""} and not plan.territories[3].removed
    plan.apply(Edit.from_dict(redo.to_dict()))
    assert set(plan.notes.reason[orphans]) == {"Rep departure: Rep 3"}


def test_a_missing_reason_is_filled_but_an_own_reason_is_kept() -> None:
    own = MoveAccounts([1], 0, reason="Co-pilot: West is 20% over")
    bare = MoveAccounts([2], 1)
    batch = Batch([own, bare, RemoveTerritory(2)])
    set_missing_reason(batch, "FY27 realignment")
    assert own.reason == "Co-pilot: West is 20% over"
    assert bare.reason == "FY27 realignment" and batch.edits[2].reason == "FY27 realignment"


def test_the_audit_trail_records_edits_with_label_reason_user_and_moved_count() -> None:
    plan = make_plan(60, 3)
    rows = np.flatnonzero(plan.assignment != 1)[:5]
    plan.apply(MoveAccounts(rows, 1, "Move 5 accounts to T1", reason="Balance potential"))
    entry = plan.audit[-1]
    assert (entry.action, entry.label, entry.reason, entry.kind, entry.accounts) == \
        (EDIT, "Move 5 accounts to T1", "Balance potential", "move", 5)
    assert entry.user and entry.at.startswith("20")
    assert AuditEntry.from_dict(entry.to_dict()) == entry


def test_a_refused_edit_leaves_no_trace_in_the_trail() -> None:
    plan = make_plan(30, 3)
    plan.locked[:] = True
    with pytest.raises(EditRefused):
        plan.apply(MoveAccounts([0], 1))
    assert plan.audit == []


@pytest.mark.parametrize("bad", [{"at": 1}, {"action": "hack"}, {"accounts": -1}, {"accounts": True}, []])
def test_an_unreadable_audit_record_is_refused_by_name(bad: object) -> None:
    record = {"at": "2026-01-01T00:00:00+00:00", "user": "u", "action": "edit", "label": "x"}
    with pytest.raises(ValueError):
        AuditEntry.from_dict({**record, **bad} if isinstance(bad, dict) else bad)
