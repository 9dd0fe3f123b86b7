"""The window's recovery prompt says what `recover` lists (issue 19, defect 10): edits saved before the crash are
not offered as unsaved edits, and a journal torn before its first complete edit is not silently deleted."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QMessageBox

import territory_desktop.io.project.project_file as project
from territory_desktop.core.edits import MoveAccounts
from territory_desktop.io.project.recovery import Journal, list_recoverable
from tests.conftest import make_plan
from tests.ui.window_driver import make_window


def _dies(journal: Journal) -> None:
    journal._fh.close()  # noqa: SLF001
    journal._lock.close()  # noqa: SLF001 - the app dies: its lock goes with it


def _asking(w, answer: QMessageBox.StandardButton) -> list[tuple[str, str]]:
    asked: list[tuple[str, str]] = []
    w.ask = lambda title, text, *_: asked.append((title, text)) or answer
    return asked


def test_edits_saved_before_the_crash_are_not_offered_as_unsaved(qtbot, tmp_path) -> None:
    path = tmp_path / "book.territory"
    plan = make_plan(n=80, k=3, seed=2)
    project.save_project(plan, path)
    journal = Journal.start(plan, path)
    plan.apply(MoveAccounts(np.arange(10), 2))
    project.save_project(plan, path)  # saved; the app dies before the journal restarts
    _dies(journal)

    w = make_window(qtbot, tmp_path, make_plan(n=20, k=2))
    asked = _asking(w, QMessageBox.StandardButton.Ignore)
    assert not w.files.offer_recovery()
    [(title, text)] = asked
    assert title == "Nothing to Restore" and "unsaved edit" not in text
    assert "the project was saved after these edits, so there is nothing to restore" in text
    assert len(list_recoverable()) == 1  # kept: only the planner discards it

    asked = _asking(w, QMessageBox.StandardButton.Discard)
    assert not w.files.offer_recovery()
    assert len(asked) == 1 and list_recoverable() == []


def test_a_journal_torn_before_its_first_edit_is_shown_not_deleted(qtbot, tmp_path) -> None:
    path = tmp_path / "book.territory"
    plan = make_plan(n=80, k=3, seed=2)
    project.save_project(plan, path)
    journal = Journal.start(plan, path)
    journal._fh.write('{"kind": "move", "rows": [0')  # noqa: SLF001
    _dies(journal)

    w = make_window(qtbot, tmp_path, make_plan(n=20, k=2))
    asked = _asking(w, QMessageBox.StandardButton.Ignore)
    assert not w.files.offer_recovery()
    [(_title, text)] = asked
    assert "the session ended abruptly with 0 complete edits" in text and "cut off and is ignored" in text
    assert len(list_recoverable()) == 1
