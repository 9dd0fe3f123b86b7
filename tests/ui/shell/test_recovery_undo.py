"""Edits restored after a crash land on the undo stack, one step each, as they were before the crash: Edit
History lists them and Undo takes them back one by one (it used to say only "Opened plan")."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QMessageBox

import territory_desktop.io.project.project_file as project
from territory_desktop.core.edits import MoveAccounts, UpdateTerritory
from territory_desktop.io.project.recovery import Journal, list_recoverable
from tests.conftest import make_plan
from tests.ui.window_driver import make_window


def test_restored_edits_are_undoable_steps(qtbot, tmp_path) -> None:
    path = tmp_path / "book.territory"
    project.save_project(make_plan(n=120, k=4, seed=5), path)
    saved = project.open_project(path)
    plan = project.open_project(path)
    journal = Journal.start(plan, path)
    plan.apply(MoveAccounts(np.arange(10), 2, "Move 10 accounts to T2"))
    plan.apply(UpdateTerritory(1, {"name": "Gulf Coast"}, "Rename T1 to Gulf Coast"))
    journal._lock.close()  # noqa: SLF001 - the app dies: its lock goes with it
    assert len(list_recoverable()) == 1

    w = make_window(qtbot, tmp_path, make_plan(n=20, k=2), journal=True)
    w.ask = lambda *_a, **_k: QMessageBox.StandardButton.Yes
    assert w.files.offer_recovery()
    stack = w.doc.controller.stack
    assert [stack.text(i) for i in range(stack.count())] == ["Move 10 accounts to T2", "Rename T1 to Gulf Coast"]
    assert np.array_equal(w.plan.assignment, plan.assignment) and w.plan.territories[1].name == "Gulf Coast"
    assert w.isWindowModified()
    stack.undo()
    stack.undo()
    assert np.array_equal(w.plan.assignment, saved.assignment) and w.plan.territories[1].name == "T1"
    assert list_recoverable() == []  # the old journal is gone; the window journals the replayed edits itself
