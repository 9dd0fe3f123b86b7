"""A crash after switching scenario gives back the project, not an untitled plan (issue 16's leftover): the
journal replays onto a snapshot of every scenario but keeps naming the file, so the restored window is that
file, on that scenario, with the edits, and the other scenarios are all there."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtWidgets import QMessageBox

from territory_desktop.core.edits import MoveAccounts
from territory_desktop.io.project.project_file import open_scenarios
from territory_desktop.io.project.recovery import list_recoverable, recover
from territory_desktop.ui.hub.document import Document
from tests.conftest import make_plan
from tests.ui.window_driver import make_window


def _two_scenario_file(tmp_path: Path) -> Path:
    doc = Document(make_plan(120, 4, seed=2))
    doc.duplicate_scenario("Option B", "two reps more", switch=False)
    path = tmp_path / "book.territory"
    doc.save(path)
    return path


def _crash(window) -> None:  # noqa: ANN001 - a MainWindow
    """What dying leaves behind: the journal and its snapshot stay, the writer's lock goes with the process."""
    window.doc.journal._lock.close()  # noqa: SLF001
    window.doc.journal = None


def test_edits_after_a_scenario_switch_are_restored_into_the_project(qtbot, tmp_path: Path) -> None:
    path = _two_scenario_file(tmp_path)
    w = make_window(qtbot, tmp_path, make_plan(20, 2), journal=True)
    assert w.files.open_path(path)
    combo = w.scenario_switcher.combo
    combo.setCurrentIndex(1)
    combo.activated.emit(1)  # the planner picks "Option B" in the toolbar
    assert w.doc.scenario_name == "Option B"
    rows = np.flatnonzero(w.plan.assignment != 3)[:5]
    w.doc.controller.apply(MoveAccounts(rows, 3))
    moved = w.plan.assignment.copy()
    _crash(w)

    sessions = list_recoverable()
    assert len(sessions) == 1
    assert sessions[0].project_path == path.resolve()
    assert sessions[0].description.startswith("book.territory: 1 unsaved edit")

    again = make_window(qtbot, tmp_path, make_plan(20, 2), journal=True)
    again.ask = lambda *_a, **_k: QMessageBox.StandardButton.Yes
    assert again.files.offer_recovery()
    doc = again.doc
    assert doc.path == path.resolve() and doc.display_name == "book.territory"  # not "Untitled"
    assert doc.scenario_name == "Option B" and doc.scenarios.names == ["Main plan", "Option B"]
    assert np.array_equal(doc.plan.assignment, moved)
    assert again.isWindowModified()
    assert "book.territory" in again.windowTitle()
    main_on_disk = open_scenarios(path).scenarios[0].plan
    assert np.array_equal(doc.scenarios.scenarios[0].plan.assignment, main_on_disk.assignment)

    again.files.save()  # Save writes the restored scenarios back to the project itself
    reopened = open_scenarios(path)
    assert reopened.current.name == "Option B"
    assert np.array_equal(reopened.current.plan.assignment, moved)


def test_a_second_crash_before_any_edit_still_offers_the_restored_project(qtbot, tmp_path: Path) -> None:
    path = _two_scenario_file(tmp_path)
    w = make_window(qtbot, tmp_path, make_plan(20, 2), journal=True)
    assert w.files.open_path(path)
    w.doc.switch_scenario(1)
    w.doc.controller.apply(MoveAccounts([0, 1], 2))
    _crash(w)
    again = make_window(qtbot, tmp_path, make_plan(20, 2), journal=True)
    again.ask = lambda *_a, **_k: QMessageBox.StandardButton.Yes
    assert again.files.offer_recovery()
    _crash(again)  # dies again before the planner did anything
    [session] = list_recoverable()
    assert session.project_path == path.resolve()
    plan = recover(session)
    assert plan.scenarios.current.name == "Option B"
    assert plan.assignment[0] == 2 and plan.assignment[1] == 2
