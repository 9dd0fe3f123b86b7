"""Bad files an import must survive and say so (issue 19, items 1, 4, 9, 10): mixed encodings, Excel formulas
without a saved value and merged cells, size limits, report footers, NUL bytes, duplicate headers."""

from __future__ import annotations

import zipfile

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from territory_desktop.io.importing import table_reader, xlsx_reader
from territory_desktop.io.importing.importer import ImportFailed, import_plan
from territory_desktop.io.importing.table_reader import read_table

HEADER = "Account ID,Account Name,Billing City,Billing State/Province,Billing Zip/Postal Code\n"


def _names(result) -> list[str]:
    return result.plan.accounts["name"].tolist()


# ----- 1. mixed encodings -----------------------------------------------------------------------------------
@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_mixed_utf8_and_cp1252_lines_are_each_read_as_written(tmp_path, bom):
    rows = []
    cp_rows = {4, 9, 12}  # spreadsheet rows (header = 1)
    for row in range(2, 15):
        name = f"Müller Café {row}"
        line = f"A{row},{name},Boston,MA,02134\n"
        rows.append(line.encode("cp1252" if row in cp_rows else "utf-8"))
    p = tmp_path / "pasted.csv"
    p.write_bytes(bom + HEADER.encode() + b"".join(rows))
    r = import_plan(p)
    assert _names(r) == [f"Müller Café {row}" for row in range(2, 15)]
    assert not any("Ã" in n or "\ufffd" in n for n in _names(r))
    notes = [w for w in r.warnings if "Windows-1252" in w.reason]
    assert len(notes) == 1
    assert "rows 4, 9, 12 (3 rows) are in Windows-1252, the rest UTF-8" in notes[0].reason


def test_a_plain_cp1252_file_gets_no_encoding_warning(tmp_path):
    p = tmp_path / "cp.csv"
    p.write_bytes((HEADER + "A1,Müller Café,Boston,MA,02134\nA2,Zoë,Boston,MA,02134\n").encode("cp1252"))
    r = import_plan(p)
    assert _names(r) == ["Müller Café", "Zoë"]
    assert not [w for w in r.warnings if "Windows-1252" in w.reason]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(encs=st.lists(st.sampled_from(["utf-8", "cp1252"]), min_size=1, max_size=12),
       names=st.lists(st.sampled_from(["Müller", "Café", "Straße", "Zoë €5", "Ñandú", "plain"]),
                      min_size=12, max_size=12))
def test_random_encodings_per_line_read_back(tmp_path, encs, names):
    body = b"".join(f"A{i},{names[i]} {i}\n".encode(e) for i, e in enumerate(encs))
    p = tmp_path / "random.csv"
    p.write_bytes(b"Account ID,Account Name\n" + body)
    df = read_table(p)
    assert df["Account Name"].tolist() == [f"{names[i]} {i}" for i in range(len(encs))]


