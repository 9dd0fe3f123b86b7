"""Importing messy CRM exports: what a planner gets (accounts, places, territories) and what they are told."""

from __future__ import annotations

import csv
import math
import os
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from territory_desktop.core.palette import color_for
from territory_desktop.io.export import neutralise
from territory_desktop.io.importing import table_reader
from territory_desktop.io.importing.columns import load_mapping_file
from territory_desktop.io.importing.importer import (
    ImportCancelled,
    ImportFailed,
    ImportProblem,
    import_plan,
    write_problems_csv,
)
from territory_desktop.io.importing.table_reader import read_table
from tests.conftest import FIXTURES

CRM = FIXTURES / "crm"
SALESFORCE = CRM / "salesforce_accounts_cp1252.csv"
HUBSPOT = CRM / "hubspot_companies_utf8bom.csv"
REPS = CRM / "reps.tsv"


def _row(result, account_id: str) -> dict:
    acc = result.plan.accounts
    return acc[acc["account_id"] == account_id].iloc[0].to_dict()


def _check_counts(result, file: str) -> None:
    """rows_in == kept + rejected + skipped; every rejected row has exactly one error naming its row, every
    skipped line (blank, a report footer) one note."""
    assert result.rows_in == result.plan.n_accounts + result.rows_rejected + result.rows_skipped
    errors = [p for p in result.problems if p.severity == "error" and p.file == file]
    assert len(errors) == result.rows_rejected
    assert len({p.row for p in errors}) == len(errors)
    notes = [p for p in result.problems if p.severity == "note" and p.file == file]
    assert len(notes) == result.rows_skipped and len({p.row for p in notes}) == len(notes)


# ----- Salesforce: Windows-1252, semicolons, decimal commas, with a reps file --------------------------------
@pytest.fixture(scope="module")
def salesforce():
    return import_plan(SALESFORCE, REPS)


def test_salesforce_mapping_is_guessed(salesforce):
    m = salesforce.mapping
    assert m["account_id"] == "Account ID" and m["name"] == "Account Name"
    assert m["zip"] == "Billing Zip/Postal Code" and m["state"] == "Billing State/Province"
    assert m["revenue"] == "Annual Revenue" and m["owner"] == "Account Owner"
    assert m["employees"] == "Number of Employees"
    assert "segment" not in m


def test_salesforce_values_are_read(salesforce):
    cafe = _row(salesforce, "001A")
    assert cafe["name"] == "Café Müller GmbH"  # Windows-1252 decoded
    assert cafe["revenue"] == pytest.approx(1_234_567.5)  # "1.234.567,50"
    assert cafe["employees"] == 1200  # "1.200" in a decimal-comma file is a thousand two hundred
    assert cafe["potential"] == 1200 * 150.0  # no potential column: $150 per employee, not the revenue
    assert cafe["potential_basis"] == "employees" and cafe["segment_basis"] == "employees"
    assert (cafe["zip"], cafe["state"], cafe["country"]) == ("02134", "MA", "US")
    assert cafe["segment"] == "Enterprise"
    assert _row(salesforce, "001B")["revenue"] == 350_000
    assert _row(salesforce, "001E")["revenue"] == pytest.approx(2_500_000)  # "2,5M"
    assert _row(salesforce, "001F")["revenue"] == -1000  # "(1.000)"
    assert _row(salesforce, "001F")["zip"] == "60601"  # ZIP+4 dropped
    princeton = _row(salesforce, "001G")
    assert princeton["revenue"] == pytest.approx(99_500)  # "€ 99,5k"
    assert (princeton["zip"], princeton["city"]) == ("08540", "Princeton")  # zero restored, city from ZIP
    assert princeton["segment"] == "SMB"
    assert math.isnan(_row(salesforce, "001D")["revenue"])  # "12,3,4" is set blank


