"""A fast, read-only .xlsx cell reader (stdlib zipfile + ElementTree), because openpyxl is too slow for CRMs.

openpyxl's read-only mode takes 15-40 s for a 100k-row export; streaming the sheet XML directly takes about
one second. Only what an import needs is read: sheet names, shared strings, which styles are dates, and the
cell values of one sheet as the text a user sees. `table_reader` falls back to openpyxl if this raises, and
a test checks that both agree on random workbooks.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO
from xml.etree import ElementTree as ET

from territory_desktop.io.importing.errors import (
    MAX_CELL_BYTES,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_UNCOMPRESSED_BYTES,
    TooBig,
)

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"

_BUILTIN_DATE_FORMATS = frozenset(range(14, 23)) | frozenset(range(27, 37)) | frozenset(range(45, 48)) | \
    frozenset(range(50, 59))
_DATE_CODE = re.compile(r"[dmyhs]", re.IGNORECASE)
_NOT_DATE_PARTS = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.|_.|\*.')


class MissingSheet(LookupError):
    """The asked-for sheet is not in the workbook; `names` lists the sheets it has."""

    def __init__(self, names: list[str]) -> None:
        super().__init__(", ".join(names))
        self.names = names


@dataclass
class SheetNotes:
    """What the cell values alone do not say: formulas Excel never calculated and merged ranges.

    `no_value` holds (sheet row, 0-based column) of formula cells without a saved result; `merged` the
    merged ranges as (first row, first column, last row, last column), rows 1-based, columns 0-based.
    Merged ranges come after the cells in the sheet, so a read with a row limit may not see them.
    """

    no_value: list[tuple[int, int]] = field(default_factory=list)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)


_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")


def parse_ref(ref: str) -> tuple[int, int] | None:
    """("D7") -> (7, 3): a cell reference as (1-based row, 0-based column); None if it is not one."""
    m = _REF.match(ref.strip().upper())
    return (int(m.group(2)), _column_index(m.group(1))) if m else None


def check_sizes(z: zipfile.ZipFile, name: str) -> None:
    """Refuse a workbook whose parts expand past MAX_UNCOMPRESSED_BYTES, from the zip directory alone."""
    total = sum(i.file_size for i in z.infolist())
    if total > MAX_UNCOMPRESSED_BYTES:
        raise TooBig(f"{name}: expands to {total:,} bytes when unzipped; at most {MAX_UNCOMPRESSED_BYTES:,} bytes "
                     "can be imported (save the sheet as CSV, or split it)")


_CHUNK = 16 * 1024  # as ET.iterparse reads: bigger chunks keep more elements alive and run 2x slower


def _iterparse(fh: IO[bytes], name: str, events: tuple[str, ...] = ("end",)) -> Iterator[tuple[str, ET.Element]]:
    """Elements as they end (or `events`), like ET.iterparse, but refusing a text that grows past MAX_CELL_BYTES.

    A text node produces no event until it ends, so a long run of bytes without one is one huge cell: it is
    refused after about MAX_CELL_BYTES, before the whole of it is held in memory.
    """
    parser = ET.XMLPullParser(events=events)
    quiet = 0
    while chunk := fh.read(_CHUNK):
        parser.feed(chunk)
        events = parser.read_events()
        first = next(events, None)
        if first is None:
            quiet += len(chunk)
            if quiet > MAX_CELL_BYTES:
                raise TooBig(f"{name}: a cell holds more than {MAX_CELL_BYTES:,} bytes of text; at most "
                             f"{MAX_CELL_BYTES:,} bytes per cell can be imported")
            continue
        quiet = 0
        yield first
        yield from events
    parser.close()
    yield from parser.read_events()


def _column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def _sheets(z: zipfile.ZipFile) -> tuple[list[tuple[str, str]], bool]:
    """[(sheet name, part path)] in workbook order, and whether dates count from 1904."""
    wb = ET.fromstring(z.read("xl/workbook.xml"))
    rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{PKG_REL}Relationship")}
    out = []
    for s in wb.iter(f"{NS}sheet"):
        target = targets.get(s.get(f"{REL}id"), "")
        path = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
        out.append((s.get("name", ""), path))
    pr = wb.find(f"{NS}workbookPr")
    date1904 = pr is not None and pr.get("date1904", "0").lower() in ("1", "true")
    return out, date1904


def workbook_sheets(path: str | Path) -> list[str]:
    """The sheet names of an .xlsx in workbook order, from its zip directory alone ([] for anything that is
    not a readable workbook: the reader then says why)."""
    try:
        with zipfile.ZipFile(path) as z:
            return [name for name, _ in _sheets(z)[0]]
    except (OSError, zipfile.BadZipFile, KeyError, ET.ParseError, ValueError):
        return []


def _shared_strings(z: zipfile.ZipFile, name: str = "") -> list[str]:
    try:
        data = z.open("xl/sharedStrings.xml")
    except KeyError:
        return []
    out: list[str] = []
    with data:
        for _, el in _iterparse(data, name):
            if el.tag == f"{NS}si":
                out.append(_text_of(el).strip())
                el.clear()
    return out


def _text_of(el: ET.Element) -> str:
    """Text of a rich string (<t> directly or in runs <r><t>), without phonetic hints (<rPh>)."""
    parts = []
    for child in el:
        if child.tag == f"{NS}t":
            parts.append(child.text or "")
        elif child.tag == f"{NS}r":
            parts.extend(t.text or "" for t in child.iter(f"{NS}t"))
    return "".join(parts)


def _date_styles(z: zipfile.ZipFile) -> set[int]:
    """Indices of the cell styles whose number format shows a date or time."""
    try:
        root = ET.fromstring(z.read("xl/styles.xml"))
    except KeyError:
        return set()
    custom = {int(f.get("numFmtId", "-1")): f.get("formatCode", "") for f in root.iter(f"{NS}numFmt")}
    dates: set[int] = set()
    xfs = root.find(f"{NS}cellXfs")
    for i, xf in enumerate(xfs if xfs is not None else []):
        fmt = int(xf.get("numFmtId", "0"))
        code = custom.get(fmt)
        if code is not None:
            if _DATE_CODE.search(_NOT_DATE_PARTS.sub("", code).split(";")[0]):
                dates.add(i)
        elif fmt in _BUILTIN_DATE_FORMATS:
            dates.add(i)
    return dates


def _number_text(v: str) -> str:
    """A stored number as the importer wants it: 2134 -> "2134", 2134.0 -> "2134", 0.1 -> "0.1"."""
    if "." not in v and "e" not in v and "E" not in v:
        return str(int(v))
    f = float(v)
    return str(int(f)) if f.is_integer() and abs(f) < 1e16 else repr(f)


def _date_text(v: str, date1904: bool) -> str:
    serial = float(v)
    base = dt.datetime(1904, 1, 1) if date1904 else dt.datetime(1899, 12, 30)
    when = base + dt.timedelta(days=serial)
    if when.microsecond < 1000 or when.microsecond > 999_000:  # float noise of a whole second
        when = (when + dt.timedelta(microseconds=500_000)).replace(microsecond=0)
    if not date1904 and 0 <= serial < 1:
        return when.time().isoformat()
    return when.date().isoformat() if when.time() == dt.time() else when.isoformat(sep=" ")


def read_xlsx_rows(path: str | Path, sheet: str | None = None, limit: int | None = None,
                   notes: SheetNotes | None = None) -> tuple[str, list[list[str]]]:
    """(sheet title, rows of cell texts) of the named or first sheet; empty rows between data are kept.

    Raises TooBig past the limits of `errors` (unzipped size, rows, columns, one cell); `notes` collects
    formula cells without a saved value and merged ranges.
    """
    name = Path(path).name
    notes = notes if notes is not None else SheetNotes()
    with zipfile.ZipFile(path) as z:
        check_sizes(z, name)
        sheets, date1904 = _sheets(z)
        if not sheets:
            raise MissingSheet([])
        names = [n for n, _ in sheets]
        if sheet is None:
            title, part = sheets[0]
        elif sheet in names:
            title, part = sheets[names.index(sheet)]
        else:
            raise MissingSheet(names)
        shared = _shared_strings(z, name)
        dates = _date_styles(z)
        rows: list[list[str]] = []
        columns: dict[str, int] = {}
        row_tag, merge_tag, dim_tag = f"{NS}row", f"{NS}mergeCell", f"{NS}dimension"
        too_long = TooBig(f"{name}: the sheet {title!r} has more than {MAX_ROWS:,} rows; at most {MAX_ROWS:,} rows "
                          "can be imported (split the file)")
        with z.open(part) as fh:
            for _, el in _iterparse(fh, name):
                if el.tag == dim_tag:  # the sheet's own extent, before its cells: refuse before reading them
                    end = parse_ref((el.get("ref") or "").rpartition(":")[2])
                    if end and end[0] > MAX_ROWS + 1:  # beyond Excel's own 1,048,576 rows: not a typo
                        raise too_long
                    continue
                if el.tag == merge_tag:
                    first, _, last = (el.get("ref") or "").partition(":")
                    a, b = parse_ref(first), parse_ref(last or first)
                    if a and b:
                        notes.merged.append((a[0], a[1], b[0], b[1]))
                    continue
                if el.tag != row_tag:
                    continue
                r = el.get("r")
                number = int(r) if r else len(rows) + 1
                if number > MAX_ROWS + 1:  # the header and MAX_ROWS data rows
                    raise too_long
                while len(rows) < number - 1:
                    rows.append([])
                rows.append(_row_cells(el, shared, dates, date1904, columns, number, notes.no_value, name))
                el.clear()
                if limit is not None and len(rows) >= limit:
                    break
    return title, rows


def scan_sheet_notes(fh: IO[bytes], name: str, notes: SheetNotes) -> None:
    """Formula cells without a saved value and merged ranges of one sheet part, whatever its namespace.

    The openpyxl fallback reads values only (read-only mode knows no merged ranges and, with data_only,
    gives a blank for a formula Excel never calculated), so this walks the sheet part once more, as the fast
    reader does while reading it: a file read either way gets the same warnings.
    """
    row, col = 0, -1
    for event, el in _iterparse(fh, name, ("start", "end")):
        tag = el.tag.rpartition("}")[2]
        if event == "start":
            if tag == "row":
                r = el.get("r")
                row, col = (int(r) if r else row + 1), -1
            elif tag == "c":
                at = parse_ref(el.get("r") or "")
                col = at[1] if at else col + 1
            continue
        if tag == "c":
            kids = {k.tag.rpartition("}")[2]: k for k in el}
            v = kids.get("v")
            if "f" in kids and (v is None or (v.text is None and el.get("t", "n") != "str")):
                notes.no_value.append((row, col))
            el.clear()
        elif tag == "row":
            el.clear()
        elif tag == "mergeCell":
            first, _, last = (el.get("ref") or "").partition(":")
            a, b = parse_ref(first), parse_ref(last or first)
            if a and b:
                notes.merged.append((a[0], a[1], b[0], b[1]))


def _row_cells(row: ET.Element, shared: list[str], dates: set[int], date1904: bool,
               columns: dict[str, int], number: int = 0, no_value: list[tuple[int, int]] | None = None,
               name: str = "") -> list[str]:
    cells: list[str] = []
    v_tag, is_tag, f_tag = f"{NS}v", f"{NS}is", f"{NS}f"
    for c in row:
        ref = c.get("r")
        if ref:
            letters = ref.rstrip("0123456789")
            col = columns.get(letters)
            if col is None:
                col = columns[letters] = _column_index(letters)
        else:
            col = len(cells)
        t = c.get("t", "n")
        if t == "inlineStr":
            is_el = c.find(is_tag)
            text = _text_of(is_el).strip() if is_el is not None else ""
        else:
            v_el = c.find(v_tag)
            v = v_el.text if v_el is not None else None
            if v is None:
                text = ""
                # a formula Excel never calculated (a generated file): its value is not in the file at all;
                # an empty saved text result (t="str" with <v/>) is a real blank
                if no_value is not None and (v_el is None or t != "str") and c.find(f_tag) is not None:
                    no_value.append((number, col))
            elif t == "s":
                text = shared[int(v)]
            elif t == "n":
                s = c.get("s")
                text = _date_text(v, date1904) if s is not None and int(s) in dates else _number_text(v)
            elif t == "b":
                text = "TRUE" if v.strip() in ("1", "true") else "FALSE"
            elif t == "str":
                text = v.strip()
            elif t == "d":
                text = v[:10] if v.endswith("T00:00:00") or len(v) == 10 else v.replace("T", " ")
            else:
                text = v
        if col >= MAX_COLUMNS and text:
            raise TooBig(f"{name}: row {number} has a value in column {col + 1:,}; at most {MAX_COLUMNS:,} "
                         "columns can be imported")
        if col == len(cells):
            cells.append(text)
        elif col > len(cells):
            cells.extend([""] * (col - len(cells)))
            cells.append(text)
        else:
            cells[col] = text
    return cells
