"""Restoring after a crash as separate steps: the base plan and the edits, so the window can replay them onto
its undo stack (each one undoable) instead of opening a plan whose history says only "Opened plan"."""

from __future__ import annotations

import re

import numpy as np
import pytest

import territory_desktop.io.project.project_file as project
from territory_desktop.core.edits import MoveAccounts, UpdateTerritory
from territory_desktop.io.project.recovery import (
    Journal,
    RecoveryError,
    list_recoverable,
    recover,
    recovered_steps,
)
from tests.conftest import make_plan


def _crashed_session(tmp_path):
    path = tmp_path / "book.territory"
    project.save_project(make_plan(n=120, k=4, seed=5), path)
    plan = project.open_project(path)
    journal = Journal.start(plan, path)
    plan.apply(MoveAccounts(np.arange(10), 2, "Move 10 accounts to T2"))
    plan.apply(UpdateTerritory(1, {"name": "Gulf Coast"}, "Rename T1 to Gulf Coast"))
    plan.apply(MoveAccounts(np.arange(20, 25), 3, "Move 5 accounts to T3"))
    journal._fh.flush()  # noqa: SLF001 - the process "dies" here: the lock is dropped with the object
    journal._lock.close()  # noqa: SLF001
    return path, plan


def test_the_steps_replayed_give_the_same_plan_as_recover(tmp_path) -> None:
    path, crashed = _crashed_session(tmp_path)
    (session,) = list_recoverable()
    base, steps = recovered_steps(session)
    assert np.array_equal(base.assignment, project.open_project(path).assignment)  # the base, untouched
    labels = []
    for edit in steps(base):
        labels.append(edit.label)
        base.apply(edit)
    assert labels == ["Move 10 accounts to T2", "Rename T1 to Gulf Coast", "Move 5 accounts to T3"]
    assert np.array_equal(base.assignment, crashed.assignment)
    assert np.array_equal(base.assignment, recover(session).assignment)
    assert base.territories[1].name == "Gulf Coast"


def test_a_bad_line_stops_the_steps_with_its_line_number(tmp_path) -> None:
    _crashed_session(tmp_path)
    (session,) = list_recoverable()
    lines = session.path.read_text(encoding="utf-8").splitlines()
    lines[1] = re.sub(r'"to":\s*2', '"to": 99', lines[1])  # line 2: the first edit names no territory
    session.path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (session,) = list_recoverable()
    base, steps = recovered_steps(session)
    with pytest.raises(RecoveryError, match="line 2"):
        for edit in steps(base):
            base.apply(edit)
