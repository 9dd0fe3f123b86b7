"""The quarterly review: what changed since the last mark, and the mark kept in the audit trail (undo, redo,
journal replay, save / open)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from territory_desktop.core.audit import REDO, UNDO
from territory_desktop.core.edits import Edit, MoveAccounts
from territory_desktop.core.review import (
    MARK_KIND,
    REVIEW_LABEL,
    last_review,
    mark_review_done,
    review,
)
from territory_desktop.core.vacancy import vacate_edit
from territory_desktop.io.project.project_file import open_project, save_project
from tests.conftest import make_plan

OLD = "2026-09-01T10:00:00+00:00"


def _marked(plan, at: str = OLD):
    """Mark the review done, dated `at` (a quarter ago), as Plan.apply records it."""
    inverse = plan.apply(mark_review_done(plan))
    plan.audit[-1] = replace(plan.audit[-1], at=at)
    return inverse


def test_never_reviewed_counts_everything_since_the_plan_was_made() -> None:
    plan = make_plan(300, 5, seed=1)
    plan.apply(MoveAccounts(plan.rows_in(0)[:7], 1, reason="Closer to the Austin rep"))
    r = review(plan)
    assert r.since is None and len(r.edits) == 1 and len(r.moved_rows) == 7
    assert r.moved_by_reason == [("Closer to the Austin rep", 7)]
    assert "since the plan was made" in r.lines()[0]


def test_changes_since_the_mark_only() -> None:
    plan = make_plan(300, 5, seed=2)
    before = plan.rows_in(0)[:5]
    plan.apply(MoveAccounts(before, 1, reason="before the review", at="2026-08-01T10:00:00+00:00"))
    _marked(plan)
    after = plan.rows_in(2)[:9]
    plan.apply(MoveAccounts(after, 3, reason="Co-pilot: T2 is over its band"))
    r = review(plan)
    assert r.since is not None and r.since.at == OLD and r.since.user
    assert [e.label for e in r.edits] == ["Move 9 accounts"]
    assert np.array_equal(r.moved_rows, np.sort(after))
    assert r.moved_by_reason == [("Co-pilot", 9)]
    assert r.budget == 15 and r.budget_left == 6  # 5% of 300 accounts, 9 used


def test_drift_is_judged_against_the_territories_out_at_the_review() -> None:
    plan = make_plan(300, 5, seed=3)
    out_then = {n.territory for n in review(plan).out_of_band}
    _marked(plan)
    assert last_review(plan).out_of_band == out_then
    # pile accounts onto one in-band territory: it (and its donors) leave the band
    target = next(t for t in range(5) if t not in out_then)
    plan.apply(MoveAccounts(np.flatnonzero(plan.assignment != target)[:120], target))
    r = review(plan)
    now_out = {n.territory for n in r.out_of_band}
    assert target in now_out
    assert {n.territory for n in r.left_band} == now_out - out_then
    assert {n.territory for n in r.back_in_band} == out_then - now_out
    assert all(n.detail.endswith("(out)") for n in r.out_of_band)


def test_vacant_and_unassigned_are_listed() -> None:
    plan = make_plan(200, 4, seed=4)
    plan.apply(vacate_edit(plan, 1))
    plan.apply(MoveAccounts(plan.rows_in(0)[:3], -1))
    r = review(plan)
    assert [n.name for n in r.vacant] == ["T1 (vacant)"] and len(r.unassigned_rows) == 3
    assert r.to_dict()["vacant"][0]["territory"] == "T1 (vacant)"


def test_an_undone_mark_no_longer_counts_and_a_redone_one_keeps_its_date() -> None:
    plan = make_plan(200, 4, seed=5)
    _marked(plan, "2026-06-01T09:00:00+00:00")
    second_mark = mark_review_done(plan)
    inverse = plan.apply(second_mark)
    assert last_review(plan).position == 1
    again = plan.apply(inverse, UNDO, REVIEW_LABEL, second_mark.audit_reason())  # what undo does
    assert last_review(plan).at == "2026-06-01T09:00:00+00:00"
    plan.apply(again, REDO)
    assert last_review(plan).position == 1


def test_the_mark_survives_the_journal_and_the_project_file(tmp_path) -> None:
    plan = make_plan(200, 4, seed=6)
    mark = mark_review_done(plan)
    plan.apply(mark)
    replayed = make_plan(200, 4, seed=6)
    replayed.apply(Edit.from_dict(mark.to_dict()))  # the recovery journal's path
    assert last_review(replayed).out_of_band == last_review(plan).out_of_band
    assert replayed.audit[-1].kind == MARK_KIND
    path = tmp_path / "reviewed.territory"
    save_project(plan, path)
    opened = open_project(path)
    assert last_review(opened) == last_review(plan)


def test_a_damaged_mark_record_is_refused() -> None:
    with pytest.raises(ValueError, match="indices"):
        Edit.from_dict({"kind": MARK_KIND, "summary": "x", "out_of_band": [-1]})
    with pytest.raises(ValueError, match="text"):
        Edit.from_dict({"kind": MARK_KIND, "summary": 3})
