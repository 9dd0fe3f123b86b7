"""The app icon: one SVG, and the PNG / .ico / .icns the installers use are renderings of it, complete and
current (a changed SVG without re-running packaging/make_icons.py fails here)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from tests.packaging.conftest import ROOT, packaging_module

icons = packaging_module("make_icons.py")
ICONS = ROOT / "resources" / "icons"


def _image(png: bytes) -> QImage:
    image = QImage()
    assert image.loadFromData(png, "PNG")
    return image.convertToFormat(QImage.Format.Format_ARGB32)


def _difference(a: QImage, b: QImage) -> float:
    """Mean absolute difference per channel, 0-255."""
    assert (a.width(), a.height()) == (b.width(), b.height())
    total = 0
    for y in range(a.height()):
        for x in range(a.width()):
            pa, pb = a.pixel(x, y), b.pixel(x, y)
            total += sum(abs(((pa >> s) & 255) - ((pb >> s) & 255)) for s in (0, 8, 16, 24))
    return total / (a.width() * a.height() * 4)


@pytest.mark.parametrize("size", icons.PNG_SIZES)
def test_each_committed_png_is_the_svg_rendered_at_its_size(qapp, size: int) -> None:
    committed = (ICONS / f"territory-desktop-{size}.png").read_bytes()
    assert icons.png_dimensions(committed) == (size, size)
    fresh = icons.render_png(icons.SOURCE, size)
    assert _difference(_image(committed), _image(fresh)) < 2.0  # re-run packaging/make_icons.py


def test_ico_holds_every_windows_size_as_png(qapp) -> None:
    entries = icons.read_ico((ICONS / "territory-desktop.ico").read_bytes())
    assert [size for size, _ in entries] == sorted(icons.ICO_SIZES)
    for size, png in entries:
        assert icons.png_dimensions(png) == (size, size)


def test_icns_holds_every_type_with_the_right_pixel_size(qapp) -> None:
    entries = icons.read_icns((ICONS / "territory-desktop.icns").read_bytes())
    assert [kind for kind, _ in entries] == [kind for kind, _ in icons.ICNS_TYPES]
    for (kind, png), (_, size) in zip(entries, icons.ICNS_TYPES, strict=True):
        assert icons.png_dimensions(png) == (size, size), kind


def test_make_icons_writes_the_full_set_from_another_svg(qapp, tmp_path: Path) -> None:
    svg = tmp_path / "square.svg"
    svg.write_text('<svg viewBox="0 0 10 10" width="10" height="10">'
                   '<rect width="10" height="10" fill="#FF0000"/></svg>', encoding="utf-8")
    written = icons.make_icons(svg, tmp_path / "out")
    assert {p.name for p in written} == {f"territory-desktop-{s}.png" for s in icons.PNG_SIZES} | {
        "territory-desktop.ico", "territory-desktop.icns"}
    red = _image((tmp_path / "out" / "territory-desktop-32.png").read_bytes())
    assert red.pixel(16, 16) == 0xFFFF0000  # it drew the given SVG, not the app's


def test_a_broken_svg_is_refused_with_its_name(qapp, tmp_path: Path) -> None:
    bad = tmp_path / "broken.svg"
    bad.write_text("<svg", encoding="utf-8")
    with pytest.raises(SystemExit, match="broken.svg"):
        icons.render_png(bad, 16)
