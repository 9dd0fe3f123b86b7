"""The workbook read back with openpyxl: four sheets, frozen and filtered headers, numbers as formatted
numbers equal to the core's, and not a single formula cell — whatever the account names start with."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook

from territory_desktop.core import kpis
from territory_desktop.io.reports import WORKBOOK_FILE, ReportRequest, write_reports
from tests.io.reports.report_plan import HOSTILE_NAMES, report_plan


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    plan = report_plan()
    folder = tmp_path_factory.mktemp("wb")
    write_reports(plan, folder, ReportRequest(rep_books=False, summary=False), plan_name="=FY27",
                  date=dt.date(2026, 12, 3), effective_date=dt.date(2027, 1, 4))
    return plan, load_workbook(folder / WORKBOOK_FILE)


def _rows(ws, header_row: int = 1) -> list[dict]:
    rows = list(ws.iter_rows(min_row=header_row, values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def test_four_sheets_with_frozen_filtered_headers(book):
    _plan, wb = book
    assert wb.sheetnames == ["Summary", "Territories", "Accounts", "Changes"]
    for ws in wb.worksheets:
        assert ws.freeze_panes is not None, ws.title
        header = int(ws.freeze_panes[1:]) - 1
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith(f"A{header}:"), ws.title
        assert all(c.font.bold for c in ws[header] if c.value is not None), ws.title


def test_no_cell_is_a_formula(book):
    _plan, wb = book
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert cells and not [c.coordinate for c in cells if c.data_type == "f"]
    names = {c.value for c in cells if isinstance(c.value, str)}
    for hostile in HOSTILE_NAMES:
        assert "'" + hostile in names  # shown as text, never run
    assert "'=cmd|' /C calc'!A0" in names  # a reason from the plan too
    assert "'=FY27" in names  # and the plan name in the title


def test_territories_sheet_holds_the_territory_table(book):
    plan, wb = book
    table = kpis.territory_table(plan)
    rows = {r["Territory"]: r for r in _rows(wb["Territories"])}
    assert len(rows) == len(table)
    ws = wb["Territories"]
    assert ws["F2"].number_format == '"$"#,##0' and ws["J2"].number_format == "0.0%"
    for _t, r in table.iterrows():
        got = rows[r["name"]]
        assert got["Accounts"] == r["accounts"]
        assert got["Potential"] == pytest.approx(r["potential"])
        assert got["Workload"] == pytest.approx(r["workload"])
        assert got["Capacity used"] == pytest.approx(r["utilisation"])
        assert got["Potential vs peers"] == pytest.approx(r["dev_potential"])
        assert got["Potential band"] == r["status_potential"]
        assert got["Over capacity"] == ("yes" if r["over_capacity"] else "no")


def test_accounts_and_changes_sheets_are_the_exports_tables(book):
    plan, wb = book
    accounts = _rows(wb["Accounts"])
    assert len(accounts) == plan.n_accounts
    assert {a["Account ID"] for a in accounts} == set(plan.ids)
    pot = dict(zip(plan.ids, plan.accounts["potential"], strict=True))
    assert all(a["Potential"] == pytest.approx(pot[a["Account ID"]]) for a in accounts)
    changes = _rows(wb["Changes"])
    assert len(changes) == plan.kpis.moved_count
    moved = set(plan.ids[plan.assignment != plan.baseline])
    assert {c["Account ID"] for c in changes} == moved
    assert {c["Effective Date"] for c in changes} == {"2027-01-04"}
    assert {c["Reason"] for c in changes} == {"Closer to the rep's home", "'=cmd|' /C calc'!A0"}


def test_summary_sheet_numbers_are_plan_health(book):
    plan, wb = book
    health = kpis.plan_health(plan)
    ws = wb["Summary"]
    header = int(ws.freeze_panes[1:]) - 1
    figures = {r["Figure"]: r["Value"] for r in _rows(ws, header) if r["Figure"]}
    assert figures["Accounts moved"] == health.moved_accounts
    assert figures["Potential moved"] == pytest.approx(health.moved_potential)
    assert figures["Spread (CV)"] == pytest.approx(health.cv)
    assert figures["Territories over capacity"] == health.over_capacity
    assert any(k.startswith("Fairness: Potential") for k in figures)
