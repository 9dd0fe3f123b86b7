"""Reading a CRM export (CSV in any common encoding and delimiter, or .xlsx) as a table of strings.

Every cell is read as text first: a ZIP code "02134" must not become the number 2134 before the importer has
seen it, and a cell that will not parse must be reported with what the user typed. Blank cells are "".
Rows keep their place: blank lines in the middle of a file stay as empty rows (the importer reports them),
so row numbers match what a spreadsheet shows; only blank rows after the last data row are dropped.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import warnings
from pathlib import Path

import pandas as pd

from territory_desktop.io.importing.columns import guess_mapping
from territory_desktop.io.importing.errors import ImportFailed
from territory_desktop.io.importing.xlsx_reader import MissingSheet, read_xlsx_rows

_DELIMITERS = (",", ";", "\t", "|")
_SNIFF_LINES = 60
MAX_COLUMNS = 2000
_LATIN1_FALLBACK = "territory_desktop_latin1"
codecs.register_error(_LATIN1_FALLBACK, lambda e: (chr(e.object[e.start]), e.start + 1))  # type: ignore[index]


def read_table(path: str | Path, sheet: str | None = None, nrows: int | None = None,
               find_header: bool = True) -> pd.DataFrame:
    """The file as a DataFrame of strings ("" for blanks), header from the first row; raise ImportFailed.

    `sheet` picks an Excel sheet by name (default: the first); `nrows` limits the data rows (for previews).
    With `find_header`, title rows above the header of a formatted report are skipped when the first row
    names no account id or name column but a later one does; `df.attrs["header_row"]` is then the header's
    1-based row (so problems still name the rows a spreadsheet shows).
    """
    p = Path(path)
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
        df = _read_xlsx(p, sheet, nrows)
    elif head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFailed(f"{p.name}: is an old-style Excel .xls file; save it as .xlsx or CSV and import that")
    else:
        if sheet is not None and p.suffix.lower() in (".csv", ".txt", ".tsv"):
            raise ImportFailed(f"{p.name}: is a text file, it has no sheet {sheet!r}")
        df = _read_text(p, nrows)
    df = _finish(df, p.name)
    return _skip_title_rows(df, p.name) if find_header else df


# ----- text ---------------------------------------------------------------------------------------------
def decode_bytes(data: bytes, name: str) -> str:
    """Text of a file in UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text") or Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8", errors="replace")
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise ImportFailed(f"{name}: looks like UTF-16 text but cannot be decoded") from None
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            # Windows-1252 leaves five bytes undefined; those map as Latin-1 so no byte is ever lost
            text = data.decode("cp1252", errors=_LATIN1_FALLBACK)
    if "\x00" in text:
        raise ImportFailed(f"{name}: is not a text table (it contains binary data)")
    sample = text[:4096]
    if sample:
        controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\r\n\t\f\v")
        if controls > len(sample) * 0.01:
            raise ImportFailed(f"{name}: is not a text table (it contains binary data)")
    return text


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the most consistent number (>1) of cells."""
    lines = [ln for ln in text.splitlines()[:_SNIFF_LINES] if ln.strip()]
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


def _read_text(p: Path, nrows: int | None) -> pd.DataFrame:
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
    if not data.strip():
        raise ImportFailed(f"{p.name}: the file is empty")
    text = decode_bytes(data, p.name)
    if not text.strip():
        raise ImportFailed(f"{p.name}: the file is empty")
    hint = re.match(r"\s*sep=(.)[ \t]*\r?\n", text)
    if hint:  # Excel's "sep=;" first line: it names the delimiter and Excel does not show it as a row
        delimiter, text = hint.group(1), text[hint.end():]
    else:
        delimiter = sniff_delimiter(text)
    try:
        with warnings.catch_warnings():
            # pandas only warns when a row has more cells than the header, and drops them: take the slow path
            warnings.simplefilter("error", pd.errors.ParserWarning)
            df = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False, na_filter=False,
                             skip_blank_lines=False, nrows=nrows, engine="c", header=0, quotechar='"',
                             index_col=False)
        header_cells = next(csv.reader(io.StringIO(text), delimiter=delimiter), [])
        if len(header_cells) != len(df.columns):
            raise ValueError("header and columns disagree")
        df.columns = header_cells
        return df
    except (pd.errors.ParserError, pd.errors.ParserWarning, ValueError, csv.Error, UnicodeError, IndexError):
        return _read_ragged(text, delimiter, nrows, p.name)


def _read_ragged(text: str, delimiter: str, nrows: int | None, name: str) -> pd.DataFrame:
    """Slow path for rows with more cells than the header: extra cells get their own "Column N" columns."""
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False))
    except csv.Error as exc:
        raise ImportFailed(f"{name}: is not a readable table ({exc})") from None
    if not rows:
        raise ImportFailed(f"{name}: the file is empty")
    header, body = rows[0], rows[1:]
    if nrows is not None:
        body = body[:nrows]
    width = max([len(header)] + [len(r) for r in body])
    if width > MAX_COLUMNS:
        raise ImportFailed(f"{name}: is not a table (a row has {width} cells)")
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


def _read_xlsx(p: Path, sheet: str | None, nrows: int | None) -> pd.DataFrame:
    """The fast stdlib reader first; openpyxl if it meets anything it does not understand."""
    limit = None if nrows is None else nrows + 1
    try:
        title, rows = read_xlsx_rows(p, sheet, limit)
    except MissingSheet as exc:
        if not exc.names:
            raise ImportFailed(f"{p.name}: the workbook has no sheets") from None
        raise ImportFailed(f"{p.name}: has no sheet {sheet!r}; its sheets are "
                           f"{', '.join(map(repr, exc.names))}") from None
    except Exception:  # anything unexpected: let openpyxl have a go (and word the failure)
        title, rows = _read_xlsx_openpyxl(p, sheet, limit)
    return _rows_frame(rows, title, p.name)


def _read_xlsx_openpyxl(p: Path, sheet: str | None, limit: int | None) -> tuple[str, list[list[str]]]:
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
        return ws.title, rows
    except ImportFailed:
        raise
    except Exception as exc:  # a corrupt sheet part surfaces only while iterating
        raise ImportFailed(f"{p.name}: is not a readable Excel workbook ({type(exc).__name__}: {exc})") from None
    finally:
        wb.close()


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
        raise ImportFailed(f"{name}: is not a table ({width} columns)")
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
    seen: dict[str, int] = {}
    for i, h in enumerate(df.columns):
        h = "" if h is None else str(h).strip().lstrip("\ufeff")
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
    df = df.fillna("").astype(str)
    last = len(df)
    while last and not any(str(c).strip() for c in df.iloc[last - 1].tolist()):
        last -= 1  # usually stops at once: only trailing empty rows are walked
    df = df.iloc[:last]
    return df.reset_index(drop=True)


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
