"""Exports for the CRM: right rows and columns, formulas never executable, numbers kept, clear errors."""

from __future__ import annotations

import csv
import datetime as dt
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from territory_desktop.core.edits import MoveAccounts, RemoveTerritory, UpdateTerritory
from territory_desktop.core.plan import Plan, accounts_frame
from territory_desktop.core.territory import Territory
from territory_desktop.io.export import (
    FORMULA_START,
    ExportError,
    export_assignments,
    export_changes,
    neutralise,
)
from tests.conftest import make_plan

HOSTILE = ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\r=1", "  =1+1",
           " \t@x", "＝1+1"]
HARMLESS = ["Acme Corp", "", "Ünïcode GmbH", "a=b", "x-1"]
CONTROL_LED = ["\x01=HYPERLINK(\"http://evil\")", "\x1b=1+1", "\x00+1", " \x01 @SUM(A1)", "\x7f-2",
               "\x1f\x1e+1", "\x0b=1", "\u200b=1", "\ufeff=1"]
"""A formula trigger behind control or invisible characters: a spreadsheet skips those and runs the formula."""


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def read_xlsx(path: Path) -> tuple[list[str], list[list]]:
    ws = load_workbook(path).active
    rows = list(ws.iter_rows())
    for row in rows:
        for cell in row:
            assert cell.data_type != "f", f"{cell.coordinate} is a formula: {cell.value!r}"
    return [c.value for c in rows[0]], [[c.value for c in r] for r in rows[1:]]


