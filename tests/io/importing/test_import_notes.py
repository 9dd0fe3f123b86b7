"""Blank lines and a report's footer are not accounts: nothing is lost, so they are notes, never errors.

tests/fixtures/crm/salesforce_report_export.csv is a Salesforce report export as a planner downloads it: 113
account rows (three repeat an account name: the real problems), then two blank lines, "Grand Totals (113
records)", a blank line and the three lines of Salesforce's copyright footer.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from territory_desktop.io.importing.importer import ERROR, NOTE, WARNING, import_plan
from tests.conftest import FIXTURES

FOOTER_EXPORT = FIXTURES / "crm" / "salesforce_report_export.csv"


@pytest.fixture(scope="module")
def report():
    return import_plan(FOOTER_EXPORT)


def test_blank_and_footer_lines_are_skipped_not_rejected(report):
    assert report.rows_in == 120
    assert report.plan.n_accounts == 110
    assert report.rows_rejected == 3
    assert report.rows_skipped == 7
    assert report.rows_in == report.plan.n_accounts + report.rows_rejected + report.rows_skipped


def test_only_the_repeated_names_are_errors(report):
    assert [p.row for p in report.errors] == [32, 72, 102]
    assert all("duplicate account name" in p.reason for p in report.errors)
    assert not any("footer" in p.reason or "empty" in p.reason for p in report.errors + report.warnings)


def test_each_skipped_line_is_a_note_naming_its_row(report):
    skipped = report.skipped
    assert [p.row for p in skipped] == [115, 116, 117, 118, 119, 120, 121]
    assert {p.severity for p in skipped} == {NOTE}
    assert [p.reason for p in skipped][:3] == ["empty row", "empty row",
                                               "report footer, not an account: 'Grand Totals (113 records)'"]
    assert {NOTE, ERROR, WARNING} == {p.severity for p in report.problems}


def test_a_blank_line_between_accounts_is_a_note_too(tmp_path: Path):
    p = tmp_path / "gap.csv"
    p.write_text("Account ID,Account Name,ZIP\nA1,Acme,02134\n,,\n\nA2,Beta,60601\nA2,Beta again,60601\n",
                 encoding="utf-8")
    r = import_plan(p)
    assert (r.rows_in, r.plan.n_accounts, r.rows_rejected, r.rows_skipped) == (5, 2, 1, 2)
    assert [(x.row, x.severity) for x in r.problems] == [(3, NOTE), (4, NOTE), (6, ERROR)]


def test_an_xlsx_with_an_empty_row_and_a_footer(tmp_path: Path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Account ID", "Account Name", "Billing Zip/Postal Code"])
    ws.append(["A1", "Acme", "02134"])
    ws.append([None, None, None])
    ws.append(["A2", "Beta", "60601"])
    ws.append([None, None, None])
    ws.append(["Confidential Information - Do Not Distribute", None, None])
    path = tmp_path / "report.xlsx"
    wb.save(path)
    r = import_plan(path)
    assert r.plan.accounts["account_id"].tolist() == ["A1", "A2"]
    assert (r.rows_rejected, r.rows_skipped) == (0, 3) and not r.errors
    assert [(x.row, x.severity) for x in r.skipped] == [(3, NOTE), (5, NOTE), (6, NOTE)]


def test_an_empty_line_of_the_reps_file_is_a_note_a_nameless_rep_an_error(tmp_path: Path):
    accounts = tmp_path / "accounts.csv"
    accounts.write_text("Account ID,Account Name,ZIP,Account Owner\nA1,Acme,02134,Ann Lee\n", encoding="utf-8")
    reps = tmp_path / "reps.csv"
    reps.write_text("Rep,Territory,Capacity Hours\nAnn Lee,East,1600\n,,\n,,1500\nBo Park,West,1700\n",
                    encoding="utf-8")
    r = import_plan(accounts, reps)
    got = [(x.row, x.severity, x.reason) for x in r.problems if x.file == "reps.csv" and x.severity != WARNING]
    assert got == [(3, NOTE, "empty row"), (4, ERROR, "no rep or territory name; row ignored")]
    assert (r.rows_rejected, r.rows_skipped) == (0, 0)  # the counts are of the accounts file
    assert [t.name for t in r.plan.territories] == ["East", "West"]
