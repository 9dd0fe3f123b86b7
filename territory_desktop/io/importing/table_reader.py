"""Reading a CRM export (CSV in any common encoding and delimiter, or .xlsx) as a table of strings.

Every cell is read as text first: a ZIP code "02134" must not become the number 2134 before the importer has
seen it, and a cell that will not parse must be reported with what the user typed. Blank cells are "".
Rows keep their place: blank lines in the middle of a file stay as empty rows (the importer reports them),
so row numbers match what a spreadsheet shows; only blank rows after the last data row are dropped.
What the reader had to decide is not lost: `df.attrs["read_problems"]` lists warnings (rows read as
Windows-1252 among UTF-8 ones, NUL and other control bytes dropped, Excel formulas without a saved value, merged cells, repeated
headers) that the importer puts in its report. Past the limits in `errors` (rows, columns, cell size, unzipped
size) a file is refused with a message naming the limit, as early as the format allows.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from territory_desktop.core.wording import agree
from territory_desktop.io.importing.columns import guess_mapping
from territory_desktop.io.importing.errors import MAX_CELL_BYTES, MAX_COLUMNS, MAX_ROWS, ImportFailed, TooBig
from territory_desktop.io.importing.problems import WARNING, ImportProblem
from territory_desktop.io.importing.text_decoding import (
    ROWS_NAMED,
    Note,
    control_cells,
    decode_bytes,
    decode_text,
    text_notes,
)
from territory_desktop.io.importing.xlsx_reader import (
    MissingSheet,
    SheetNotes,
    read_xlsx_rows,
    scan_sheet_notes,
)

__all__ = ["MAX_CELL_BYTES", "MAX_COLUMNS", "MAX_ROWS", "read_table", "decode_bytes", "sniff_delimiter",
           "column_letter"]

_DELIMITERS = (",", ";", "\t", "|")
_SNIFF_LINES = 60
# the csv module refuses cells past 128 KB by default: let every cell up to the import's own limit through
csv.field_size_limit(max(csv.field_size_limit(), 4 * MAX_CELL_BYTES))


def read_table(path: str | Path, sheet: str | None = None, nrows: int | None = None,
               find_header: bool = True) -> pd.DataFrame:
    """The file as a DataFrame of strings ("" for blanks), header from the first row; raise ImportFailed.

    `sheet` picks an Excel sheet by name (default: the first); `nrows` limits the data rows (for previews).
    With `find_header`, title rows above the header of a formatted report are skipped when the first row
    names no account id or name column but a later one does; `df.attrs["header_row"]` is then the header's
    1-based row (so problems still name the rows a spreadsheet shows).
    """
    p = Path(path)
    notes: list[Note] = []
    try:
        with p.open("rb") as fh:
            head = fh.read(8)
    except FileNotFoundError:
        raise ImportFailed(f"{p.name}: file not found ({p})") from None
    except IsADirectoryError:
        raise ImportFailed(f"{p.name}: is a folder, not a file") from None
    except OSError as exc:
        raise ImportFailed(f"{p.name}: cannot be opened ({exc.strerror or exc})") from None
    if head.startswith(b"PK\x03\x04"):
        df = _read_xlsx(p, sheet, nrows, notes)
    elif head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFailed(f"{p.name}: is an old-style Excel .xls file; save it as .xlsx or CSV and import that")
    else:
        if sheet is not None and p.suffix.lower() in (".csv", ".txt", ".tsv"):
            raise ImportFailed(f"{p.name}: is a text file, it has no sheet {sheet!r}")
        df = _read_text(p, nrows, notes)
    df = _finish(df, p.name)
    if nrows is None and len(df) > MAX_ROWS:
        raise TooBig(f"{p.name}: has more than {MAX_ROWS:,} rows; at most {MAX_ROWS:,} rows can be imported "
                     "(split the file)")
    if find_header:
        df = _skip_title_rows(df, p.name)
    df.attrs["read_problems"] = _problems(df, p.name, notes)
    df.attrs.pop("given_headers", None)
    df.attrs.pop("all_text", None)
    return df


def _problems(df: pd.DataFrame, name: str, notes: list[Note]) -> list[ImportProblem]:
    """The reader's notes as warnings (columns named by their header), and one per repeated header."""
    columns = list(df.columns)
    out = [ImportProblem(name, row, columns[col] if col is not None and col < len(columns) else None, value,
                         reason, WARNING) for row, col, value, reason in notes]
    header_row = int(df.attrs.get("header_row", 1))
    renamed: dict[str, list[int]] = {}
    for i, (given, used) in enumerate(zip(df.attrs.get("given_headers", []), columns, strict=False)):
        if given and given != used and used.startswith(given + " ("):
            renamed.setdefault(given, []).append(i)
    for given, cols in renamed.items():
        first = next((i for i, g in enumerate(df.attrs["given_headers"]) if g.casefold() == given.casefold()),
                     cols[0])
        n = len(cols) + 1
        times = "twice" if n == 2 else f"{n} times"
        shown = ", ".join(repr(columns[i]) for i in cols)
        letters = ", ".join(column_letter(i) for i in [first, *cols])
        out.append(ImportProblem(name, header_row, columns[cols[0]], given,
                                 f"the header {given!r} appears {times} (columns {letters}): the first is "
                                 f"{given!r}, the others are read as {shown}; check which one is meant",
                                 WARNING))
    return out


