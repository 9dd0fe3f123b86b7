"""Whatever file a planner picks, the import either works (every row accounted for) or says why it cannot."""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from pathlib import Path

import numpy as np
import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from territory_desktop.core.plan import CANONICAL_COLUMNS
from territory_desktop.io.importing.importer import ImportFailed, import_plan
from territory_desktop.io.importing.table_reader import _read_xlsx_openpyxl
from territory_desktop.io.importing.xlsx_reader import read_xlsx_rows
from tests.conftest import FIXTURES

HEADERS = ["Account ID", "Account Name", "Billing City", "Billing State/Province", "Billing Zip/Postal Code",
           "Billing Country", "Annual Revenue", "Account Owner", "Latitude", "Lng", "Number of Employees",
           "Named Account", "Segment", "Open Pipeline", "Type", "Record ID", "Company name", "Notes", "", "ID"]
CELLS = ["", " ", "N/A", "-", "0", "02134", "2134.0", "02134-1234", "99999", "Boston", "MA", "Texas", "USA",
         "Canada", "$1,234.50", "€1.234,50", "1.2M", "(500)", "12,3,4", "51-200", "yes", "maybe", "95.5",
         "-71.06", "42.36", "Jane Doe", "jane doe ", "SMB", "=1+1", "\"quoted, comma\"", "line\nbreak", "é€ü",
         "1e308", "-1e400", "NaN", "inf", "0,0", "A1", "A1"]

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

cell = st.one_of(st.sampled_from(CELLS), st.text(max_size=12))
header = st.one_of(st.sampled_from(HEADERS), st.text(max_size=10))


def _check(result, name: str) -> None:
    plan = result.plan
    assert result.rows_in == plan.n_accounts + result.rows_rejected + result.rows_skipped
    errors = [p for p in result.problems if p.severity == "error" and p.file == name]
    assert len(errors) == result.rows_rejected
    notes = [p for p in result.problems if p.severity == "note" and p.file == name]
    assert len(notes) == result.rows_skipped
    assert len(plan.source) == plan.n_accounts
    assert list(plan.accounts.columns[:len(CANONICAL_COLUMNS)]) == list(CANONICAL_COLUMNS)
    assert set(plan.accounts["geo_source"]) <= {"latlon", "zip", "city", "none"}
    placed = np.isfinite(plan.lat)
    assert (np.abs(plan.lat[placed]) <= 90).all() and (np.abs(plan.lon[placed]) <= 180).all()
    assert (placed == (plan.accounts["geo_source"] != "none").to_numpy()).all()
    assert plan.accounts["account_id"].is_unique and (plan.accounts["account_id"] != "").all()
    assert ((plan.assignment >= -1) & (plan.assignment < plan.n_territories)).all()


def _import(data: bytes, name: str = "fuzz.csv"):
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / name
        p.write_bytes(data)
        try:
            result = import_plan(p)
        except ImportFailed as exc:
            assert name in str(exc)
            return None
    _check(result, name)
    return result


@SETTINGS
@given(st.binary(max_size=400))
def test_random_bytes_never_crash(data):
    _import(data)


@SETTINGS
@given(heads=st.lists(header, min_size=1, max_size=7), rows=st.lists(st.lists(cell, max_size=8), max_size=12),
       delimiter=st.sampled_from([",", ";", "\t"]), encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
def test_random_tables_never_crash(heads, rows, delimiter, encoding):
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter)
    w.writerow(heads)
    w.writerows(rows)
    _import(buf.getvalue().encode(encoding, errors="replace"))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.lists(st.one_of(st.sampled_from(CELLS[:30]), st.integers(-10**6, 10**6),
                                        st.floats(allow_nan=False, allow_infinity=False), st.none()),
                              min_size=3, max_size=6), max_size=8))
def test_random_workbooks_never_crash(rows):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Account ID", "Account Name", "Postal Code", "Annual Revenue", "Owner", "Lat"])
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    _import(buf.getvalue(), "fuzz.xlsx")


REP_HEADERS = ["Rep Name", "Territory", "Home ZIP", "Home City", "Role", "Capacity", "Region", "Lat", "Long", ""]


@SETTINGS
@given(heads=st.lists(st.one_of(st.sampled_from(REP_HEADERS), st.text(max_size=8)), min_size=1, max_size=6),
       rows=st.lists(st.lists(st.one_of(st.sampled_from(CELLS + ["Ann Lee", "ann lee ", "Carl Cruz"]),
                                        st.text(max_size=8)), max_size=7), max_size=8))
def test_random_reps_files_never_crash(heads, rows):
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(heads)
    w.writerows(rows)
    accounts = FIXTURES / "crm" / "hubspot_companies_utf8bom.csv"
    with tempfile.TemporaryDirectory() as d:
        reps = Path(d) / "reps.csv"
        reps.write_text(buf.getvalue(), encoding="utf-8")
        try:
            result = import_plan(accounts, reps)
        except ImportFailed as exc:
            assert "reps.csv" in str(exc)
            return
    _check(result, accounts.name)
    keys = [t.name.casefold() for t in result.plan.territories]
    assert len(keys) == len(set(keys))  # one territory per name: owners never split across two


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(st.lists(st.one_of(
    st.none(), st.text(max_size=8), st.integers(-10**12, 10**12), st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(2100, 1, 1)).map(
        lambda d: d.replace(microsecond=0)),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2100, 1, 1))), max_size=6), min_size=1, max_size=8),
    gap=st.integers(0, 3))
def test_fast_xlsx_reader_agrees_with_openpyxl(rows, gap):
    wb = openpyxl.Workbook()
    ws = wb.active
    for i, r in enumerate(rows):
        for j, v in enumerate(r):
            if isinstance(v, str):
                v = ILLEGAL_CHARACTERS_RE.sub("", v)
            ws.cell(row=i + 1 + (gap if i else 0), column=j + 1, value=v)
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "book.xlsx"
        wb.save(p)
        fast = read_xlsx_rows(p)
        slow = _read_xlsx_openpyxl(p, None, None)

    def trimmed(table: tuple[str, list[list[str]]]) -> list[list[str]]:
        out = [list(r) for r in table[1]]
        for r in out:
            while r and r[-1] == "":
                r.pop()
        while out and not out[-1]:
            out.pop()
        return out

    assert fast[0] == slow[0] and trimmed(fast) == trimmed(slow)
