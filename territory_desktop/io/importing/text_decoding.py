"""Bytes of a text export to text, honestly: UTF-8, UTF-16 by its BOM, Windows-1252 — line by line when mixed.

Two exports pasted together are often one UTF-8 and one Windows-1252; decoding the whole file one way turns
half of it into "MÃ¼ller" or "M�ller". Each line is decoded as it was written, and the reader's notes say which
rows were read how and which held NUL bytes, so the import report can tell the planner. Other control bytes
(a stray \\x01 or ESC) are kept here and taken out cell by cell once the table is read (`control_cells`),
so each is named by row and column. A file with many of them, or one that starts like a known binary format
(PNG, JPEG, GIF, PDF, gzip, ...), is not a text table and is refused.
"""

from __future__ import annotations

import codecs
import itertools
import re

import numpy as np
import pandas as pd

from territory_desktop.io.importing.errors import ImportFailed

_LATIN1_FALLBACK = "territory_desktop_latin1"
codecs.register_error(_LATIN1_FALLBACK, lambda e: (chr(e.object[e.start]), e.start + 1))  # type: ignore[index]
ROWS_NAMED = 20
"""A note about many rows names this many of them, then counts the rest."""

Note = tuple[int | None, int | None, str, str]
"""A reader's note before the header is known: (sheet row or None, 0-based column or None, value, reason)."""

CONTROL = re.compile(r"[\x01-\x08\x0e-\x1f\x7f]")
"""Control characters no table cell means to hold (tab, line ends, vertical tab and form feed are text; NUL
is handled on its own). Invisible in a spreadsheet, and XLSX cannot hold them."""
_NOT_CONTROL_BYTES = bytes(b for b in range(256) if not CONTROL.match(chr(b)))
"""Deleted by `bytes.translate` to count the control bytes of UTF-8 or Windows-1252 text (the same bytes as
the control characters of its text: no multi-byte UTF-8 sequence holds a byte below 0x80), 10x faster than
a regular expression over the text."""
BINARY_MAGIC = (b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"\xff\xd8\xff", b"%PDF-", b"\x1f\x8b", b"\x7fELF",
                b"SQLite format 3\x00", b"Rar!\x1a\x07", b"7z\xbc\xaf\x27\x1c", b"BZh91AY&SY", b"\xfd7zXZ\x00",
                b"OggS", b"ID3", b"RIFF")
"""How common binary formats start (an image, a PDF, an archive, a program): never a text table."""


def decode_bytes(data: bytes, name: str) -> str:
    """Text of a file in UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text") or Windows-1252."""
    return decode_text(data, name).text


class Decoded:
    """Decoded text, and the 0-based lines read as Windows-1252, read as (non-ASCII) UTF-8, and with NULs;
    `controls`: the text holds other control characters (for `control_cells` once the table is read)."""

    def __init__(self, text: str, cp1252: list[int], utf8: list[int], nul: list[int],
                 controls: bool = False) -> None:
        self.text, self.cp1252, self.utf8, self.nul = text, cp1252, utf8, nul
        self.controls = controls


