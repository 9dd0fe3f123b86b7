"""A document holds scenarios with their own undo stacks; hand moves take the planner's reason; undo and redo
bring reasons back; the audit trail records undo and redo; everything survives save and open."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from territory_desktop.core.audit import EDIT, REDO, UNDO
from territory_desktop.core.edits import MoveAccounts
from territory_desktop.ui.hub.document import Document, DocumentError, open_project_file
from tests.conftest import make_plan


def test_each_scenario_keeps_its_own_plan_and_undo_history(qtbot) -> None:
    doc = Document(make_plan(120, 3))
    main = doc.plan
    doc.controller.apply(MoveAccounts([1, 2], 2))
    switched = []
    doc.scenarioChanged.connect(switched.append)
    doc.duplicate_scenario("Option B", "two reps more")
    assert switched == [1] and doc.scenario_name == "Option B" and doc.plan is not main
    assert np.array_equal(doc.plan.assignment, main.assignment)  # a copy of where the plan was
    assert doc.controller.stack.count() == 0  # its own, empty history
    row = int(np.flatnonzero(main.assignment != 0)[-1])
    doc.controller.apply(MoveAccounts([row], 0))
    assert doc.plan.assignment[row] == 0 and main.assignment[row] != 0
    doc.switch_scenario(0)
    assert doc.plan is main and doc.controller.stack.count() == 1
    doc.controller.stack.undo()
    assert main.assignment[1] == main.baseline[1]
    assert doc.scenarios.scenarios[1].plan.assignment[1] == 2  # the other scenario is untouched


def test_a_hand_move_takes_the_reason_for_the_next_moves_until_it_is_cleared(qtbot) -> None:
    doc = Document(make_plan(60, 3))
    plan = doc.plan
    rows = np.flatnonzero(plan.assignment != 1)[:3]
    doc.move_reason = "  FY27   realignment "
    assert doc.move_reason == "FY27 realignment"
    doc.controller.apply(MoveAccounts(rows[:2], 1))
    doc.controller.apply(MoveAccounts(rows[2:], 1, reason="Customer asked for Ann"))
    doc.move_reason = ""
    other = np.setdiff1d(np.flatnonzero(plan.assignment != 0), rows)[:1]
    doc.controller.apply(MoveAccounts(other, 0))
    assert plan.notes.reason[rows].tolist() == ["FY27 realignment"] * 2 + ["Customer asked for Ann"]
    assert plan.notes.reason[other[0]] == ""


def test_undo_and_redo_restore_reasons_and_are_in_the_audit_trail(qtbot) -> None:
    doc = Document(make_plan(60, 3))
    plan, ctl = doc.plan, doc.controller
    row = int(np.flatnonzero(plan.assignment == 0)[0])
    doc.move_reason = "first"
    ctl.apply(MoveAccounts([row], 1))
    doc.move_reason = "second"
    ctl.apply(MoveAccounts([row], 2))
    ctl.stack.undo()
    assert plan.notes.reason[row] == "first" and plan.assignment[row] == 1
    ctl.stack.redo()
    assert plan.notes.reason[row] == "second" and plan.assignment[row] == 2
    assert [(e.action, e.reason) for e in plan.audit] == \
        [(EDIT, "first"), (EDIT, "second"), (UNDO, "second"), (REDO, "second")]


def test_merged_moves_with_different_reasons_stay_two_steps(qtbot) -> None:
    doc = Document(make_plan(60, 3))
    ctl = doc.controller
    doc.move_reason = "a"
    ctl.apply(MoveAccounts([1], 0), mergeable=True)
    ctl.apply(MoveAccounts([2], 0), mergeable=True)
    assert ctl.stack.count() == 1
    doc.move_reason = "b"
    ctl.apply(MoveAccounts([3], 0), mergeable=True)
    assert ctl.stack.count() == 2
    ctl.stack.undo()
    ctl.stack.undo()
    assert (doc.plan.notes.reason[[1, 2, 3]] == "").all()


def test_scenarios_reasons_and_history_survive_save_and_open(qtbot, tmp_path: Path) -> None:
    doc = Document(make_plan(90, 3))
    doc.move_reason = "Balance the West"
    doc.controller.apply(MoveAccounts([4, 5], 2))
    doc.duplicate_scenario("Option B", "the bold one")
    doc.controller.apply(MoveAccounts([7], 0, reason="Rep departure: Rep 1"))
    assert doc.modified
    path = doc.save(tmp_path / "plan")
    assert path.suffix == ".territory" and not doc.modified
    loaded = open_project_file(path)
    again = Document(loaded.plan, loaded.project_path)
    assert again.scenarios.names == ["Main plan", "Option B"] and again.scenario_name == "Option B"
    assert again.plan.notes.reason[7] == "Rep departure: Rep 1"
    assert again.plan.notes.reason[4] == "Balance the West"  # copied with the scenario
    assert [e.label for e in again.plan.audit][-1] == "Move 1 account"
    again.switch_scenario(0)
    assert again.plan.notes.reason[7] == "" and again.scenarios.current.notes == ""


def test_rename_notes_and_delete_follow_the_rules_and_mark_the_document_modified(qtbot, tmp_path: Path) -> None:
    doc = Document(make_plan(40, 2))
    doc.save(tmp_path / "p.territory")
    with pytest.raises(DocumentError, match="only scenario"):
        doc.delete_scenario(0)
    doc.duplicate_scenario("B", switch=False)
    assert doc.modified and doc.scenario_name == "Main plan"
    with pytest.raises(DocumentError, match="already a scenario called 'B'"):
        doc.rename_scenario(0, " b ")
    doc.rename_scenario(1, "Option   B")
    assert doc.scenarios.names == ["Main plan", "Option B"]
    doc.set_scenario_notes(1, "why not")
    doc.delete_scenario(0)  # the active one: the neighbour is shown first
    assert doc.scenarios.names == ["Option B"] and doc.scenario_name == "Option B"
    assert doc.plan.audit[-1].label == "Scenario 'Main plan' deleted"
