"""A plan restored after a crash holds unsaved edits in its base snapshot: if the app dies again before the
next edit, the following start must still offer those edits, not clear the session as empty."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QMessageBox

import territory_desktop.io.project.project_file as project
from territory_desktop.core.edits import MoveAccounts
from territory_desktop.ui.hub.document import Document
from tests.conftest import make_plan
from tests.ui.window_driver import make_window


def test_a_restored_plan_that_crashes_before_any_edit_is_offered_again(qtbot, tmp_path):
    path = tmp_path / "book.territory"
    project.save_project(make_plan(n=80, k=3, seed=2), path)
    plan = project.open_project(path)
    plan.apply(MoveAccounts(np.arange(10), 2))  # the edits a first recovery gave back, not saved yet
    doc = Document(plan, path, modified=True)  # what offer_recovery makes of a restored plan
    doc.start_journal()
    journal, doc.journal = doc.journal, None
    del journal  # the app dies again before the planner edits anything

    w = make_window(qtbot, tmp_path, make_plan(n=20, k=2))
    asked = []
    w.ask = lambda title, text, *_: asked.append(text) or QMessageBox.StandardButton.Yes
    assert w.files.offer_recovery()
    assert len(asked) == 1 and "0 unsaved" not in asked[0]
    assert np.array_equal(w.plan.assignment, plan.assignment)
    assert w.isWindowModified()