def decode_text(data: bytes, name: str) -> Decoded:
    """Decode the whole file as UTF-8 (or UTF-16 by its BOM); where that fails, line by line.

    Two exports pasted together are often one UTF-8 and one Windows-1252: each line is tried as UTF-8 and
    falls back to Windows-1252 alone, so neither half turns into "MÃ¼ller" or "M�ller". NUL bytes (a stray
    one from a broken export) are dropped and their lines named; other control bytes are kept for
    `control_cells`. Many of either, or the start of a known binary format, mean a binary file.
    """
    cp1252: list[int] = []
    utf8: list[int] = []
    body = data
    binary = ImportFailed(f"{name}: is not a text table (it contains binary data)")
    if data.startswith(BINARY_MAGIC):
        raise binary
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise ImportFailed(f"{name}: looks like UTF-16 text but cannot be decoded") from None
    else:
        body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            text, cp1252, utf8 = decode_lines(body)
    # a few stray control bytes (NUL or others) are a damaged export, many are a binary file: more than one
    # character in a thousand (at least 16), or in a small file more than one in ten
    allowed = max(16, len(text) // 1000)
    nuls = text.count("\x00")
    if body is data and data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16: count in the text
        controls = sum(1 for _ in itertools.islice(CONTROL.finditer(text), allowed + 1))
    else:
        controls = len(body.translate(None, _NOT_CONTROL_BYTES))
    if nuls + controls > allowed or nuls + controls > len(text) * 0.1:
        raise binary
    nul: list[int] = []
    if nuls:
        nul = [i for i, line in enumerate(text.split("\n")) if "\x00" in line]
        text = text.replace("\x00", "")
    return Decoded(text, cp1252, utf8, nul, controls=controls > 0)


def visible(text: str) -> str:
    """The text with each control character written as its escape ("X\\x01Y"), to show what a cell held."""
    return CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def control_cells(df: pd.DataFrame) -> list[Note]:
    """Drop the control characters from the header and the cells of a text table (in place), one note per cell.

    A stray \\x01 or ESC in a CRM export is damage, not data: it is invisible in a spreadsheet, XLSX cannot
    hold it and it would split one name into two spellings. The cell is kept without it, and the note names
    the row and column and shows the cell as it was (with the byte written "\\x01").
    """
    found: list[tuple[int, int, str, str]] = []  # (sheet row, column, the cell as it was, the cell kept)
    headers = [str(h) for h in df.columns]
    for j, h in enumerate(headers):
        if CONTROL.search(h):
            headers[j] = CONTROL.sub("", h)
            found.append((1, j, h, headers[j]))
    if any(row == 1 for row, *_ in found):
        df.columns = headers
    for j in range(df.shape[1]):
        cells = df.iloc[:, j]
        hits = np.flatnonzero(cells.str.contains(CONTROL.pattern, regex=True).to_numpy(dtype=bool))
        if not len(hits):
            continue
        before = cells.iloc[hits].tolist()
        after = [CONTROL.sub("", v) for v in before]
        df.iloc[hits, j] = after
        found += [(int(i) + 2, j, b, a) for i, b, a in zip(hits.tolist(), before, after, strict=True)]
    found.sort()
    notes: list[Note] = []
    for row, col, was, kept in found[:ROWS_NAMED]:
        shown = kept if len(kept) <= 60 else kept[:57] + "..."
        notes.append((row, col, visible(was), "this cell held a control character (invisible, usually from a "
                      f"damaged export); it was dropped: the cell reads {shown!r}"))
    if len(found) > ROWS_NAMED:
        rest = found[ROWS_NAMED:]
        notes.append((None, None, "", f"{len(rest):,} more cells held control characters "
                      f"({rows_named(sorted({r for r, *_ in rest}))}); they were dropped the same way"))
    return notes


def decode_lines(body: bytes) -> tuple[str, list[int], list[int]]:
    """Each line as UTF-8 if it is valid UTF-8, else as Windows-1252 (its five undefined bytes as Latin-1)."""
    out: list[str] = []
    cp1252: list[int] = []
    utf8: list[int] = []
    for i, line in enumerate(body.split(b"\n")):
        if line.isascii():
            out.append(line.decode("ascii"))
            continue
        try:
            out.append(line.decode("utf-8"))
            utf8.append(i)
        except UnicodeDecodeError:
            out.append(line.decode("cp1252", errors=_LATIN1_FALLBACK))
            cp1252.append(i)
    return "\n".join(out), cp1252, utf8


def rows_of_lines(text: str, lines: set[int]) -> dict[int, int]:
    """{0-based line: 1-based row} for the given lines; a quoted cell may span lines, so rows are counted."""
    out: dict[int, int] = {}
    row, inside, last = 1, False, max(lines)
    for i, line in enumerate(text.split("\n")):
        if i in lines:
            out[i] = row
        if i >= last:
            break
        if line.count('"') % 2:
            inside = not inside
        if not inside:
            row += 1
    return out


def rows_named(rows: list[int]) -> str:
    shown = ", ".join(map(str, rows[:ROWS_NAMED])) + (", ..." if len(rows) > ROWS_NAMED else "")
    return f"row {shown}" if len(rows) == 1 else f"rows {shown} ({len(rows):,} rows)"


def text_notes(dec: Decoded, shift: int) -> list[Note]:
    """Warnings for the lines read as Windows-1252 among UTF-8 ones, and for the lines that held NULs."""
    notes: list[Note] = []
    mixed = bool(dec.cp1252 and dec.utf8)
    if not mixed and not dec.nul:
        return notes
    wanted = set(dec.nul) | (set(dec.cp1252 if len(dec.cp1252) <= len(dec.utf8) else dec.utf8) if mixed else set())
    rows = {i: r - shift for i, r in rows_of_lines(dec.text, wanted).items()}
    if mixed:
        few, other = ("Windows-1252", "UTF-8") if len(dec.cp1252) <= len(dec.utf8) else ("UTF-8", "Windows-1252")
        named = sorted({rows[i] for i in (dec.cp1252 if few == "Windows-1252" else dec.utf8) if i in rows})
        notes.append((None, None, "", f"{rows_named(named)} {'is' if len(named) == 1 else 'are'} in {few}, "
                      f"the rest {other}: read each as written"))
    for n, i in enumerate(dec.nul):
        if n == ROWS_NAMED:
            rest = sorted({rows[j] for j in dec.nul[n:] if j in rows})
            notes.append((None, None, "", f"{rows_named(rest)} also held NUL bytes; they were dropped"))
            break
        notes.append((rows.get(i), None, "", "this row held a NUL byte (binary zero, usually a damaged "
                      "export); it was dropped: check the row"))
    return notes
