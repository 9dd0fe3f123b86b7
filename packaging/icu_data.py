"""Slim the ICU data library Qt ships on Linux (`PySide6/Qt/lib/libicudata.so.NN`, 32 MB) to what an English
application can reach (~4 MB), and write it back as a shared library with the same soname and symbol.

QtCore links ICU for collation, case mapping of some locales, time zones, IDNA and legacy codecs. The app
is English only and uses none of the codecs (Python reads the files), so the bundle keeps ICU's
locale-independent data whole (character properties, normalisation, string prep, confusables, UCA
collation, break rules, time zones, plural and likely-subtag tables, the currency and unit tables' pools)
plus the root and `en*` locales of every tree, and leaves out the rest: other locales (ICU falls back to
root, so a German user still gets correct UCA collation), the ~230 legacy converters (`.cnv`), the
transliterators and the CJK/Thai/Khmer/Lao/Burmese word-break dictionaries.

The data is ICU's "common data" format: a header, a table of contents sorted by item name, then the items
(each self-contained, 16-byte aligned). It is read from the library's `icudtNN_dat` symbol and the kept
items are written back in the same order; `as` and `ld` (binutils) turn the blob into the library again.
The frozen smoke test checks that ICU collation still works (numeric and case-aware ordering).
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import tempfile
from pathlib import Path

LOCALE_ID = re.compile(r"^[a-z]{2,3}(_[A-Za-z0-9]*)*$")
"""An item stem that names a locale (de, de_, zh_Hant_TW, en_US_POSIX); other stems (pool, root, res_index,
supplementalData, ucadata, word, ...) are data every locale shares."""


def keep_item(name: str) -> bool:
    """True if the app keeps the ICU data item `name` ("icudt73l/coll/de.res")."""
    parts = name.split("/")[1:]
    if not parts or "." not in parts[-1]:
        return True
    stem, ext = parts[-1].rsplit(".", 1)
    tree = parts[0] if len(parts) > 1 else ""
    if tree == "translit" or ext in ("cnv", "dict"):
        return False
    if ext == "res" and LOCALE_ID.match(stem) and stem != "res_index":  # res_index: the list of locales
        return stem == "en" or stem.startswith("en_")
    return True


def read_items(blob: bytes) -> tuple[bytes, list[tuple[str, bytes]]]:
    """(header, [(item name, item bytes)]) of an ICU common data blob, in table-of-contents order."""
    header_size, magic1, magic2 = struct.unpack_from("<HBB", blob, 0)
    if (magic1, magic2) != (0xDA, 0x27) or blob[12:16] != b"CmnD" or blob[8] != 0:
        raise ValueError("not little-endian ICU common data (CmnD)")
    toc = blob[header_size:]
    count, = struct.unpack_from("<I", toc, 0)
    entries = [struct.unpack_from("<II", toc, 4 + 8 * i) for i in range(count)]
    ends = [offset for _name, offset in entries[1:]] + [len(toc)]
    items = []
    for (name_offset, data_offset), end in zip(entries, ends, strict=True):
        name = toc[name_offset:toc.index(b"\0", name_offset)].decode("ascii")
        items.append((name, toc[data_offset:end]))
    return blob[:header_size], items


def write_items(header: bytes, items: list[tuple[str, bytes]]) -> bytes:
    """An ICU common data blob holding `items` (kept in the given, sorted, order), each 16-byte aligned."""
    count = len(items)
    names = b""
    name_offsets = []
    for name, _data in items:
        name_offsets.append(4 + 8 * count + len(names))
        names += name.encode("ascii") + b"\0"
    toc_head = 4 + 8 * count + len(names)
    pad = -(len(header) + toc_head) % 16
    body = bytearray()
    data_offsets = []
    for _name, data in items:
        data_offsets.append(toc_head + pad + len(body))
        body += data
        body += b"\0" * (-len(body) % 16)
    toc = struct.pack("<I", count) + b"".join(
        struct.pack("<II", n, d) for n, d in zip(name_offsets, data_offsets, strict=True))
    return header + toc + names + b"\0" * pad + bytes(body)


def _symbol(path: Path) -> tuple[str, int, int]:
    """(name, file offset, size) of the library's `icudtNN_dat` data symbol, via readelf."""
    out = subprocess.run(["readelf", "-W", "--dyn-syms", "-S", str(path)], check=True, capture_output=True,
                         text=True).stdout
    sym = re.search(r"\s([0-9a-f]+)\s+(0x[0-9a-f]+|\d+)\s+OBJECT\s+GLOBAL\s+\S+\s+\d+\s+(icudt\d+_dat)\b", out)
    if sym is None:
        raise ValueError(f"{path.name}: no icudtNN_dat symbol")
    address, size, name = int(sym.group(1), 16), int(sym.group(2), 0), sym.group(3)
    for line in out.splitlines():  # the section holding the symbol: address -> file offset
        sec = re.match(r"\s*\[\s*\d+\]\s+\S+\s+PROGBITS\s+([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)", line)
        if sec:
            sec_addr, sec_off, sec_size = (int(g, 16) for g in sec.groups())
            if sec_addr <= address < sec_addr + sec_size:
                return name, address - sec_addr + sec_off, size
    raise ValueError(f"{path.name}: {name} is in no section")


def slim_library(path: Path) -> tuple[int, int]:
    """Replace the ICU data library at `path` by one holding only the kept items; (bytes before, after).

    Raises OSError when binutils' `as`/`ld`/`readelf` are missing, ValueError when the file is not what it
    should be; the library is then left as it was."""
    tools = {t: shutil.which(t) for t in ("as", "ld", "readelf")}
    missing = [t for t, found in tools.items() if found is None]
    if missing:
        raise OSError(f"binutils' {', '.join(missing)} not found")
    raw = path.read_bytes()
    name, offset, size = _symbol(path)
    soname = path.name
    header, items = read_items(raw[offset:offset + size])
    kept = [(n, d) for n, d in items if keep_item(n)]
    blob = write_items(header, kept)
    with tempfile.TemporaryDirectory(prefix="icu-slim-") as tmp:
        work = Path(tmp)
        (work / "data.dat").write_bytes(blob)
        (work / "data.s").write_text(
            '.section .rodata\n.balign 16\n'
            f'.globl {name}\n.type {name}, "object"\n{name}:\n.incbin "data.dat"\n.size {name}, . - {name}\n'
            '.section .note.GNU-stack,"",%progbits\n', encoding="ascii")
        subprocess.run([tools["as"], "-o", "data.o", "data.s"], cwd=work, check=True)
        subprocess.run([tools["ld"], "-shared", "-soname", soname, "-z", "noexecstack", "-o", "lib.so", "data.o"],
                       cwd=work, check=True)
        mode = path.stat().st_mode
        shutil.copyfile(work / "lib.so", path)
        path.chmod(mode)
    return len(raw), path.stat().st_size


def slim_in_bundle(folder: Path) -> tuple[int, str]:
    """Slim every `libicudata.so.*` in the one-folder bundle; (bytes saved, a line saying what happened)."""
    saved, notes = 0, []
    for lib in sorted(folder.rglob("libicudata.so.*")):
        if lib.is_symlink():
            continue
        try:
            before, after = slim_library(lib)
        except (OSError, ValueError, subprocess.CalledProcessError) as exc:
            notes.append(f"{lib.name} kept whole ({exc})")
            continue
        saved += before - after
        notes.append(f"{lib.name} {before / 1e6:.1f} -> {after / 1e6:.1f} MB")
    return saved, "; ".join(notes) or "no ICU data library"