LINE_SCAN_CHUNK = 16 * 1024 * 1024
"""_longest_line looks at this many bytes at a time (a mask of the whole file would be as big as the file)."""


def _longest_line(data: bytes) -> int:
    """Bytes in the longest line (a cheap bound on the longest unquoted cell)."""
    buf = np.frombuffer(data, dtype=np.uint8)
    longest, start = 0, 0  # start: where the current line began
    for at in range(0, len(buf), LINE_SCAN_CHUNK):
        ends = np.flatnonzero(buf[at:at + LINE_SCAN_CHUNK] == 10) + at
        if len(ends):
            longest = max(longest, int(ends[0]) + 1 - start, int(np.diff(ends).max(initial=0)))
            start = int(ends[-1]) + 1
    return max(longest, len(buf) - start)


def _check_cells(df: pd.DataFrame, name: str) -> None:
    """Refuse a cell past MAX_CELL_BYTES (only called when some line is that long)."""
    for j, col in enumerate(df.columns):
        cells = df[col].astype(str)
        for i in np.flatnonzero((cells.str.len() > MAX_CELL_BYTES // 4).to_numpy()).tolist():
            size = len(cells.iloc[i].encode("utf-8", errors="replace"))
            if size > MAX_CELL_BYTES:
                raise TooBig(f"{name}: row {i + 2:,}, column {column_letter(j)} holds {size:,} bytes; at most "
                             f"{MAX_CELL_BYTES:,} bytes per cell can be imported")


HEAD_CHARS = 1024 * 1024
"""The delimiter and the header are found in the file's first MB (whole lines), not in a copy of all of it."""


def _head(text: str) -> str:
    """The first HEAD_CHARS of the text cut after a line end (all of it when shorter or one long line)."""
    if len(text) <= HEAD_CHARS:
        return text
    end = text.rfind("\n", 0, HEAD_CHARS)
    return text if end < 0 else text[:end + 1]


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the most consistent number (>1) of cells."""
    lines = [ln for ln in _head(text).splitlines()[:_SNIFF_LINES] if ln.strip()]
    best, best_score = ",", (0.0, 0)
    for d in _DELIMITERS:
        try:
            counts = [len(r) for r in csv.reader(lines, delimiter=d)]
        except csv.Error:
            continue
        if not counts:
            continue
        mode = max(set(counts), key=counts.count)
        if mode < 2:
            continue
        score = (counts.count(mode) / len(counts), mode)
        if score > best_score:
            best, best_score = d, score
    return best


PREVIEW_BYTES = 4 * 1024 * 1024
"""A preview (nrows given) reads at most this much of a big CSV, cut at a line end, so the dialog opens fast."""


_NOT_BLANK_BYTES = re.compile(rb"[^ \t\n\r\x0b\x0c]")
"""What `bytes.strip()` keeps: anything but ASCII whitespace."""
_NOT_BLANK_TEXT = re.compile(r"\S")


def _read_text(p: Path, nrows: int | None, notes: list[Note]) -> pd.DataFrame:
    try:
        with p.open("rb") as fh:
            data = fh.read(PREVIEW_BYTES + 1) if nrows is not None else fh.read()
        if nrows is not None and len(data) > PREVIEW_BYTES:
            if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16: a byte cut could split a character
                data = p.read_bytes()
            elif b"\n" in data[:PREVIEW_BYTES]:
                data = data[:data.rindex(b"\n", 0, PREVIEW_BYTES) + 1]
    except OSError as exc:
        raise ImportFailed(f"{p.name}: cannot be read ({exc.strerror or exc})") from None
    # emptiness by the first non-blank character: `.strip()` would copy the whole file twice (~1.3 s at 1M rows)
    if _NOT_BLANK_BYTES.search(data) is None:
        raise ImportFailed(f"{p.name}: the file is empty")
    dec = decode_text(data, p.name)
    text = dec.text
    if _NOT_BLANK_TEXT.search(text) is None:
        raise ImportFailed(f"{p.name}: the file is empty")
    long_lines = _longest_line(data) > MAX_CELL_BYTES
    hint = re.match(r"\s*sep=(.)[ \t]*\r?\n", text)
    if hint:  # Excel's "sep=;" first line: it names the delimiter and Excel does not show it as a row
        delimiter, text = hint.group(1), text[hint.end():]
    else:
        delimiter = sniff_delimiter(text)
    notes += text_notes(dec, dec.text[:hint.end()].count("\n") if hint else 0)
    controls = dec.controls
    if not (dec.cp1252 or dec.nul or data.startswith((b"\xff\xfe", b"\xfe\xff"))):
        # all of it UTF-8 as written: pandas reads the bytes themselves (it would encode the text back to UTF-8
        # anyway), so the decoded text and its StringIO copy (4 bytes a character) can be let go first
        skip = (3 if data.startswith(b"\xef\xbb\xbf") else 0) + (len(hint.group(0).encode("utf-8")) if hint else 0)
        header = _head(text)
        del text, dec
        df = _parse_text(header, delimiter, nrows, p.name, data if not skip else data[skip:])
    else:
        df = _parse_text(text, delimiter, nrows, p.name)
    if long_lines:
        _check_cells(df, p.name)
    if controls:  # rare: a stray \x01 or ESC, named by its cell (the common file pays nothing)
        notes += control_cells(df)
    return df


def _parse_text(text: str, delimiter: str, nrows: int | None, name: str, utf8: bytes | None = None) -> pd.DataFrame:
    """The table in `text`; or, when `utf8` is given, in those bytes (valid UTF-8, the same table as text),
    with `text` then only the first lines (enough for the header)."""
    try:
        header_cells = next(csv.reader(io.StringIO(_head(text)), delimiter=delimiter), [])
    except csv.Error:
        header_cells = []
    if len(header_cells) > MAX_COLUMNS:
        raise TooBig(f"{name}: has {len(header_cells):,} columns; at most {MAX_COLUMNS:,} columns can be "
                     "imported")
    limit = nrows if nrows is not None else MAX_ROWS + 1
    try:
        with warnings.catch_warnings():
            # pandas only warns when a row has more cells than the header, and drops them: take the slow path
            warnings.simplefilter("error", pd.errors.ParserWarning)
            source = io.StringIO(text) if utf8 is None else io.BytesIO(utf8)
            df = pd.read_csv(source, sep=delimiter, dtype=str, keep_default_na=False, na_filter=False,
                             skip_blank_lines=False, nrows=limit, engine="c", header=0, quotechar='"',
                             index_col=False, encoding="utf-8")
        if len(header_cells) != len(df.columns):
            raise ValueError("header and columns disagree")
        df.columns = header_cells
        df.attrs["all_text"] = True  # every cell a str already ("" for a blank): `_finish` need not fill
        return df
    except (pd.errors.ParserError, pd.errors.ParserWarning, ValueError, csv.Error, UnicodeError, IndexError):
        return _read_ragged(text if utf8 is None else utf8.decode("utf-8"), delimiter, limit, name)


def _read_ragged(text: str, delimiter: str, limit: int, name: str) -> pd.DataFrame:
    """Slow path for rows with more cells than the header: extra cells get their own "Column N" columns."""
    rows: list[list[str]] = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False):
            if len(row) > MAX_COLUMNS:
                raise TooBig(f"{name}: row {len(rows) + 1:,} has {len(row):,} cells; at most {MAX_COLUMNS:,} "
                             "columns can be imported")
            rows.append(row)
            if len(rows) > limit:
                break
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise TooBig(f"{name}: row {len(rows) + 1:,} holds a cell past the limit; at most "
                         f"{MAX_CELL_BYTES:,} bytes per cell can be imported") from None
        raise ImportFailed(f"{name}: is not a readable table ({exc})") from None
    if not rows:
        raise ImportFailed(f"{name}: the file is empty")
    header, body = rows[0], rows[1:limit + 1]
    width = max([len(header)] + [len(r) for r in body])
    header = header + [""] * (width - len(header))
    body = [r + [""] * (width - len(r)) for r in body]
    return pd.DataFrame(body, columns=range(width), dtype=str).set_axis(header, axis=1)


# ----- Excel --------------------------------------------------------------------------------------------
def _cell_text(v: object) -> str:
    """An Excel cell as the text a user sees: 2134 -> "2134", 1234.5 -> "1234.5", dates as ISO dates."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e16 else repr(v)
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    if isinstance(v, dt.date | dt.time):
        return v.isoformat()
    return str(v).strip() if isinstance(v, str) else str(v)


def _read_xlsx(p: Path, sheet: str | None, nrows: int | None, notes: list[Note]) -> pd.DataFrame:
    """The fast stdlib reader first; openpyxl if it meets anything it does not understand."""
    limit = None if nrows is None else nrows + 1
    found = SheetNotes()
    try:
        title, rows = read_xlsx_rows(p, sheet, limit, found)
        notes += _sheet_notes(title, rows, found)
    except ImportFailed:  # past a size limit: openpyxl must not try either
        raise
    except MissingSheet as exc:
        if not exc.names:
            raise ImportFailed(f"{p.name}: the workbook has no sheets") from None
        raise ImportFailed(f"{p.name}: has no sheet {sheet!r}; its sheets are "
                           f"{', '.join(map(repr, exc.names))}") from None
    except Exception:  # anything unexpected: let openpyxl have a go (and word the failure)
        found = SheetNotes()
        title, rows = _read_xlsx_openpyxl(p, sheet, limit, found, notes)
        notes += _sheet_notes(title, rows, found)
    return _rows_frame(rows, title, p.name)


def _sheet_notes(title: str, rows: list[list[str]], found: SheetNotes) -> list[Note]:
    """Formulas without a saved value and merged ranges, by cell; a label merged down rows is filled in.

    CRM reports merge a group's label (an owner, an account) down the rows it covers and keep the value in
    the top-left cell only: each row of the range gets it in the range's first column. A range across
    columns keeps its value in the first column only (copying a title or a note sideways would invent data).
    """
    notes: list[Note] = []

    def ref(row: int, col: int) -> str:
        return f"{column_letter(col)}{row}"

    for n, (row, col) in enumerate(found.no_value):
        if n == ROWS_NAMED:
            rest = len(found.no_value) - n
            notes.append((None, None, "", f"{title}: {rest:,} more formula {agree(rest, 'cell')} with no "
                          f"saved value {agree(rest, 'is', 'are')} read as blank — open and save the file in "
                          "Excel"))
            break
        notes.append((row, col, "", f"{title}!{ref(row, col)}: a formula with no saved value — open and save the "
                      "file in Excel, or type the value (read as blank)"))
    reported = 0
    for r1, c1, r2, c2 in found.merged:
        top = rows[r1 - 1] if 0 < r1 <= len(rows) else []
        value = top[c1] if c1 < len(top) else ""
        if not value or (r1 == r2 and c1 == c2):
            continue
        span = f"{title}!{ref(r1, c1)}:{ref(r2, c2)}"
        if r2 > r1:
            for r in range(r1 + 1, min(r2, len(rows)) + 1):
                cells = rows[r - 1]
                if len(cells) <= c1:
                    cells.extend([""] * (c1 + 1 - len(cells)))
                if not cells[c1]:
                    cells[c1] = value
            what = f"{value!r} of {ref(r1, c1)} is used for each of rows {r1}-{r2}"
            if c2 > c1:
                what += f" in column {column_letter(c1)}; {column_letter(c1 + 1)}-{column_letter(c2)} are blank"
        else:
            what = f"only {ref(r1, c1)} holds the value {value!r}; {ref(r1, c1 + 1)}:{ref(r2, c2)} read as blank"
        reported += 1
        if reported <= ROWS_NAMED:
            notes.append((r1, c1, value, f"{span}: merged cells; {what}"))
    if reported > ROWS_NAMED:
        notes.append((None, None, "", f"{title}: {reported - ROWS_NAMED:,} more merged ranges, read the same way"))
    return notes


def _read_xlsx_openpyxl(p: Path, sheet: str | None, limit: int | None, found: SheetNotes | None = None,
                        notes: list[Note] | None = None) -> tuple[str, list[list[str]]]:
    """The sheet's cell texts by openpyxl; with `found`, its formulas without a saved value and merged ranges
    too (by `scan_sheet_notes`), or, if even that scan fails, one note in `notes` saying they were not checked."""
    import openpyxl

    try:
        wb = openpyxl.load_workbook(p, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds on corrupt parts; all mean "unreadable"
        raise ImportFailed(f"{p.name}: is not a readable Excel workbook ({type(exc).__name__}: {exc})") from None
    try:
        names = wb.sheetnames
        if not names:
            raise ImportFailed(f"{p.name}: the workbook has no sheets")
        if sheet is None:
            ws = wb[names[0]]
        elif sheet in names:
            ws = wb[sheet]
        else:
            raise ImportFailed(f"{p.name}: has no sheet {sheet!r}; its sheets are {', '.join(map(repr, names))}")
        rows: list[list[str]] = []
        for values in ws.iter_rows(values_only=True):
            rows.append([_cell_text(v) for v in values])
            if limit is not None and len(rows) >= limit:
                break
            if len(rows) > MAX_ROWS + 1:
                raise TooBig(f"{p.name}: the sheet {ws.title!r} has more than {MAX_ROWS:,} rows; at most "
                             f"{MAX_ROWS:,} rows can be imported (split the file)")
        if found is not None and limit is None:  # a preview stops early, as the fast reader does
            _scan_openpyxl_sheet(ws, p.name, found, notes if notes is not None else [])
        return ws.title, rows
    except ImportFailed:
        raise
    except Exception as exc:  # a corrupt sheet part surfaces only while iterating
        raise ImportFailed(f"{p.name}: is not a readable Excel workbook ({type(exc).__name__}: {exc})") from None
    finally:
        wb.close()


def _scan_openpyxl_sheet(ws: object, name: str, found: SheetNotes, notes: list[Note]) -> None:
    """The fallback's notes from the sheet part openpyxl found (its read-only sheet streams the part)."""
    try:
        with ws._get_source() as fh:  # type: ignore[attr-defined]
            scan_sheet_notes(fh, name, found)
    except TooBig:
        raise
    except Exception:  # noqa: BLE001 - the values were read; say what could not be checked rather than fail
        found.no_value.clear()
        found.merged.clear()
        notes.append((None, None, "", f"{getattr(ws, 'title', 'the sheet')}: read by the fallback Excel reader, "
                      "which could not check for formulas without a saved value or merged cells: blanks may be "
                      "such cells (open and save the file in Excel, or save it as CSV)"))


def _rows_frame(rows: list[list[str]], title: str, name: str) -> pd.DataFrame:
    """Rows of a sheet as a frame: trailing empty rows and formatted-but-empty columns dropped."""
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows:
        raise ImportFailed(f"{name}: the sheet {title!r} is empty")
    width = max(len(r) for r in rows)
    while width > 0 and not any(len(r) >= width and r[width - 1] for r in rows):
        width -= 1
    if width == 0:
        raise ImportFailed(f"{name}: the sheet {title!r} is empty")
    if width > MAX_COLUMNS:
        raise TooBig(f"{name}: has {width:,} columns; at most {MAX_COLUMNS:,} columns can be imported")
    rows = [(r + [""] * (width - len(r)))[:width] for r in rows]
    return pd.DataFrame(rows[1:], columns=range(width), dtype=str).set_axis(rows[0], axis=1)


# ----- common clean-up -------------------------------------------------------------------------------------
def column_letter(i: int) -> str:
    """Spreadsheet column letter of the 0-based column i (0 -> "A", 26 -> "AA")."""
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def _finish(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """Unique, trimmed, non-empty headers; str cells; no trailing empty rows."""
    headers: list[str] = []
    given: list[str] = []
    seen: dict[str, int] = {}
    for i, h in enumerate(df.columns):
        h = "" if h is None else str(h).strip().lstrip("\ufeff")
        given.append(h)
        if not h or h.startswith("Unnamed: "):
            h = f"Column {column_letter(i)}"
        base, n = h, seen.get(h.casefold(), 0)
        while h.casefold() in seen:
            n += 1
            h = f"{base} ({n + 1})"
        seen[base.casefold()] = n
        seen[h.casefold()] = 0
        headers.append(h)
    df = df.set_axis(headers, axis=1)
    if len(df.columns) == 0:
        raise ImportFailed(f"{name}: the file has no columns")
    if not df.attrs.get("all_text"):  # read_csv's own frame (na_filter off, dtype str) holds no NaN to fill:
        df = df.fillna("").astype(str)  # the two passes cost ~0.35 s of an import at 1M rows for nothing
    last = len(df)
    while last and not any(str(c).strip() for c in df.iloc[last - 1].tolist()):
        last -= 1  # usually stops at once: only trailing empty rows are walked
    df = df.iloc[:last].reset_index(drop=True)
    df.attrs["given_headers"] = given  # what the file says, for the note about repeated headers
    return df


TITLE_ROWS_SCANNED = 30


def _skip_title_rows(df: pd.DataFrame, name: str) -> pd.DataFrame:
    """Formatted report exports put a title, filters and a blank line above the header: find the header.

    Only done when the first row names no account id or name column (the import would fail anyway), so a
    normal file is never touched.
    """
    def names_accounts(cells: list[str]) -> bool:
        g = guess_mapping(cells)
        return "account_id" in g or "name" in g

    if names_accounts(list(df.columns)):
        return df
    for h in range(min(TITLE_ROWS_SCANNED, len(df))):
        cells = [c.strip() for c in df.iloc[h].astype(str).tolist()]
        if sum(1 for c in cells if c) >= 2 and names_accounts(cells):
            out = _finish(df.iloc[h + 1:].set_axis(cells, axis=1), name)
            out.attrs["header_row"] = h + 2
            return out
    return df
