"""Bytes of a text export to text, honestly: UTF-8, UTF-16 by its BOM, Windows-1252 — line by line when mixed.

Two exports pasted together are often one UTF-8 and one Windows-1252; decoding the whole file one way turns
half of it into "MÃ¼ller" or "M�ller". Each line is decoded as it was written, and the reader's notes say which
rows were read how and which held NUL bytes, so the import report can tell the planner.
"""

from __future__ import annotations

import codecs

from territory_desktop.io.importing.errors import ImportFailed

_LATIN1_FALLBACK = "territory_desktop_latin1"
codecs.register_error(_LATIN1_FALLBACK, lambda e: (chr(e.object[e.start]), e.start + 1))  # type: ignore[index]
ROWS_NAMED = 20
"""A note about many rows names this many of them, then counts the rest."""

Note = tuple[int | None, int | None, str, str]
"""A reader's note before the header is known: (sheet row or None, 0-based column or None, value, reason)."""


def decode_bytes(data: bytes, name: str) -> str:
    """Text of a file in UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text") or Windows-1252."""
    return decode_text(data, name).text


class Decoded:
    """Decoded text, and the 0-based lines read as Windows-1252, read as (non-ASCII) UTF-8, and with NULs."""

    def __init__(self, text: str, cp1252: list[int], utf8: list[int], nul: list[int]) -> None:
        self.text, self.cp1252, self.utf8, self.nul = text, cp1252, utf8, nul


def decode_text(data: bytes, name: str) -> Decoded:
    """Decode the whole file as UTF-8 (or UTF-16 by its BOM); where that fails, line by line.

    Two exports pasted together are often one UTF-8 and one Windows-1252: each line is tried as UTF-8 and
    falls back to Windows-1252 alone, so neither half turns into "MÃ¼ller" or "M�ller". NUL bytes (a stray
    one from a broken export) are dropped and their lines named; many of them mean a binary file.
    """
    cp1252: list[int] = []
    utf8: list[int] = []
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
    binary = ImportFailed(f"{name}: is not a text table (it contains binary data)")
    sample = text[:4096]
    if sample:
        controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\r\n\t\f\v\x00")
        if controls > len(sample) * 0.01:
            raise binary
    nul: list[int] = []
    if "\x00" in text:
        if text.count("\x00") > max(16, len(text) // 1000):
            raise binary
        nul = [i for i, line in enumerate(text.split("\n")) if "\x00" in line]
        text = text.replace("\x00", "")
    return Decoded(text, cp1252, utf8, nul)


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
