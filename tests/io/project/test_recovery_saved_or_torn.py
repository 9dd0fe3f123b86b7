"""The recovery list tells the truth about two journals a crash leaves (issue 19, defect 10):

- a crash between a save and the journal's clean-up leaves a journal whose header holds the save id the file had
  before that save, and edits that are now in the file: it must not be listed as "1 unsaved edit";
- a kill during a write leaves a torn last line: the journal is kept and listed as a session that ended
  abruptly with its complete edits (maybe none), never deleted as if every session had closed cleanly.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from territory_desktop.core.edits import MoveAccounts, UpdateTerritory
from territory_desktop.io.project.paths import recovery_dir
from territory_desktop.io.project.project_file import open_project, save_project
from territory_desktop.io.project.recovery import Journal, RecoveryError, discard, list_recoverable, recover
from tests.conftest import make_plan


def _crash(journal: Journal) -> Path:
    """The session dies: its journal stays as written, its lock goes with the process."""
    path = journal.path
    journal._fh.close()  # noqa: SLF001
    journal._lock.close()  # noqa: SLF001
    return path


def test_edits_saved_before_the_crash_are_not_listed_as_unsaved(tmp_path: Path) -> None:
    path = tmp_path / "tj2.territory"
    plan = make_plan(60, 3, seed=3)
    save_project(plan, path)
    journal = Journal.start(plan, path)  # the header holds the file's save id before the save below
    plan.apply(MoveAccounts(np.arange(5), 2))
    plan.apply(UpdateTerritory(1, {"name": "Gulf Coast"}))
    save_project(plan, path)  # saved ... and the process dies before the journal is cleaned up
    journal_path = _crash(journal)

    [session] = list_recoverable()
    assert session.saved_since and session.edits_in_file
    assert "unsaved edit" not in session.description
    assert session.description.startswith("tj2.territory: the project was saved after these edits")
    assert "nothing to restore" in session.description and "already in the file" in session.description
    assert journal_path.exists()  # listed, never deleted behind the planner's back
    with pytest.raises(RecoveryError, match="saved"):
        recover(session)
    discard(session)
    assert list_recoverable() == [] and not journal_path.exists()


def test_a_file_saved_since_without_these_edits_says_they_cannot_be_restored(tmp_path: Path) -> None:
    path = tmp_path / "q3.territory"
    plan = make_plan(60, 3, seed=3)
    save_project(plan, path)
    journal = Journal.start(plan, path)
    plan.apply(MoveAccounts(np.arange(5), 2))
    _crash(journal)
    save_project(make_plan(60, 3, seed=8), path)  # another save replaced the version the edits were made on

    [session] = list_recoverable()
    assert session.saved_since and not session.edits_in_file
    assert "unsaved edit" not in session.description
    assert session.description.startswith("q3.territory: the project was saved after these edits")
    assert "cannot be restored" in session.description


def test_edits_on_the_file_as_saved_are_still_unsaved_edits(tmp_path: Path) -> None:
    path = tmp_path / "book.territory"
    plan = make_plan(60, 3, seed=3)
    save_project(plan, path)
    journal = Journal.start(plan, path)
    plan.apply(MoveAccounts(np.arange(5), 2))
    _crash(journal)
    [session] = list_recoverable()
    assert not session.saved_since and session.description.startswith("book.territory: 1 unsaved edit since")
    assert np.array_equal(recover(session).assignment, plan.assignment)


def test_a_torn_line_after_the_header_keeps_the_journal_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "tj.territory"
    plan = make_plan(40, 3, seed=1)
    save_project(plan, path)
    journal = Journal.start(plan, path)
    journal._fh.write('{"kind": "move", "rows": [0')  # noqa: SLF001 - killed in the middle of the first write
    journal_path = _crash(journal)

    for _ in range(2):  # listing twice: the first listing must not have deleted it
        [session] = list_recoverable()
        assert session.torn_tail and session.edit_count == 0 and session.problem is None
        assert session.description.startswith("tj.territory: the session ended abruptly with 0 complete edits")
        assert "the last line was cut off and is ignored" in session.description
        assert journal_path.exists()
    assert np.array_equal(recover(session).assignment, open_project(path).assignment)
    discard(session)
    assert list_recoverable() == [] and sorted(recovery_dir().iterdir()) == []


def test_a_torn_line_after_complete_edits_counts_only_the_complete_ones(tmp_path: Path) -> None:
    path = tmp_path / "tj.territory"
    plan = make_plan(40, 3, seed=1)
    save_project(plan, path)
    journal = Journal.start(plan, path)
    plan.apply(MoveAccounts(np.arange(3), 1))
    plan.apply(MoveAccounts(np.arange(3, 6), 2))
    journal._fh.write('{"kind": "move", "ro')  # noqa: SLF001
    _crash(journal)
    [session] = list_recoverable()
    assert session.torn_tail and session.edit_count == 2
    assert session.description.startswith("tj.territory: the session ended abruptly with 2 complete unsaved edits")
    assert "the last line was cut off and is ignored" in session.description
    assert np.array_equal(recover(session).assignment, plan.assignment)