def test_salesforce_accounts_are_placed(salesforce):
    src = dict(zip(salesforce.plan.accounts["account_id"], salesforce.plan.accounts["geo_source"], strict=True))
    assert src == {"001A": "zip", "001B": "zip", "001D": "none", "001E": "city", "001F": "zip", "001G": "zip"}
    toronto = _row(salesforce, "001E")
    assert toronto["lat"] == pytest.approx(43.7, abs=0.2) and toronto["lon"] == pytest.approx(-79.4, abs=0.2)
    boston = _row(salesforce, "001A")
    assert boston["lat"] == pytest.approx(42.35, abs=0.1) and boston["lon"] == pytest.approx(-71.1, abs=0.1)
    assert np.isnan(_row(salesforce, "001D")["lat"])


def test_salesforce_territories_follow_the_reps_file(salesforce):
    plan = salesforce.plan
    names = [t.name for t in plan.territories]
    assert names == ["Northeast", "Central", "West", "Bob Smith"]
    assert [t.color for t in plan.territories] == [color_for(i) for i in range(4)]
    ne, central, west, bob = plan.territories
    assert (ne.rep, ne.capacity_hours, ne.region, ne.role) == ("Jane Doe", 1500.0, "East", "AE")
    assert ne.home_lat == pytest.approx(40.75, abs=0.1)  # home ZIP 10001, New York
    assert central.capacity_hours == 1700.0 and len(plan.rows_in(1)) == 0  # rep without accounts: empty
    assert west.capacity_hours == 1600.0 and not west.has_home
    assert bob.capacity_hours == 1600.0 and bob.home_lat == pytest.approx(43.7, abs=0.2)  # his placed book
    owner_of = dict(zip(plan.ids, plan.assignment.tolist(), strict=True))
    # "Jane Doe", "jane doe " and "JANE DOE" are one rep; a blank owner is unassigned
    assert owner_of == {"001A": 0, "001B": 0, "001D": 3, "001E": 3, "001F": -1, "001G": 0}
    assert np.array_equal(plan.baseline, plan.assignment)


def test_salesforce_problems_are_reported_exactly(salesforce):
    _check_counts(salesforce, SALESFORCE.name)
    assert salesforce.rows_in == 9 and salesforce.rows_rejected == 2 and salesforce.rows_skipped == 1
    got = [(p.file, p.row, p.column, p.value, p.severity) for p in salesforce.problems]
    f = SALESFORCE.name
    assert got == [
        (f, None, "Number of Employees", "'N/A', '-'", "warning"),  # once per column, not per cell
        (f, 4, "Account ID", "", "error"),
        (f, 5, "Account ID", "001A", "error"),
        (f, 6, None, "", "note"),  # a blank line: no account, nothing lost
        (f, 7, "Billing Zip/Postal Code", "", "warning"),
        (f, 7, "Annual Revenue", "12,3,4", "warning"),
        (f, 7, "Account Owner", "Bob Smith", "warning"),
        ("reps.tsv", 4, None, "", "note"),
        ("reps.tsv", 5, "Territory", "Northeast", "error"),
        ("reps.tsv", 6, "Capacity (hours/year)", "-5", "warning"),
        ("reps.tsv", 6, None, "West", "warning"),
    ]
    text = [str(p) for p in salesforce.problems]
    assert "2 cells read 'N/A', '-': taken as blank" in text[0]
    assert text[2] == (f"{f}, row 5, column 'Account ID': duplicate account id '001A' (first seen in row 2); "
                       "the first one is kept")
    assert text[5] == (f"{f}, row 7, column 'Annual Revenue': cannot read '12,3,4' as an amount of revenue; "
                       "left blank")
    assert "cannot place" in text[4]


def test_salesforce_source_keeps_the_original_cells(salesforce):
    src = salesforce.plan.source
    assert list(src.columns)[:3] == ["Account ID", "Account Name", "Billing Street"]
    assert src["Account ID"].tolist() == salesforce.plan.accounts["account_id"].tolist()
    assert src["Annual Revenue"].tolist()[0] == "1.234.567,50"
    assert src["Billing Zip/Postal Code"].tolist()[-1] == "8540"