@pytest.fixture
def hostile_plan() -> Plan:
    names = HOSTILE + HARMLESS
    n = len(names)
    acc = accounts_frame({"account_id": [f"=ID{i}" if i == 0 else f"ID{i}" for i in range(n)], "name": names,
                          "city": ["-Springfield"] + [""] * (n - 1), "potential": [-1500.5] + [10.0] * (n - 1),
                          "lat": [40.0] * n, "lon": [-90.0] * n})
    terrs = [Territory("=West", rep="@Rep"), Territory("East", rep="Ann")]
    plan = Plan(acc, terrs, np.zeros(n, dtype=np.int32))
    plan.apply(MoveAccounts(np.array([1, 2]), 1))
    plan.apply(MoveAccounts(np.array([3]), -1))
    return plan


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_triggers_get_an_apostrophe(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", HARMLESS)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert neutralise(text) == text


@pytest.mark.parametrize("text", CONTROL_LED)
def test_control_characters_before_a_formula_trigger_do_not_hide_it(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["\x01Acme", "a\x01=b", "\x1b[1mBold"])
def test_control_characters_before_ordinary_text_change_nothing(text: str) -> None:
    assert neutralise(text) == text


def test_csv_files_neutralise_a_formula_behind_a_control_character(tmp_path: Path) -> None:
    """The CSV export once wrote "\x01=HYPERLINK(...)" unchanged while the XLSX one neutralised it."""
    n = len(CONTROL_LED)
    acc = accounts_frame({"account_id": [f"A{i}" for i in range(n)], "name": CONTROL_LED})
    plan = Plan(acc, [Territory("T"), Territory("U")], np.zeros(n, dtype=np.int32))
    plan.apply(MoveAccounts(np.arange(n), 1))
    export_assignments(plan, tmp_path / "a.csv")
    export_changes(plan, tmp_path / "c.csv", dt.date(2027, 1, 1))
    for name in ("a.csv", "c.csv"):
        got = [r["Account Name"] for r in read_csv(tmp_path / name)]
        assert got == ["'" + s for s in CONTROL_LED], name


def test_csv_export_neutralises_every_formula_and_keeps_negative_numbers(hostile_plan: Plan,
                                                                          tmp_path: Path) -> None:
    path = tmp_path / "assign.csv"
    assert export_assignments(hostile_plan, path) == hostile_plan.n_accounts
    rows = read_csv(path)
    assert [r["Account Name"] for r in rows] == [neutralise(s) for s in HOSTILE + HARMLESS]
    assert rows[0]["Account ID"] == "'=ID0" and rows[0]["City"] == "'-Springfield"
    assert rows[0]["Territory"] == "'=West" and rows[0]["Rep"] == "'@Rep"
    assert rows[0]["Potential"] == "-1500.5"  # a number, not text with an apostrophe
    assert rows[1]["Territory"] == "East" and rows[1]["Moved"] == "yes" and rows[1]["Baseline Territory"] == "'=West"
    assert rows[3]["Territory"] == "" and rows[3]["Rep"] == "" and rows[3]["Moved"] == "yes"
    assert rows[5]["Moved"] == "no"
    for row in rows:
        for header, value in row.items():
            assert header in ("Potential", "Territory Quota") or not value or value[0] not in "=+-@\t\r", value


def test_xlsx_export_stores_strings_not_formulas(hostile_plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "assign.xlsx"
    assert export_assignments(hostile_plan, path) == hostile_plan.n_accounts
    headers, rows = read_xlsx(path)
    col = {h: i for i, h in enumerate(headers)}
    # XML reads a carriage return back as a line feed; an empty cell comes back as None
    expected = [neutralise(s).replace("\r", "\n") or None for s in HOSTILE + HARMLESS]
    assert [r[col["Account Name"]] for r in rows] == expected
    assert rows[0][col["Territory"]] == "'=West" and rows[0][col["Account ID"]] == "'=ID0"
    assert rows[0][col["Potential"]] == -1500.5
    assert rows[3][col["Territory"]] is None  # unassigned: blank cell


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_change_list_has_one_row_per_moved_account_with_date_and_reason(suffix: str, tmp_path: Path) -> None:
    plan = make_plan(300, 5, seed=8)
    plan.apply(UpdateTerritory(1, {"name": "North East", "rep": "Dana"}))
    plan.apply(MoveAccounts(np.arange(0, 12), 1))
    plan.apply(RemoveTerritory(4, to=-1))
    moved = np.flatnonzero(plan.assignment != plan.baseline)
    path = tmp_path / f"changes{suffix}"
    n = export_changes(plan, path, dt.date(2027, 1, 1), reason="+FY27 realignment")
    assert n == len(moved) > 12
    if suffix == ".csv":
        frame = pd.DataFrame(read_csv(path))
    else:
        headers, rows = read_xlsx(path)
        frame = pd.DataFrame(rows, columns=headers).fillna("")
    assert frame["Account ID"].tolist() == [plan.ids[r] for r in moved]
    names = [t.name for t in plan.territories]
    reps = [t.rep for t in plan.territories]
    assert frame["From Territory"].tolist() == [names[plan.baseline[r]] for r in moved]
    assert frame["From Rep"].tolist() == [reps[plan.baseline[r]] for r in moved]
    expected_to = [names[plan.assignment[r]] if plan.assignment[r] >= 0 else "" for r in moved]
    assert frame["To Territory"].tolist() == expected_to
    assert "T4" in set(frame["From Territory"]) and "" in set(frame["To Territory"])  # removed territory named
    assert set(frame["Effective Date"]) == {"2027-01-01"}
    assert set(frame["Reason"]) == {"'+FY27 realignment"}


def test_no_changes_gives_a_header_only_file(tmp_path: Path) -> None:
    path = tmp_path / "none.csv"
    assert export_changes(make_plan(20, 2), path, dt.date(2027, 1, 1)) == 0
    assert path.read_text(encoding="utf-8-sig").strip().startswith("Account ID,Account Name,From Territory")


def test_control_characters_and_undecodable_bytes_do_not_break_the_files(tmp_path: Path) -> None:
    acc = accounts_frame({"account_id": ["A1", "A2"], "name": ["Bell\x07 Co\x00", "Caf\udce9"]})
    plan = Plan(acc, [Territory("T")], np.zeros(2, dtype=np.int32))
    assert export_assignments(plan, tmp_path / "a.xlsx") == 2
    _, rows = read_xlsx(tmp_path / "a.xlsx")
    assert rows[0][1] == "Bell Co" and rows[1][1] == "Caf?"
    assert export_assignments(plan, tmp_path / "a.csv") == 2
    assert read_csv(tmp_path / "a.csv")[1]["Account Name"] == "Caf?"


def test_write_errors_name_the_file(tmp_path: Path) -> None:
    plan = make_plan(10, 2)
    with pytest.raises(ExportError, match=r"a\.csv.*does not exist"):
        export_assignments(plan, tmp_path / "missing" / "a.csv")
    with pytest.raises(ExportError, match=r"a\.pdf.*\.csv or \.xlsx"):
        export_assignments(plan, tmp_path / "a.pdf")
    target = tmp_path / "dir.csv"
    target.mkdir()  # the name is taken by a folder: the rename fails like a locked file would
    with pytest.raises(ExportError, match="dir.csv"):
        export_assignments(plan, target)
    assert [p.name for p in tmp_path.iterdir()] == ["dir.csv"]  # no temporary file left


@pytest.mark.skipif(os.name == "nt" or os.geteuid() == 0, reason="root ignores folder permissions")
def test_read_only_folder_is_reported(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(ExportError, match="read-only"):
            export_changes(make_plan(10, 2), folder / "c.xlsx", dt.date(2027, 1, 1))
    finally:
        folder.chmod(0o700)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(st.text(max_size=12), min_size=1, max_size=8))
def test_no_text_a_crm_can_hold_becomes_a_formula(names: list[str], tmp_path: Path) -> None:
    n = len(names)
    acc = accounts_frame({"account_id": [f"A{i}" for i in range(n)], "name": names})
    plan = Plan(acc, [Territory("T"), Territory("U")], np.zeros(n, dtype=np.int32))
    plan.apply(MoveAccounts(np.arange(n), 1))
    export_changes(plan, tmp_path / "c.csv", dt.date(2027, 1, 1), reason=names[0])
    assert [r["Account Name"] for r in read_csv(tmp_path / "c.csv")] == [neutralise(s) for s in names]
    export_changes(plan, tmp_path / "c.xlsx", dt.date(2027, 1, 1), reason=names[0])
    _, rows = read_xlsx(tmp_path / "c.xlsx")  # asserts no cell is a formula
    for row in rows:
        for value in row:
            assert not isinstance(value, str) or not FORMULA_START.match(value), value


def test_effective_date_may_be_iso_text_and_bad_text_is_explained(tmp_path: Path) -> None:
    plan = make_plan(30, 3)
    plan.apply(MoveAccounts(np.arange(3), 2))
    moved = int((plan.assignment != plan.baseline).sum())
    assert export_changes(plan, tmp_path / "c.csv", "2027-02-01") == moved
    assert {r["Effective Date"] for r in read_csv(tmp_path / "c.csv")} == {"2027-02-01"}
    with pytest.raises(ExportError, match="YYYY-MM-DD"):
        export_changes(plan, tmp_path / "d.csv", "01/02/2027")
    assert not (tmp_path / "d.csv").exists()


def test_assignments_carry_each_territorys_suggested_quota(tmp_path):
    from territory_desktop.core import kpis
    from territory_desktop.io.export import assignment_table
    from tests.conftest import make_plan

    plan = make_plan(n=50, k=3, seed=4)
    plan.assignment[:2] = -1
    headers, cols = assignment_table(plan)
    quota = cols[headers.index("Territory Quota")]
    pot = kpis.measure_totals(plan, "potential")
    for row in (5, 17, 33):
        assert quota[row] == pytest.approx(plan.settings.quota_share * pot[plan.assignment[row]], abs=0.01)
    assert np.isnan(quota[:2]).all()


@pytest.mark.skipif(os.name == "nt", reason="POSIX links and modes")
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_an_export_through_a_symlink_writes_its_target_and_keeps_a_private_mode(tmp_path: Path, suffix: str) -> None:
    """As a project save does: the link stays a link, the target gets the rows, a 600 file stays 600."""
    plan = make_plan(n=30, k=3)
    target = tmp_path / "shared" / f"assignments{suffix}"
    target.parent.mkdir()
    target.write_bytes(b"old")
    os.chmod(target, 0o600)
    link = tmp_path / f"link{suffix}"
    link.symlink_to(target)
    assert export_assignments(plan, link) == 30
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_bytes() != b"old" and oct(target.stat().st_mode & 0o777) == "0o600"
    assert not [p for p in target.parent.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="POSIX devices")
def test_an_export_never_replaces_a_device(tmp_path: Path) -> None:
    link = tmp_path / "null.csv"
    link.symlink_to("/dev/null")
    with pytest.raises(ExportError, match="not a regular file"):
        export_assignments(make_plan(n=5, k=2), link)
    assert Path("/dev/null").is_char_device()