# ----- 2. Excel formulas without a saved value, merged cells ------------------------------------------------
def _book(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(["Account Owner", "Account ID", "Account Name", "Annual Revenue"])
    ws.append(["Ann Lee", "A1", "Acme", 100])
    ws.append([None, "A2", "Beta", 200])
    ws.append([None, "A3", "Gamma", 300])
    ws.append(["Bob Ray", "A4", "Delta", 400])
    ws.append([None, "A5", "Eps", 500])
    ws.append(["Bob Ray", "A6", "Zeta", "=SUM(D2:D3)"])  # openpyxl saves formulas without a cached value
    ws.merge_cells("A2:A4")
    ws.merge_cells("A5:A6")
    p = tmp_path / "grouped.xlsx"
    wb.save(p)
    return p


def test_excel_formula_without_saved_value_is_reported_by_cell(tmp_path):
    r = import_plan(_book(tmp_path))
    hits = [w for w in r.warnings if "Sheet1!D7" in w.reason]
    assert len(hits) == 1 and "formula with no saved value" in hits[0].reason
    assert hits[0].row == 7


def _rewrite_sheet(p, change) -> None:
    with zipfile.ZipFile(p) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["xl/worksheets/sheet1.xml"] = change(parts["xl/worksheets/sheet1.xml"].decode()).encode()
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in parts.items():
            z.writestr(n, data)


def test_excel_formula_with_saved_value_uses_it(tmp_path):
    q = _book(tmp_path)
    _rewrite_sheet(q, lambda xml: xml.replace("<f>SUM(D2:D3)</f><v />", "<f>SUM(D2:D3)</f><v>300</v>"))
    r = import_plan(q)
    acc = r.plan.accounts.set_index("account_id")
    assert acc.loc["A6", "revenue"] == 300
    assert not [w for w in r.warnings if "formula" in w.reason]


def test_excel_merged_label_spanning_rows_fills_down_and_is_reported(tmp_path):
    p = _book(tmp_path)
    df = read_table(p)
    assert df["Account Owner"].tolist() == ["Ann Lee"] * 3 + ["Bob Ray"] * 3
    r = import_plan(p)
    merged = [w for w in r.warnings if "merged" in w.reason]
    assert any("Sheet1!A2:A4" in w.reason for w in merged)
    assert any("Sheet1!A5:A6" in w.reason for w in merged)


def test_excel_merged_cells_across_columns_are_reported_not_copied(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Account ID", "Account Name", "Notes", "Annual Revenue"])
    ws.append(["A1", "Acme", "wide note", None])
    ws.merge_cells("C2:D2")
    p = tmp_path / "wide.xlsx"
    wb.save(p)
    df = read_table(p)
    assert df.iloc[0]["Annual Revenue"] == ""
    r = import_plan(p)
    assert any("Sheet!C2:D2" in w.reason and "merged" in w.reason for w in r.warnings)


# ----- 3. size limits ---------------------------------------------------------------------------------------
def test_too_many_csv_columns_are_refused_naming_the_limit(tmp_path):
    p = tmp_path / "wide.csv"
    n = table_reader.MAX_COLUMNS + 1
    p.write_text(",".join(f"c{i}" for i in range(n)) + "\n" + ",".join("x" * n) + "\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match=r"2,000 columns"):
        read_table(p)


def test_too_many_csv_cells_in_a_row_are_refused(tmp_path):
    p = tmp_path / "ragged.csv"
    p.write_text("Account ID,Account Name\nA1,Acme\n" + ",".join("x" * 2500) + "\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match=r"2,000 columns"):
        read_table(p)


def test_too_many_rows_are_refused_naming_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(table_reader, "MAX_ROWS", 50)
    p = tmp_path / "long.csv"
    p.write_text("Account ID,Account Name\n" + "".join(f"A{i},N{i}\n" for i in range(51)), encoding="utf-8")
    with pytest.raises(ImportFailed, match=r"more than 50 rows"):
        read_table(p)
    q = tmp_path / "ok.csv"
    q.write_text("Account ID,Account Name\n" + "".join(f"A{i},N{i}\n" for i in range(50)), encoding="utf-8")
    assert len(read_table(q)) == 50


def test_too_many_xlsx_rows_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx_reader, "MAX_ROWS", 20)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Account ID", "Account Name"])
    for i in range(30):
        ws.append([f"A{i}", f"N{i}"])
    p = tmp_path / "long.xlsx"
    wb.save(p)
    with pytest.raises(ImportFailed, match=r"more than 20 rows"):
        read_table(p)


def test_an_xlsx_claiming_more_rows_than_the_limit_is_refused_before_its_cells(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx_reader, "_row_cells", None)  # refused from <dimension>, no row is read
    wb = openpyxl.Workbook()
    wb.active.append(["Account ID", "Account Name"])
    wb.active.append(["A1", "Acme"])
    p = tmp_path / "claims.xlsx"
    wb.save(p)
    _rewrite_sheet(p, lambda xml: xml.replace('<dimension ref="A1:B2"', '<dimension ref="A1:B3000000"'))
    with pytest.raises(ImportFailed, match=r"more than 2,000,000 rows"):
        read_table(p)


def test_a_huge_csv_cell_is_refused_naming_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(table_reader, "MAX_CELL_BYTES", 1000)
    p = tmp_path / "cell.csv"
    p.write_text("Account ID,Account Name\nA1,Acme\nA2," + "x" * 5000 + "\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match=r"1,000 bytes"):
        read_table(p)


def test_a_huge_xlsx_cell_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx_reader, "MAX_CELL_BYTES", 100_000)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Account ID", "Account Name"])
    ws.append(["A1", "BIGCELL"])  # Excel (and openpyxl) stop at 32,767 characters: a crafted file does not
    p = tmp_path / "cell.xlsx"
    wb.save(p)
    _rewrite_sheet(p, lambda xml: xml.replace("BIGCELL", "x" * 400_000))
    with pytest.raises(ImportFailed, match=r"100,000 bytes"):
        read_table(p)


def test_an_xlsx_whose_sheet_expands_too_far_is_refused_from_the_zip_sizes(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx_reader, "MAX_UNCOMPRESSED_BYTES", 10_000)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Account ID", "Account Name"])
    for i in range(2000):
        ws.append([f"A{i}", "same name"])
    p = tmp_path / "bomb.xlsx"
    wb.save(p)
    with pytest.raises(ImportFailed, match=r"10,000 bytes"):
        read_table(p)


# ----- 4. footers, NUL bytes, duplicate headers, dates in a ZIP column --------------------------------------
def test_unquoted_salesforce_footer_is_not_an_account(tmp_path):
    p = tmp_path / "report.csv"
    p.write_text(HEADER + "A1,Acme,Boston,MA,02134\nA2,Beta,Boston,MA,02134\n\n"
                 "Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved.\n"
                 "Confidential Information - Do Not Distribute\n", encoding="utf-8")
    r = import_plan(p)
    assert r.plan.accounts["account_id"].tolist() == ["A1", "A2"]
    assert [p.row for p in r.skipped if "footer" in p.reason] == [5, 6] and not r.errors


def test_a_last_account_whose_name_sounds_like_a_footer_is_kept(tmp_path):
    p = tmp_path / "names.csv"
    p.write_text(HEADER + "A1,Acme,Boston,MA,02134\nA2,Confidential Data Inc,,,\n", encoding="utf-8")
    assert import_plan(p).plan.accounts["account_id"].tolist() == ["A1", "A2"]


def test_one_nul_byte_names_its_row_and_the_file_still_imports(tmp_path):
    p = tmp_path / "nul.csv"
    p.write_bytes((HEADER + "A1,Acme,Boston,MA,02134\nA2,Be\x00ta,Boston,MA,02134\n").encode())
    r = import_plan(p)
    assert _names(r) == ["Acme", "Beta"]
    hits = [w for w in r.warnings if "NUL" in w.reason]
    assert len(hits) == 1 and hits[0].row == 3


def test_a_binary_file_is_still_refused(tmp_path):
    p = tmp_path / "bin.csv"
    p.write_bytes(b"Account ID,Name\n" + bytes(range(256)) * 40)
    with pytest.raises(ImportFailed, match="binary"):
        read_table(p)


@pytest.mark.parametrize("ctrl", ["\x01", "\x1b", "\x7f"])
def test_one_control_byte_names_its_row_and_column_and_the_file_still_imports(tmp_path, ctrl):
    """A small file with one stray control byte was refused as binary, while a NUL there was named by row."""
    p = tmp_path / "c1.csv"
    p.write_bytes(f"Account ID,Account Name,Account Owner\nA1,X{ctrl}Y,Ann\nA2,Y,Bob\n".encode())
    r = import_plan(p)
    assert _names(r) == ["XY", "Y"]  # dropped: invisible in a spreadsheet, and XLSX cannot hold it
    hits = [w for w in r.warnings if "control character" in w.reason]
    assert len(hits) == 1, r.warnings
    assert (hits[0].row, hits[0].column, hits[0].value) == (2, "Account Name", f"X\\x{ord(ctrl):02x}Y")
    assert "dropped" in hits[0].reason and "'XY'" in hits[0].reason


def test_control_bytes_in_a_cp1252_file_and_in_the_header_are_named_by_cell(tmp_path):
    p = tmp_path / "c2.csv"
    rows = "".join(f"A{i},Caf\xe9 {i},Ann\n" for i in range(2, 40))
    p.write_bytes(("Account ID,Account\x1b Name,Account Owner\n" + rows + "A40,Z\x02,Bob\n").encode("cp1252"))
    r = import_plan(p)
    assert _names(r)[-1] == "Z" and _names(r)[0] == "Caf\xe9 2"
    hits = sorted((w.row, w.column) for w in r.warnings if "control character" in w.reason)
    assert hits == [(1, "Account Name"), (40, "Account Name")]


def test_many_rows_with_control_bytes_are_summarised(tmp_path):
    p = tmp_path / "many.csv"
    p.write_bytes(("Account ID,Account Name,Account Owner,Notes\n" + "".join(
        f"A{i},N{i},Ann,{'x' * 2000}\x01\n" for i in range(60))).encode())
    r = import_plan(p)
    hits = [w for w in r.warnings if "control character" in w.reason]
    summary = [h for h in hits if h.row is None]
    assert len(hits) == 21 and len(summary) == 1, [h.reason for h in hits]
    assert summary[0].reason.startswith("40 more cells held control characters (rows 22, 23, 24,")
    assert r.plan.n_accounts == 60


def _png() -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


@pytest.mark.parametrize("content", [_png(), b"Account ID,Name\n" + bytes(range(1, 32)) * 3,
                                     b"\x1f\x8b\x08\x00" + bytes(range(40, 120)),
                                     b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"],
                         ids=["png", "mostly-control", "gzip", "pdf"])
def test_truly_binary_files_are_refused(tmp_path, content):
    p = tmp_path / "x.csv"
    p.write_bytes(content)
    with pytest.raises(ImportFailed, match="binary|not a text table"):
        read_table(p)


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path):
    p = tmp_path / "notes.csv"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("readme.txt", "Account ID,Name\nA1,Acme\n")
    with pytest.raises(ImportFailed, match="not a readable Excel workbook"):
        read_table(p)


def test_duplicate_headers_are_warned_about(tmp_path):
    p = tmp_path / "dup.csv"
    p.write_text("Account ID,Account Name,Account Name\nA1,Acme,Other\n", encoding="utf-8")
    r = import_plan(p)
    hits = [w for w in r.warnings if "twice" in w.reason or "times" in w.reason]
    assert len(hits) == 1 and "'Account Name (2)'" in hits[0].reason


def test_dates_in_a_zip_column_are_warned_about(tmp_path):
    p = tmp_path / "zipdates.csv"
    p.write_text(HEADER + "A1,Acme,Boston,MA,2024-01-15\nA2,Beta,Boston,MA,02134\nA3,Gamma,,,3/4/2021\n",
                 encoding="utf-8")
    r = import_plan(p)
    hits = [w for w in r.warnings if "date" in w.reason and w.column == "Billing Zip/Postal Code"]
    assert sorted(w.row for w in hits) == [2, 4]
