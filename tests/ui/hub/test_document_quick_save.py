"""Saving in the window after hand moves rewrites only what moves change (the quick save); after any other
edit, a new scenario, or Save As, the save is whole. Either way the file opens as the plan in the window."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from territory_desktop.core.edits import MoveAccounts, SetAccountLocks, UpdateTerritory
from territory_desktop.io.project import project_save
from territory_desktop.io.project.project_file import open_project, save_project
from territory_desktop.ui.hub.document import Document, open_project_file
from tests.conftest import make_plan
from tests.io.project.test_project import assert_same_plan


@pytest.fixture
def quick_saves(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each save took the quick path (what project_save's writer reports)."""
    seen: list[bool] = []
    real = project_save._write_database

    def spy(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        quick = real(*args, **kwargs)
        seen.append(quick)
        return quick

    monkeypatch.setattr(project_save, "_write_database", spy)
    return seen


def _opened(tmp_path: Path, name: str = "plan.territory") -> tuple[Document, Path]:
    path = tmp_path / name
    save_project(make_plan(200, 4, seed=8), path)
    loaded = open_project_file(path)
    return Document(loaded.plan, loaded.project_path), path


def test_hand_moves_and_locks_save_quickly_and_open_as_shown(qtbot, tmp_path: Path, quick_saves: list[bool]) -> None:
    doc, path = _opened(tmp_path)
    doc.controller.apply(MoveAccounts(np.arange(5), 2))
    doc.controller.apply(SetAccountLocks([7, 8], True))
    doc.save()
    doc.controller.stack.undo()  # the lock, taken back: still a change of the plan frame only
    doc.save()
    assert quick_saves[-2:] == [True, True]
    assert_same_plan(open_project(path), doc.plan)


def test_a_territory_edit_or_save_as_is_whole(qtbot, tmp_path: Path, quick_saves: list[bool]) -> None:
    doc, path = _opened(tmp_path)
    doc.controller.apply(MoveAccounts(np.arange(5), 2))
    doc.save(tmp_path / "copy.territory")
    assert quick_saves[-1] is False
    assert_same_plan(open_project(tmp_path / "copy.territory"), doc.plan)
    doc2, path2 = _opened(tmp_path, "other.territory")
    renamed = doc2.plan.territories[1].name + " (renamed)"
    doc2.controller.apply(UpdateTerritory(1, {"name": renamed}))
    doc2.save()
    assert quick_saves[-1] is False
    back = open_project(path2)
    assert back.territories[1].name == renamed
    assert_same_plan(back, doc2.plan)
