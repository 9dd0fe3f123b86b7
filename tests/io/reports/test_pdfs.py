"""The rep books and the plan summary as a reader gets them: the PDF's text holds the core's numbers, every
account of the book is listed, the pages render."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from matplotlib import image

from territory_desktop.core import format as fmt
from territory_desktop.core import kpis
from territory_desktop.io.reports import BOOKS_FOLDER, SUMMARY_FILE, ReportRequest, write_reports
from territory_desktop.io.reports.tables import moves
from territory_desktop.io.reports.writer import book_names
from tests.io.reports.pdf_text import needs_poppler, pages, render, text
from tests.io.reports.report_plan import HOSTILE_NAMES, report_plan

pytestmark = needs_poppler
DATE = dt.date(2026, 12, 3)


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    plan = report_plan()
    folder = tmp_path_factory.mktemp("reports")
    files = write_reports(plan, folder, ReportRequest(workbook=False), plan_name="FY27 plan", date=DATE,
                          effective_date=dt.date(2027, 1, 4))
    return plan, folder, files


def _book(plan, folder: Path, t: int) -> Path:
    return folder / BOOKS_FOLDER / book_names(plan, [t])[t]


def test_one_book_per_territory_and_a_summary(written):
    plan, folder, files = written
    books = sorted(p.name for p in (folder / BOOKS_FOLDER).iterdir())
    assert books == sorted(f"T{i} - Rep {i}.pdf" for i in range(plan.n_territories))
    assert folder / SUMMARY_FILE in files
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no staging left behind


def test_first_page_has_the_title_block_and_the_core_figures(written):
    plan, folder, _ = written
    table = kpis.territory_table(plan)
    for t in table.index:
        pdf = _book(plan, folder, int(t))
        first = text(pdf, 1, 1)
        row = table.loc[t]
        for expected in (f"T{t}", f"Rep {t}", "Prepared December 3, 2026", "Plan: FY27 plan",
                         fmt.count(row["accounts"]), fmt.money(row["potential"]), fmt.money(row["pipeline"]),
                         fmt.percent(row["utilisation"]), fmt.hours(row["workload"]),
                         fmt.percent(row["dev_potential"], 1, signed=True), "Against your peers",
                         f"Page 1 of {pages(pdf)}"):
            assert expected in first, (t, expected)
        mv = moves(plan, int(t))
        assert f"+{len(mv.rows_in)} joining, -{len(mv.rows_out)} leaving" in first
    assert "Over capacity by" in text(_book(plan, folder, 0), 1, 1)


def test_the_book_lists_every_account_largest_potential_first_with_moves_and_reasons(written):
    plan, folder, _ = written
    t = 1
    body = text(_book(plan, folder, t), 2)
    rows = plan.rows_in(t)
    ids = plan.ids[rows]
    positions = [body.find(str(i)) for i in ids]
    assert min(positions) >= 0  # every account of the book is listed
    pot = plan.accounts["potential"].to_numpy(float)[rows]
    order = np.argsort(positions)
    assert (np.diff(pot[order]) <= 1e-9).all()  # in order of potential
    mv = moves(plan, t)
    joining = body[:body.find("Account list")]
    for name, reason in zip(mv.table_in["name"], mv.table_in["reason"], strict=True):
        assert name[:20] in joining and reason[:20] in joining
    for row, name in enumerate(HOSTILE_NAMES):  # printed as written: a PDF runs nothing
        assert name[:12] in text(_book(plan, folder, int(plan.assignment[row])))


def test_pages_render(written, tmp_path: Path):
    plan, folder, _ = written
    pdf = _book(plan, folder, 0)
    for page in (1, pages(pdf)):
        png = render(pdf, page, tmp_path / f"p{page}")
        img = image.imread(png)
        assert img.shape[0] > img.shape[1] > 400  # Letter portrait at 60 dpi
        assert img[..., :3].std() > 0.05  # not blank


def test_summary_has_the_plan_figures_every_territory_and_the_changes(written):
    plan, folder, _ = written
    pdf = folder / SUMMARY_FILE
    body = text(pdf)
    health = kpis.plan_health(plan)
    for expected in ("FY27 plan", "Changes effective January 4, 2027", "Fairness", "Balance index",
                     f"{health.moved_accounts:,} accounts change territory", fmt.money(health.moved_potential),
                     f"{health.out_of_band} of {health.territories}", "Largest moves",
                     f"Page {pages(pdf)} of {pages(pdf)}"):
        assert expected in body, expected
    for t in plan.territories:
        assert t.name in body and t.rep in body
