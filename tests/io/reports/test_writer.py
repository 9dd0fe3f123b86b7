"""Writing a set of reports: all or nothing (a cancel or a failure leaves the folder as it was), progress that
reaches the end, file names every disk accepts, and clear refusals."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from territory_desktop.core.territory import Territory
from territory_desktop.io.reports import (
    BOOKS_FOLDER,
    SUMMARY_FILE,
    WORKBOOK_FILE,
    Cancelled,
    ReportError,
    ReportRequest,
    planned_files,
    write_reports,
)
from territory_desktop.io.reports.writer import book_names, safe_name
from tests.io.reports.report_plan import report_plan


@pytest.fixture(scope="module")
def plan():  # noqa: ANN201
    return report_plan(n=240, k=4)


def _everything(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.fixture(scope="module")
def progress_calls(plan, tmp_path_factory: pytest.TempPathFactory) -> int:
    """How many progress calls (= cancel checks) a whole run makes."""
    calls: list[int] = []
    write_reports(plan, tmp_path_factory.mktemp("count"), progress=lambda d, t, w: calls.append(d))
    return len(calls)


@pytest.mark.parametrize("when", [0.0, 0.3, 0.6, 0.99])
def test_cancel_at_any_point_leaves_the_folder_as_it_was(plan, tmp_path: Path, progress_calls: int, when: float):
    (tmp_path / "notes.txt").write_text("mine")
    stop_after = max(1, int(when * progress_calls))
    calls = []
    with pytest.raises(Cancelled):
        write_reports(plan, tmp_path, progress=lambda d, t, w: calls.append(d),
                      should_stop=lambda: len(calls) >= stop_after)
    assert _everything(tmp_path) == ["notes.txt"]


def test_cancel_keeps_earlier_reports_untouched(plan, tmp_path: Path):
    write_reports(plan, tmp_path, ReportRequest(rep_books=False, workbook=False))
    before = (tmp_path / SUMMARY_FILE).read_bytes()
    with pytest.raises(Cancelled):
        write_reports(plan, tmp_path, should_stop=lambda: True)
    assert (tmp_path / SUMMARY_FILE).read_bytes() == before
    assert _everything(tmp_path) == [SUMMARY_FILE]


def test_progress_counts_up_to_the_end_and_names_each_report(plan, tmp_path: Path):
    seen: list[tuple[int, int, str]] = []
    files = write_reports(plan, tmp_path, progress=lambda d, t, w: seen.append((d, t, w)))
    assert [str(f.relative_to(tmp_path)) for f in files] == planned_files(plan, ReportRequest())
    done = [d for d, _t, _w in seen]
    assert done == sorted(done) and all(d <= t for d, t, _w in seen)
    assert seen[-1][0] >= 0.9 * seen[-1][1]
    whats = {w for _d, _t, w in seen}
    assert {"Book of T0 (Rep 0)", "Plan summary", "Workbook"} <= whats


def test_only_the_chosen_reports_and_territories(plan, tmp_path: Path):
    files = write_reports(plan, tmp_path, ReportRequest(summary=False, workbook=False, territories=(2,)))
    assert files == [tmp_path / BOOKS_FOLDER / "T2 - Rep 2.pdf"]
    with pytest.raises(ReportError, match="at least one"):
        write_reports(plan, tmp_path, ReportRequest(rep_books=False, summary=False, workbook=False))


def test_folder_problems_are_sentences(plan, tmp_path: Path):
    a_file = tmp_path / "plan.territory"
    a_file.write_text("x")
    with pytest.raises(ReportError, match="is a file, not a folder"):
        write_reports(plan, a_file)
    with pytest.raises(ReportError, match="does not exist"):
        write_reports(plan, tmp_path / "missing" / "deeper")
    new = tmp_path / "new reports"
    write_reports(plan, new, ReportRequest(rep_books=False, summary=False))
    assert (new / WORKBOOK_FILE).is_file()  # a missing last folder is created
    if os.geteuid() != 0:  # root writes anywhere
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o555)
        with pytest.raises(ReportError, match="read-only"):
            write_reports(plan, locked)


def test_file_names_are_safe_and_distinct(plan):
    assert safe_name('West/East: "Best" <1>?') == "West-East- -Best- -1-"
    assert safe_name("CON") == "_CON"
    assert safe_name("  ..  ") == "Territory"
    assert len(safe_name("x" * 300)) == 90
    p = report_plan(n=60, k=3)
    p.territories[0] = Territory("North", rep="Ann Lee")
    p.territories[1] = Territory("north", rep="ann lee")
    p.territories[2] = Territory("North/", rep="")
    assert list(book_names(p, [0, 1, 2]).values()) == ["North - Ann Lee.pdf", "north - ann lee (2).pdf",
                                                        "North-.pdf"]


def test_awkward_plans_still_report(tmp_path: Path):
    """An empty territory without a home, unplaced accounts, a plan equal to its baseline: every report is
    written and says so in words rather than failing."""
    import math

    import numpy as np

    from territory_desktop.core.plan import Plan
    from tests.conftest import make_plan
    from tests.io.reports.pdf_text import needs_poppler, text

    base = make_plan(120, 3, seed=9)
    acc = base.accounts.copy()
    acc.loc[:9, ["lat", "lon"]] = np.nan
    terrs = [*base.territories, Territory("Empty seat", rep="", home_lat=math.nan, home_lon=math.nan)]
    plan = Plan(acc, terrs, base.assignment)
    files = write_reports(plan, tmp_path)
    assert len(files) == 6
    if needs_poppler.args[0]:  # poppler missing: the files were written, that is all we can check
        return
    empty = text(tmp_path / BOOKS_FOLDER / "Empty seat.pdf")
    assert "This territory holds no accounts." in empty and "Open seat (no rep)" in empty
    assert "No account changes territory" in text(tmp_path / SUMMARY_FILE)
