"""What a reader has to decide reaches the import report whichever way the file is read (issue 19, item 4):
the reps file's encodings and Excel cells, and workbooks the fast Excel reader hands to openpyxl."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl

from territory_desktop.io.importing import table_reader
from territory_desktop.io.importing.importer import import_plan
from territory_desktop.io.importing.table_reader import read_table

ACCOUNTS = "Account ID,Account Name,Account Owner,Billing Zip/Postal Code\nA1,Acme,Jürgen Groß,02134\n" \
           "A2,Beta,Zoë Adèle,10001\n"


def _accounts(tmp_path: Path) -> Path:
    p = tmp_path / "accounts.csv"
    p.write_text(ACCOUNTS, encoding="utf-8")
    return p


def test_reps_file_rows_in_two_encodings_are_named_in_the_report(tmp_path: Path) -> None:
    reps = tmp_path / "reps.csv"
    reps.write_bytes(b"Rep,Territory,Home ZIP\n" + "Jürgen Groß,Nord,02134\n".encode()
                     + "Zoë Adèle,Süd,10001\n".encode("cp1252"))
    r = import_plan(_accounts(tmp_path), reps)
    assert sorted(t.name for t in r.plan.territories) == ["Nord", "Süd"]  # each line read as written
    notes = [w for w in r.warnings if w.file == "reps.csv" and "Windows-1252" in w.reason]
    assert len(notes) == 1 and "row 3 is in Windows-1252" in notes[0].reason


def test_reps_workbook_formula_without_a_value_is_reported_by_cell(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Reps"
    ws.append(["Rep", "Territory", "Capacity Hours"])
    ws.append(["Jürgen Groß", "Nord", 1500])
    ws.append(["Zoë Adèle", "Süd", "=C2*2"])  # openpyxl saves formulas without a cached value
    reps = tmp_path / "reps.xlsx"
    wb.save(reps)
    r = import_plan(_accounts(tmp_path), reps)
    hits = [w for w in r.warnings if w.file == "reps.xlsx" and "Reps!C3" in w.reason]
    assert len(hits) == 1 and "formula with no saved value" in hits[0].reason


def _grouped_book(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["Account Owner", "Account ID", "Account Name", "Annual Revenue"])
    ws.append(["Ann Lee", "A1", "Acme", 100])
    ws.append([None, "A2", "Beta", 200])
    ws.append([None, "A3", "Gamma", 300])
    ws.append(["Bob Ray", "A4", "Delta", "=SUM(D2:D3)"])
    ws.merge_cells("A2:A4")
    wb.save(path)
    return path


def _rename_workbook_part(path: Path) -> None:
    """Move xl/workbook.xml to xl/book.xml, as some generators name it: valid (the package's relationships
    say where the workbook is), openpyxl follows them, the fast reader does not."""
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["xl/book.xml"] = parts.pop("xl/workbook.xml")
    parts["xl/_rels/book.xml.rels"] = parts.pop("xl/_rels/workbook.xml.rels")
    for name in ("_rels/.rels", "[Content_Types].xml"):
        parts[name] = parts[name].replace(b"xl/workbook.xml", b"xl/book.xml")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in parts.items():
            z.writestr(n, data)


def _cell_warnings(path: Path) -> list[str]:
    r = import_plan(path)
    return sorted(w.reason for w in r.warnings if "formula" in w.reason or "merged" in w.reason)


def test_a_workbook_read_by_openpyxl_reports_formulas_and_merged_cells_like_the_fast_reader(tmp_path: Path) -> None:
    fast = _grouped_book(tmp_path / "fast.xlsx")
    slow = _grouped_book(tmp_path / "slow.xlsx")
    _rename_workbook_part(slow)
    try:
        table_reader.read_xlsx_rows(slow)
        raise AssertionError("the fast reader was expected to give up on a renamed workbook part")
    except KeyError:
        pass
    assert read_table(slow)["Account Owner"].tolist() == ["Ann Lee"] * 3 + ["Bob Ray"]  # filled down
    warnings = _cell_warnings(slow)
    assert any("Sheet1!D5: a formula with no saved value" in w for w in warnings), warnings
    assert any("Sheet1!A2:A4: merged cells" in w for w in warnings), warnings
    assert warnings == _cell_warnings(fast)


def test_when_even_the_scan_fails_the_report_says_the_cells_were_not_checked(tmp_path: Path, monkeypatch) -> None:
    slow = _grouped_book(tmp_path / "slow.xlsx")
    _rename_workbook_part(slow)

    def broken(*_args: object) -> None:
        raise ValueError("unreadable sheet part")

    monkeypatch.setattr(table_reader, "scan_sheet_notes", broken)
    r = import_plan(slow)
    notes = [w.reason for w in r.warnings if "fallback Excel reader" in w.reason]
    assert len(notes) == 1 and "could not check for formulas" in notes[0]
