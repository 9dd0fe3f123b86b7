"""The Windows executable's version resource (Explorer → Properties → Details), from pyproject's version."""

from __future__ import annotations

import re


def version_tuple(version: str) -> tuple[int, int, int, int]:
    """"1.2.3" -> (1, 2, 3, 0); a pre-release or local suffix ("1.2.0rc1", "0+unknown") keeps its numbers."""
    numbers = [int(n) for n in re.findall(r"\d+", version.split("+")[0])][:4]
    return tuple((numbers + [0, 0, 0, 0])[:4])  # type: ignore[return-value]


def version_file_text(version: str) -> str:
    """PyInstaller's `version=` file (a VSVersionInfo expression) for `version`."""
    v = version_tuple(version)
    strings = {
        "CompanyName": "Territory Desktop maintainers",
        "FileDescription": "Territory Desktop",
        "FileVersion": version,
        "InternalName": "territory-desktop",
        "LegalCopyright": "MIT licence",
        "OriginalFilename": "territory-desktop.exe",
        "ProductName": "Territory Desktop",
        "ProductVersion": version,
    }
    table = ",\n          ".join(f"StringStruct({k!r}, {val!r})" for k, val in strings.items())
    return (f"VSVersionInfo(\n"
            f"  ffi=FixedFileInfo(filevers={v}, prodvers={v}, mask=0x3f, flags=0x0, OS=0x40004,\n"
            f"                    fileType=0x1, subtype=0x0, date=(0, 0)),\n"
            f"  kids=[\n"
            f"    StringFileInfo([StringTable('040904B0', [\n          {table}])]),\n"
            f"    VarFileInfo([VarStruct('Translation', [1033, 1200])])\n"
            f"  ]\n)\n")