# ----- HubSpot: UTF-8 with BOM, lat/long, employee ranges, named flag, no reps file -------------------------
@pytest.fixture(scope="module")
def hubspot():
    return import_plan(HUBSPOT)


def test_hubspot_accounts(hubspot):
    _check_counts(hubspot, HUBSPOT.name)
    m = hubspot.mapping
    assert (m["account_id"], m["name"], m["owner"]) == ("Record ID", "Company name", "Company owner")
    assert (m["lat"], m["lon"], m["named"]) == ("Latitude", "Lng", "Named Account")
    globex = _row(hubspot, "1001")
    assert globex["name"] == "Globex, Inc." and globex["geo_source"] == "latlon"
    assert globex["employees"] == pytest.approx(125.5) and globex["revenue"] == 1_200_000
    assert globex["potential"] == pytest.approx(125.5 * 150)  # sized by employees, not by its revenue
    assert globex["named"] and globex["state"] == "TX" and globex["pipeline"] == 25000
    initech = _row(hubspot, "1002")
    assert initech["geo_source"] == "city" and initech["employees"] == 10001  # lat 95.5 is impossible
    assert initech["segment"] == "Enterprise" and initech["named"]
    assert _row(hubspot, "1003")["revenue"] == 2e9 and _row(hubspot, "1003")["geo_source"] == "zip"
    assert _row(hubspot, "1003")["potential"] == 1200 * 150.0
    assert _row(hubspot, "1004")["segment"] == "SMB" and not _row(hubspot, "1004")["named"]
    assert _row(hubspot, "1005")["geo_source"] == "none"
    # by employees: 51-200 (125.5) is Mid-Market, 1,000 is Enterprise; Vandelay has no size: SMB
    assert hubspot.plan.accounts["segment"].tolist() == ["Mid-Market", "Enterprise", "Enterprise", "SMB",
                                                         "SMB", "Enterprise"]
    assert any("'Number of Employees'" in n for n in hubspot.notes)


def test_hubspot_problems(hubspot):
    got = [(p.row, p.column, p.value, p.severity) for p in hubspot.problems]
    assert got == [
        (None, "Annual Revenue", "'N/A'", "warning"),
        (3, "Latitude", "95.5, -97.7", "warning"),
        (5, "Named Account", "maybe", "warning"),
        (6, "Postal Code", "", "warning"),
        (7, None, "", "note"),
    ]
    assert hubspot.rows_rejected == 0 and hubspot.rows_skipped == 1 and hubspot.rows_in == 7


def test_territories_without_reps_file_are_the_owners(hubspot):
    plan = hubspot.plan
    assert [t.name for t in plan.territories] == ["Ann Lee", "Carl Cruz"]
    assert all(t.capacity_hours == 1600.0 for t in plan.territories)
    ann = plan.territories[0]
    # potential-weighted median: Initech (10,001 employees, Austin city centre) outweighs Stark (New York)
    assert (ann.home_lat, ann.home_lon) == pytest.approx((30.3076, -97.7585), abs=1e-3)
    assert plan.assignment.tolist() == [0, 0, 1, -1, 1, 0]


