"""The quarterly review's report page: the core's figures on one page, from the window's review and the CLI."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from territory_desktop.app import main
from territory_desktop.core.edits import MoveAccounts
from territory_desktop.core.review import mark_review_done, review, territory_rows
from territory_desktop.io.project.project_file import save_project
from territory_desktop.io.reports.review_page import write_review_pdf
from tests.conftest import make_plan
from tests.io.reports.pdf_text import pages, text


def _reviewed_plan():  # noqa: ANN202 - a Plan with a review mark and moves after it
    plan = make_plan(600, 8, seed=11)
    plan.apply(mark_review_done(plan, review(plan)))
    rows = np.flatnonzero(plan.assignment == 2)[:60]
    plan.apply(MoveAccounts(rows, 5, reason="Closer to the Austin rep"))
    return plan


def test_the_page_shows_the_reviews_own_figures(tmp_path: Path) -> None:
    plan = _reviewed_plan()
    found = review(plan)
    out = tmp_path / "review.pdf"
    write_review_pdf(plan, found, out, "book.territory", dt.date(2026, 12, 3))
    assert pages(out) == 1
    words = " ".join(text(out).split())
    for line in found.lines():
        if not line.startswith(("Out of band:", "Over capacity:")):  # those two are the tiles
            assert line in words
    assert "OUT OF BAND" in words and "CHANGED SEGMENT" in words
    for name, state, _detail in territory_rows(found):
        assert name in words and state.split(" ·")[0] in words
    assert "since the review of" in words


def test_review_pdf_from_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = tmp_path / "plan.territory"
    save_project(_reviewed_plan(), path)
    out = tmp_path / "review.pdf"
    assert main(["review", str(path), "--pdf", str(out)]) == 0
    assert f"Wrote the review page to {out}." in capsys.readouterr().out
    assert out.read_bytes().startswith(b"%PDF")
    assert main(["review", str(path), "--pdf", str(tmp_path / "missing" / "r.pdf")]) == 2
    err = capsys.readouterr().err
    assert "does not exist" in err and "Traceback" not in err
    assert main(["review", str(path), "--pdf", str(path)]) == 2  # never over its own input
