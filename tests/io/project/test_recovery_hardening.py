"""Journal lines are untrusted: impossible numbers and wrong types are refused by line and field; journals or
project paths that are not regular files (a FIFO) are refused instead of hanging."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from territory_desktop.core.edits import MoveAccounts
from territory_desktop.io.project.project_file import save_project
from territory_desktop.io.project.recovery import Journal, RecoveryError, list_recoverable, recover
from tests.conftest import make_plan


def crashed_journal(tmp_path: Path) -> tuple[Path, Path]:
    """A saved plan and the journal of a session that made one edit and then died."""
    plan = make_plan(40, 3)
    path = tmp_path / "plan.territory"
    save_project(plan, path)
    journal = Journal.start(plan, path)
    plan.apply(MoveAccounts(np.arange(0, 5), 1))
    journal.close(discard=False)
    return path, journal.path


def append(journal: Path, record: dict) -> None:
    with open(journal, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(record) + "\n")


BAD_LINES = [
    ({"kind": "move", "rows": [2**70], "to": 1, "label": ""}, "rows"),
    ({"kind": "move", "rows": [1], "to": 2**64, "label": ""}, "to"),
    ({"kind": "update_territory", "index": 0, "changes": {"capacity_hours": 1e300}}, "capacity_hours"),
    ({"kind": "update_territory", "index": 0, "changes": {"capacity_hours": float("inf")}}, "capacity_hours"),
    ({"kind": "update_territory", "index": 0, "changes": {"capacity_hours": "lots"}}, "capacity_hours"),
    ({"kind": "update_territory", "index": 0, "changes": {"home_lat": float("nan")}}, "home_lat"),
    ({"kind": "update_territory", "index": 2**80, "changes": {"rep": "x"}}, "index"),
    ({"kind": "update_territory", "index": 0, "changes": {"name": 5}}, "name"),
]


@pytest.mark.parametrize(("record", "field"), BAD_LINES)
def test_impossible_numbers_in_a_journal_line_are_refused_by_line_and_field(tmp_path: Path, record, field):
    _, journal = crashed_journal(tmp_path)
    append(journal, record)
    [session] = list_recoverable()
    with pytest.raises(RecoveryError) as info:
        recover(session)
    msg = str(info.value)
    assert "line 3" in msg and field in msg


def test_a_good_journal_still_replays(tmp_path: Path):
    _, journal = crashed_journal(tmp_path)
    append(journal, {"kind": "update_territory", "index": 0, "changes": {"capacity_hours": 1200.0}, "label": ""})
    [session] = list_recoverable()
    plan = recover(session)
    assert plan.territories[0].capacity_hours == 1200.0


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_as_journal_or_as_its_project_does_not_hang(tmp_path: Path):
    from territory_desktop.io.project.paths import recovery_dir

    os.mkfifo(recovery_dir() / "20260101T000000-1-deadbeef.journal")
    sessions = list_recoverable()  # would block reading the FIFO
    assert len(sessions) == 1 and sessions[0].problem and "regular file" in sessions[0].problem
    for s in sessions:
        s.path.unlink()
    path, journal = crashed_journal(tmp_path)
    path.unlink()
    os.mkfifo(path)
    [session] = list_recoverable()
    with pytest.raises(RecoveryError):
        recover(session)
