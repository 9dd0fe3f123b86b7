"""Render the app icon from its one SVG source into every format the installers need.

    python packaging/make_icons.py            # rewrites resources/icons/ from territory-desktop.svg

Outputs (committed, so a build needs no image tools): `territory-desktop-<N>.png` for the Linux hicolor
theme and the window, `territory-desktop.ico` (Windows: exe, installer, file type) and
`territory-desktop.icns` (macOS: .app and document type). Qt's own SVG renderer draws them, so the script
needs only what the app already installs; ICO and ICNS are small containers of PNGs written here by hand
(both formats accept PNG entries: Windows Vista+, macOS 10.7+).
"""

from __future__ import annotations

import argparse
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ICONS = ROOT / "resources" / "icons"
SOURCE = ICONS / "territory-desktop.svg"
NAME = "territory-desktop"

PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
"""The hicolor theme's usual sizes (a launcher picks the nearest; 512 for HiDPI docks)."""
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
"""Explorer's list, details, tiles and the taskbar; 256 is the largest an .ico entry may be."""
ICNS_TYPES = (("icp4", 16), ("icp5", 32), ("icp6", 64), ("ic07", 128), ("ic08", 256), ("ic09", 512),
              ("ic10", 1024), ("ic11", 32), ("ic12", 64), ("ic13", 256), ("ic14", 512))
"""ICNS entry type → pixel size (ic11–ic14 are the @2x Retina variants of 16–256)."""


def render_png(svg: Path, size: int) -> bytes:
    """The SVG drawn at size × size with antialiasing, as PNG bytes."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    if QGuiApplication.instance() is None:
        QGuiApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
        _app = QGuiApplication(["make_icons", "-platform", "offscreen"])
        globals()["_APP"] = _app  # keep it alive for later calls
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"{svg}: Qt cannot read this SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.convertToFormat(QImage.Format.Format_ARGB32).save(buffer, "PNG")
    return bytes(data.data())


def png_dimensions(png: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """An .ico holding one PNG per size (ICONDIR, one ICONDIRENTRY each, then the images)."""
    sizes = sorted(pngs)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = 6 + 16 * len(sizes)
    entries, blobs = b"", b""
    for size in sizes:
        png = pngs[size]
        dim = 0 if size >= 256 else size  # 0 means 256 in an ICONDIRENTRY
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(png), offset)
        blobs += png
        offset += len(png)
    return header + entries + blobs


def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    """An .icns holding PNG entries of every type in ICNS_TYPES ('icns', total length, then type/length/data)."""
    body = b"".join(kind.encode("ascii") + struct.pack(">I", 8 + len(pngs[size])) + pngs[size]
                    for kind, size in ICNS_TYPES)
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def read_ico(data: bytes) -> list[tuple[int, bytes]]:
    """(size, PNG bytes) of each entry of an .ico written by `ico_bytes` (for checks)."""
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    if reserved != 0 or kind != 1:
        raise ValueError("not an .ico")
    out = []
    for i in range(count):
        dim, _h, _c, _r, _planes, _bpp, length, offset = struct.unpack("<BBBBHHII", data[6 + 16 * i:22 + 16 * i])
        out.append((dim or 256, data[offset:offset + length]))
    return out


def read_icns(data: bytes) -> list[tuple[str, bytes]]:
    """(type, data) of each entry of an .icns (for checks)."""
    if data[:4] != b"icns" or struct.unpack(">I", data[4:8])[0] != len(data):
        raise ValueError("not an .icns (or its length is wrong)")
    out, pos = [], 8
    while pos < len(data):
        kind = data[pos:pos + 4].decode("ascii")
        length = struct.unpack(">I", data[pos + 4:pos + 8])[0]
        out.append((kind, data[pos + 8:pos + length]))
        pos += length
    return out


def make_icons(svg: Path = SOURCE, out: Path = ICONS) -> list[Path]:
    """Write every PNG, the .ico and the .icns for `svg` into `out`; returns the files written."""
    needed = set(PNG_SIZES) | set(ICO_SIZES) | {size for _kind, size in ICNS_TYPES}
    pngs = {size: render_png(svg, size) for size in sorted(needed)}
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for size in PNG_SIZES:
        path = out / f"{NAME}-{size}.png"
        path.write_bytes(pngs[size])
        written.append(path)
    ico = out / f"{NAME}.ico"
    ico.write_bytes(ico_bytes({s: pngs[s] for s in ICO_SIZES}))
    icns = out / f"{NAME}.icns"
    icns.write_bytes(icns_bytes(pngs))
    return [*written, ico, icns]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--svg", type=Path, default=SOURCE, help=f"source SVG (default {SOURCE.relative_to(ROOT)})")
    ap.add_argument("--out", type=Path, default=ICONS, help="output folder (default: beside the SVG)")
    ns = ap.parse_args(argv)
    for path in make_icons(ns.svg, ns.out):
        print(f"wrote {path} ({path.stat().st_size / 1e3:.1f} kB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
