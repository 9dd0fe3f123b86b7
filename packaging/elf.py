"""Just enough of the ELF format to package a Linux bundle: which libraries a file needs, whether it carries
debug info or a symbol table, whether its segments are aligned. Pure Python, so the build needs no binutils to
decide (only `strip` to act).
"""

from __future__ import annotations

import struct
from pathlib import Path

ELF_MAGIC = b"\x7fELF"
PT_LOAD, PT_DYNAMIC = 1, 2
DT_NULL, DT_NEEDED, DT_STRTAB = 0, 1, 5


def is_elf(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            return f.read(4) == ELF_MAGIC
    except OSError:
        return False


def _header(data: bytes) -> tuple[str, dict[str, int]]:
    if data[:4] != ELF_MAGIC or data[4] != 2:  # ELFCLASS64 only: every platform the app ships on
        raise ValueError("not a 64-bit ELF file")
    e = "<" if data[5] == 1 else ">"
    (phoff, shoff) = struct.unpack_from(e + "QQ", data, 0x20)
    phentsize, phnum, shentsize, shnum, shstrndx = struct.unpack_from(e + "HHHHH", data, 0x36)
    return e, {"phoff": phoff, "shoff": shoff, "phentsize": phentsize, "phnum": phnum,
               "shentsize": shentsize, "shnum": shnum, "shstrndx": shstrndx}


def section_names(path: Path) -> list[str]:
    """Names of the file's sections ([] for a file without a section table)."""
    data = path.read_bytes()
    e, h = _header(data)
    if not h["shoff"] or h["shstrndx"] >= h["shnum"]:
        return []

    def section(i: int) -> tuple[int, int, int]:
        base = h["shoff"] + i * h["shentsize"]
        name, = struct.unpack_from(e + "I", data, base)
        offset, size = struct.unpack_from(e + "QQ", data, base + 0x18)
        return name, offset, size

    _n, str_off, str_size = section(h["shstrndx"])
    strings = data[str_off:str_off + str_size]
    names = []
    for i in range(h["shnum"]):
        name, _o, _s = section(i)
        names.append(strings[name:strings.index(b"\0", name)].decode("ascii", "replace"))
    return names


def has_debug_info(path: Path) -> bool:
    """True if the file carries DWARF debug info (what `strip --strip-debug` removes)."""
    try:
        return any(n.startswith(".debug_") for n in section_names(path))
    except (ValueError, struct.error, OSError):
        return False


def strippable(path: Path) -> bool:
    """True if the file carries debug info or a static symbol table (`.symtab`, what `strip --strip-all`
    removes; the dynamic symbols the loader needs are in `.dynsym` and stay)."""
    try:
        return any(n.startswith(".debug_") or n == ".symtab" for n in section_names(path))
    except (ValueError, struct.error, OSError):
        return False


def loads_aligned(path: Path) -> bool:
    """True if every PT_LOAD segment's file offset and address agree modulo its alignment, as the dynamic
    loader demands. `strip` can break that in libraries patchelf rewrote (a wheel's OpenBLAS: "ELF load
    command address/offset not page-aligned"), so a stripped file is kept only when this still holds."""
    try:
        data = path.read_bytes()
        e, h = _header(data)
        for i in range(h["phnum"]):
            base = h["phoff"] + i * h["phentsize"]
            p_type, = struct.unpack_from(e + "I", data, base)
            p_offset, p_vaddr, _paddr, _filesz, _memsz, p_align = struct.unpack_from(e + "QQQQQQ", data, base + 8)
            if p_type == PT_LOAD and p_align > 1 and (p_offset - p_vaddr) % p_align:
                return False
        return True
    except (ValueError, struct.error, OSError):
        return False


def needed(path: Path) -> list[str]:
    """The DT_NEEDED sonames of a shared library or executable (what the dynamic loader will look for)."""
    data = path.read_bytes()
    e, h = _header(data)
    loads, dynamic = [], None
    for i in range(h["phnum"]):
        base = h["phoff"] + i * h["phentsize"]
        p_type, = struct.unpack_from(e + "I", data, base)
        p_offset, p_vaddr, _paddr, p_filesz = struct.unpack_from(e + "QQQQ", data, base + 8)
        if p_type == PT_LOAD:
            loads.append((p_vaddr, p_offset, p_filesz))
        elif p_type == PT_DYNAMIC:
            dynamic = (p_offset, p_filesz)
    if dynamic is None:
        return []
    entries, strtab = [], None
    for pos in range(dynamic[0], dynamic[0] + dynamic[1], 16):
        tag, value = struct.unpack_from(e + "qQ", data, pos)
        if tag == DT_NULL:
            break
        if tag == DT_NEEDED:
            entries.append(value)
        elif tag == DT_STRTAB:
            strtab = value
    if strtab is None:
        return []
    for vaddr, offset, size in loads:  # DT_STRTAB is an address: find the file offset of its segment
        if vaddr <= strtab < vaddr + size:
            strtab = strtab - vaddr + offset
            break
    return [data[strtab + v:data.index(b"\0", strtab + v)].decode("ascii", "replace") for v in entries]