# ----- Dynamics: .xlsx with numeric cells and a second sheet ------------------------------------------------
def _dynamics_xlsx(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Active Accounts"
    ws.append(["(Do Not Modify) Account", "(Do Not Modify) Row Checksum", "Account Name", "Address 1: City",
               "Address 1: State/Province", "Address 1: ZIP/Postal Code", "Owner", "Annual Revenue",
               "Number of Employees", "Segment"])
    ws.append(["a1b2", "x", "Contoso", "Seattle", "WA", 98101, "Pat Kim", 2500000.0, 1500, "ENT"])
    ws.append(["c3d4", "y", "Fabrikam", None, None, 2134, "Pat Kim", 120000, 40, "mid market"])
    ws.append(["a1b2", "z", "Contoso again", "Seattle", "WA", 98101, "Lee Wu", 1, 1, "SMB"])
    ws.append([None] * 10)
    ws.append(["e5f6", "w", "Northwind", "Portland", "Oregon", "97201.0", "Lee Wu", "lots", None, "Tier 2"])
    for _ in range(3):
        ws.append([None] * 10)  # formatted but empty rows at the end are not data
    other = wb.create_sheet("Lookup")
    other.append(["Account Number", "Account Name"])
    other.append(["N1", "Only on the second sheet"])
    wb.save(path)
    return path


def test_dynamics_xlsx(tmp_path):
    path = _dynamics_xlsx(tmp_path / "dynamics.xlsx")
    r = import_plan(path)
    _check_counts(r, "dynamics.xlsx")
    assert r.rows_in == 5 and r.rows_rejected == 1 and r.rows_skipped == 1
    assert r.mapping["account_id"] == "(Do Not Modify) Account"
    acc = r.plan.accounts
    assert acc["account_id"].tolist() == ["a1b2", "c3d4", "e5f6"]
    assert acc["zip"].tolist() == ["98101", "02134", "97201"]
    assert acc["city"].tolist() == ["Seattle", "Allston", "Portland"]  # blank city filled from the ZIP
    assert acc["state"].tolist() == ["WA", "MA", "OR"]
    assert acc["segment"].tolist() == ["Enterprise", "Mid-Market", "Tier 2"]
    assert acc["revenue"].iloc[0] == 2_500_000 and np.isnan(acc["revenue"].iloc[2])
    assert acc["potential"].tolist() == [1500 * 150.0, 40 * 150.0, 0.0]  # Northwind: no size, no potential
    assert r.plan.source["Address 1: ZIP/Postal Code"].tolist() == ["98101", "2134", "97201.0"]
    assert [(p.row, p.severity) for p in r.problems] == [(4, "error"), (5, "note"), (6, "warning")]
    assert [t.name for t in r.plan.territories] == ["Lee Wu", "Pat Kim"]


def test_xlsx_other_sheet_and_missing_sheet(tmp_path):
    path = _dynamics_xlsx(tmp_path / "dynamics.xlsx")
    r = import_plan(path, sheet="Lookup")
    assert r.plan.accounts["name"].tolist() == ["Only on the second sheet"]
    with pytest.raises(ImportFailed, match=r"dynamics\.xlsx: has no sheet 'Nope'.*'Active Accounts'"):
        import_plan(path, sheet="Nope")


# ----- mappings -------------------------------------------------------------------------------------------
def test_user_mapping_overrides_the_guesses(tmp_path):
    # the import dialog passes every field ("" = not mapped)
    full = dict.fromkeys(("account_id", "name", "address", "city", "state", "zip", "country", "lat", "lon",
                          "segment", "industry", "potential", "pipeline", "owner", "status", "employees",
                          "revenue", "named", "last_activity"), "")
    full.update(account_id="Record ID", name="Company name", potential="Open Pipeline", zip="Postal Code")
    r = import_plan(HUBSPOT, mapping=full)
    assert r.mapping == {"account_id": "Record ID", "name": "Company name", "zip": "Postal Code",
                         "potential": "Open Pipeline"}
    assert _row(r, "1001")["potential"] == 25000
    assert (r.plan.assignment == -1).all() and r.plan.territories == []  # owner was not mapped
    # a mapping file that fixes one field keeps the other guesses; the column it takes leaves its old field
    m = tmp_path / "fix.json"
    m.write_text('{"potential": "Open Pipeline", "lat": ""}', encoding="utf-8")
    r = import_plan(HUBSPOT, mapping=load_mapping_file(m))
    assert r.mapping["potential"] == "Open Pipeline" and "pipeline" not in r.mapping and "lat" not in r.mapping
    assert r.mapping["owner"] == "Company owner" and r.mapping["lon"] == "Lng"


def test_bad_mappings_name_the_problem():
    with pytest.raises(ImportFailed, match=r"hubspot_companies_utf8bom\.csv: .*unknown field 'turnover'"):
        import_plan(HUBSPOT, mapping={"account_id": "Record ID", "turnover": "Annual Revenue"})
    with pytest.raises(ImportFailed, match=r"not in the file: 'Acct Nr' \(for account_id\)"):
        import_plan(HUBSPOT, mapping={"account_id": "Acct Nr"})


def test_name_is_the_id_when_there_is_no_id_column(tmp_path):
    p = tmp_path / "names.csv"
    p.write_text("Company,City,State\nAcme,Boston,MA\nAcme,Austin,TX\nBeta,Nowhere,ZZ\n", encoding="utf-8")
    r = import_plan(p)
    assert r.plan.accounts["account_id"].tolist() == ["Acme", "Beta"]
    assert r.problems[0].row is None and "name is used as the id" in r.problems[0].reason
    assert (r.problems[1].row, r.problems[1].severity) == (3, "error")
    _check_counts(r, "names.csv")


def test_rows_longer_than_the_header_keep_their_cells(tmp_path):
    p = tmp_path / "ragged.csv"
    p.write_text("Account ID,Account Name,ZIP\nA1,Acme,02134,extra cell\n\nA2,Beta\n", encoding="utf-8")
    r = import_plan(p)
    assert list(r.plan.source.columns) == ["Account ID", "Account Name", "ZIP", "Column D"]
    assert r.plan.source["Column D"].tolist() == ["extra cell", ""]
    rows = [p for p in r.problems if p.row is not None]  # file-level notes (unused "Column D") aside
    assert [(p.row, p.reason) for p in rows] == [(3, "empty row"), (4, rows[1].reason)]
    assert r.plan.accounts["geo_source"].tolist() == ["zip", "none"]


def test_salesforce_report_footer_and_excel_sep_line(tmp_path):
    p = tmp_path / "report.csv"
    p.write_text('sep=;\nAccount ID;Account Name;Billing Zip/Postal Code\nA1;Acme;02134\nA2;Beta;60601\n\n'
                 '"Copyright (c) 2000-2025 salesforce.com, inc. All rights reserved."\n'
                 '"Confidential Information - Do Not Distribute"\n"Generated By:  Jane Doe  11/25/2026"\n'
                 '"Acme Inc."\n', encoding="utf-8")
    r = import_plan(p)
    assert r.plan.accounts["account_id"].tolist() == ["A1", "A2"]
    assert r.rows_in == 7 and r.rows_rejected == 0 and r.rows_skipped == 5  # not accounts: nothing is lost
    assert [(p.row, p.reason[:13], p.severity) for p in r.problems] == [
        (4, "empty row", "note"), (5, "report footer", "note"), (6, "report footer", "note"),
        (7, "report footer", "note"), (8, "report footer", "note")]


def test_a_last_row_with_only_an_id_is_still_an_account(tmp_path):
    p = tmp_path / "short.csv"
    p.write_text("Account ID,Account Name,ZIP\nA1,Acme,02134\nA2,,\n", encoding="utf-8")
    assert import_plan(p).plan.accounts["account_id"].tolist() == ["A1", "A2"]


def test_title_rows_of_a_formatted_report_are_skipped(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Accounts by Owner"])
    ws.append(["Filtered By:", None, None])
    ws.append([None])
    ws.append(["Account ID", "Account Name", "Billing Zip/Postal Code", "Annual Revenue"])
    ws.append(["A1", "Acme", "02134", "1,000"])
    ws.append(["A1", "Acme again", "02134", "lots"])
    path = tmp_path / "report.xlsx"
    wb.save(path)
    r = import_plan(path)
    assert r.plan.accounts["account_id"].tolist() == ["A1"] and r.rows_in == 2
    assert [(p.row, p.column) for p in r.problems] == [(6, "Account ID")]  # the row Excel shows
    assert read_table(path).attrs["header_row"] == 4


# ----- the table reader the import dialog previews with ------------------------------------------------------
def test_preview_reads_the_first_rows_as_text(tmp_path):
    xlsx = _dynamics_xlsx(tmp_path / "dynamics.xlsx")
    head = read_table(xlsx, nrows=2)
    assert len(head) == 2 and head.iloc[1]["Address 1: ZIP/Postal Code"] == "2134"
    assert all(str(t) in ("str", "string", "object") for t in head.dtypes)
    csv_head = read_table(SALESFORCE, nrows=3)
    assert csv_head["Account Name"].tolist() == ["Café Müller GmbH", "Acme Corp", "Orphan Co"]
    assert csv_head.iloc[2]["Account ID"] == ""


def test_preview_of_a_big_csv_reads_only_its_start(tmp_path, monkeypatch):
    monkeypatch.setattr(table_reader, "PREVIEW_BYTES", 64)
    p = tmp_path / "big.csv"
    p.write_text("Account ID,Account Name\n" + "".join(f"A{i},Zoë Ünal {i}\n" for i in range(50)),
                 encoding="utf-8")
    head = read_table(p, nrows=200)
    assert 0 < len(head) < 10 and head["Account Name"].iloc[0] == "Zoë Ünal 0"
    assert len(read_table(p)) == 50
    u16 = tmp_path / "big16.txt"
    u16.write_bytes(p.read_text(encoding="utf-8").encode("utf-16"))
    assert len(read_table(u16, nrows=200)) == 50


def test_utf16_tab_text_and_duplicate_headers(tmp_path):
    p = tmp_path / "unicode.txt"
    p.write_bytes("Account ID\tName\tName\t\nA1\tZoë\tZoe\tx\n".encode("utf-16"))
    df = read_table(p)
    assert list(df.columns) == ["Account ID", "Name", "Name (2)", "Column D"]
    assert df.iloc[0].tolist() == ["A1", "Zoë", "Zoe", "x"]


# ----- file-level failures ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("content", "reason"), [
    (b"", "the file is empty"),
    (b"  \r\n\r\n", "the file is empty"),
    (b"Account ID,Account Name\r\n", "has a header row but no data rows"),
    (b"foo,bar\n1,2\n", "cannot find an account id or account name column"),
    (b"\x00\x01\x02\x03binary\xff\xfe\x00garbage" * 20, "not a text table"),
    (b"PK\x03\x04 this is not really a zip file", "not a readable Excel workbook"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old excel", "old-style Excel .xls"),
])
def test_file_level_failures_name_file_and_reason(tmp_path, content, reason):
    p = tmp_path / "export.csv"
    p.write_bytes(content)
    with pytest.raises(ImportFailed, match="export.csv") as info:
        import_plan(p)
    assert reason in str(info.value)


def test_missing_file(tmp_path):
    with pytest.raises(ImportFailed, match=r"gone\.csv: file not found"):
        import_plan(tmp_path / "gone.csv")


def test_reps_file_without_rep_column(tmp_path):
    p = tmp_path / "reps.csv"
    p.write_text("Foo,Bar\n1,2\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match=r"reps\.csv: cannot find a rep or territory column"):
        import_plan(HUBSPOT, p)


# ----- progress, cancel, report ----------------------------------------------------------------------------
def test_progress_is_reported_in_order():
    seen: list[tuple[float, str]] = []
    import_plan(HUBSPOT, progress=lambda f, s: seen.append((f, s)))
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[0] == 0.0 and fractions[-1] == 1.0
    assert all(isinstance(s, str) and s for _, s in seen)


def test_cancel_stops_the_import():
    calls = iter([False, False, True])
    with pytest.raises(ImportCancelled):
        import_plan(HUBSPOT, cancelled=lambda: next(calls, True))
    assert issubclass(ImportCancelled, ImportFailed)


def test_problems_csv_round_trips_and_neutralises_formulas(tmp_path):
    problems = [ImportProblem("a.csv", 3, "Revenue", "=HYPERLINK(\"x\")", "cannot read it", "warning"),
                ImportProblem("a.csv", None, None, "", "no id column", "warning")]
    out = tmp_path / "problems.csv"
    write_problems_csv(problems, out)
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["file", "row", "column", "value", "reason", "severity"]
    assert rows[1] == ["a.csv", "3", "Revenue", "'=HYPERLINK(\"x\")", "cannot read it", "warning"]
    assert rows[2] == ["a.csv", "", "", "", "no id column", "warning"]
    assert str(problems[1]) == "a.csv: no id column"


FORMULA_PAYLOADS = [" =1+2", "  +1", "\x01=HYPERLINK(\"http://evil\")", "\t-1", "\x1b@SUM(A1)", "＝1", "=1",
                    "ok", "a=b", "\x01plain"]


def test_problems_csv_neutralises_exactly_as_the_exports_do(tmp_path):
    """The report once checked only the first character: " =1+2" (a leading space) stayed a live formula."""
    problems = [ImportProblem(v, 2, v, v, v, "warning") for v in FORMULA_PAYLOADS]
    out = tmp_path / "problems.csv"
    write_problems_csv(problems, out)
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    for row, v in zip(rows[1:], FORMULA_PAYLOADS, strict=True):
        assert row[0] == row[2] == row[3] == row[4] == neutralise(v), row
    assert [r[0][:1] for r in rows[1:8]] == ["'"] * 7


def test_problems_csv_survives_a_file_name_with_undecodable_bytes(tmp_path):
    """A file name that is not UTF-8 (`bad\\xff name.csv` on Linux) once crashed the report half written."""
    name = os.fsdecode(b"bad\xff name.csv") if os.name != "nt" else "bad\udcff name.csv"
    out = tmp_path / "problems.csv"
    write_problems_csv([ImportProblem(name, 2, "Account Name", "Caf\udce9", "cannot read it", "warning")], out)
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[1] == ["bad? name.csv", "2", "Account Name", "Caf?", "cannot read it", "warning"]


def test_an_unreadable_capacity_says_the_default_hours_were_used(tmp_path):
    reps = tmp_path / "reps.csv"
    reps.write_text("Rep Name,Capacity\nAnn Lee,full time\nBob Roy,-40\nCy Dee,1200\n", encoding="utf-8")
    p = tmp_path / "acc.csv"
    p.write_text("Account ID,Account Name,Billing Zip,Account Owner\n1,Acme,10001,Ann Lee\n2,Beta,10002,Bob Roy\n"
                 "3,Gamma,60601,Cy Dee\n", encoding="utf-8")
    result = import_plan(p, reps_path=reps)
    caps = {t.name: t.capacity_hours for t in result.plan.territories}
    assert caps == {"Ann Lee": 1600.0, "Bob Roy": 1600.0, "Cy Dee": 1200.0}
    said = {w.value: w.reason for w in result.warnings if w.column == "Capacity"}
    assert said == {"full time": "cannot read 'full time' as a number; the default 1,600 hours used",
                    "-40": "capacity '-40' must be positive; the default 1,600 hours used"}


def test_one_account_without_a_size_is_counted_in_the_singular(tmp_path):
    p = tmp_path / "acc.csv"
    p.write_text("Account ID,Account Name,Billing Zip,Account Owner,Employees\n1,Acme,10001,Ann Lee,\n"
                 "2,Beta,10002,Ann Lee,500\n", encoding="utf-8")
    notes = " ".join(import_plan(p).notes)
    assert "1 account without a size is SMB" in notes and "account(s)" not in notes


def test_one_person_written_three_ways_is_one_territory(tmp_path):
    """CRM owner columns mix "Last, First", e-mail and "First Last": one rep, one book, shown as "First Last"."""
    p = tmp_path / "owners.csv"
    p.write_text("Account ID,Account Name,Billing Zip,Account Owner\n"
                 "1,Acme,10001,\"Lee, Ann\"\n2,Beta,10002,ann.lee@corp.com\n3,Gamma,10003,Ann Lee\n"
                 "4,Delta,10004,ANN  LEE\n5,Eps,60601,Carl Cruz\n6,Zeta,60602,\"Cruz, Carl\"\n", encoding="utf-8")
    result = import_plan(p)
    assert sorted(t.name for t in result.plan.territories) == ["Ann Lee", "Carl Cruz"]
    names = [result.plan.territories[i].name for i in result.plan.assignment]
    assert names == ["Ann Lee"] * 4 + ["Carl Cruz"] * 2


def test_owner_spellings_match_the_reps_file(tmp_path):
    reps = tmp_path / "reps.csv"
    reps.write_text("Rep Name,Home ZIP\nJane Doe,10001\n", encoding="utf-8")
    p = tmp_path / "accounts.csv"
    p.write_text("Account ID,Account Name,Billing Zip,Account Owner\n"
                 "1,Acme,10001,\"Doe, Jane\"\n2,Beta,10002,jane.doe@corp.com\n", encoding="utf-8")
    result = import_plan(p, reps_path=reps)
    assert [t.name for t in result.plan.territories] == ["Jane Doe"]
    assert result.plan.assignment.tolist() == [0, 0]


def test_canonical_columns_and_their_source_columns_are_edited_apart(tmp_path):
    """An id or name the parsers left as it was is held once for the account table and the source columns
    (issue 19: memory and save time at 1M rows); writing either one must not show in the other."""
    path = tmp_path / "accounts.csv"
    path.write_text("Account ID,Account Name,Billing City,Account Owner,Potential\n"
                    "A1,Acme,Austin,Ann Lee,100\nA2,Beta,Boston,Bob Roy,200\nA3,Gamma,Austin,Ann Lee,300\n",
                    encoding="utf-8")
    plan = import_plan(path).plan
    plan.accounts.loc[0, "name"] = "Acme Renamed"
    plan.source.loc[1, "Account ID"] = "typo"
    plan.source.loc[2, "Billing City"] = "Dallas"
    assert plan.source["Account Name"].tolist() == ["Acme", "Beta", "Gamma"]
    assert plan.accounts["account_id"].tolist() == ["A1", "A2", "A3"]
    assert plan.accounts["city"].tolist() == ["Austin", "Boston", "Austin"]
    assert plan.accounts["name"].tolist() == ["Acme Renamed", "Beta", "Gamma"]


def _workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


ACCOUNT_ROWS = [["Account ID", "Account Name", "Account Owner", "Annual Revenue"],
                ["A1", "Acme", "Ann Lee", 1000], ["A2", "Beta", "Bob Roy", 2000]]


@pytest.mark.parametrize("first", [[["Q3 territory review"], ["Prepared by sales ops"]], []])
def test_a_workbook_that_opens_on_a_cover_or_empty_sheet_imports_its_accounts_sheet(tmp_path, first):
    path = _workbook(tmp_path / "report.xlsx", {"Cover": first, "Accounts": ACCOUNT_ROWS})
    result = import_plan(path)
    assert result.plan.accounts["account_id"].tolist() == ["A1", "A2"]
    notes = [p.reason for p in result.problems if "took the sheet" in p.reason]
    assert notes and "'Accounts'" in notes[0] and "'Cover'" in notes[0]


def test_a_workbook_with_no_accounts_sheet_lists_its_sheets_and_how_to_name_one(tmp_path):
    path = _workbook(tmp_path / "report.xlsx", {"Cover": [["Q3 review"]], "Notes": [["Nothing", "here"], [1, 2]]})
    with pytest.raises(ImportFailed) as info:
        import_plan(path)
    msg = str(info.value)
    assert "cannot find an account id" in msg and "'Cover', 'Notes'" in msg and "--sheet" in msg


def test_a_named_sheet_is_read_as_named_even_when_another_holds_accounts(tmp_path):
    path = _workbook(tmp_path / "report.xlsx", {"Cover": [["Q3 review"]], "Accounts": ACCOUNT_ROWS})
    with pytest.raises(ImportFailed, match="cannot find an account id"):
        import_plan(path, sheet="Cover")
    assert import_plan(path, sheet="Accounts").plan.n_accounts == 2
