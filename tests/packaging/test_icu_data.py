"""The slimmed ICU data library: the rules keep English and every shared table, the rewritten data is valid
ICU common data, and Qt really collates and case-maps with the library the bundle ships."""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from tests.packaging.conftest import packaging_module

icu = packaging_module("icu_data.py")


@pytest.mark.parametrize(("name", "kept"), [
    ("icudt73l/root.res", True), ("icudt73l/en.res", True), ("icudt73l/en_GB.res", True),
    ("icudt73l/en_US_POSIX.res", True), ("icudt73l/pool.res", True), ("icudt73l/res_index.res", True),
    ("icudt73l/supplementalData.res", True), ("icudt73l/zoneinfo64.res", True), ("icudt73l/uprops.icu", True),
    ("icudt73l/nfkc.nrm", True), ("icudt73l/cnvalias.icu", True), ("icudt73l/coll/ucadata.icu", True),
    ("icudt73l/coll/root.res", True), ("icudt73l/brkitr/word.brk", True), ("icudt73l/zone/en.res", True),
    ("icudt73l/de.res", False), ("icudt73l/zh_Hant_TW.res", False), ("icudt73l/coll/de_.res", False),
    ("icudt73l/coll/sv.res", False), ("icudt73l/curr/fr_CA.res", False), ("icudt73l/translit/root.res", False),
    ("icudt73l/brkitr/cjdict.dict", False), ("icudt73l/ibm-943_P15A-2003.cnv", False),
])
def test_rules_keep_english_and_the_shared_tables(name: str, kept: bool) -> None:
    assert icu.keep_item(name) is kept


def _blob(items: list[tuple[str, bytes]]) -> bytes:
    header = struct.pack("<HBB", 32, 0xDA, 0x27) + struct.pack("<HHBBBB", 20, 0, 0, 0, 2, 0) + b"CmnD"
    header += b"\1\0\0\0" + b"\0" * 4
    header += b"\0" * (32 - len(header))
    return icu.write_items(header, items)


def test_common_data_round_trips_with_items_aligned_and_in_order() -> None:
    items = [("icudt73l/a.res", b"A" * 20), ("icudt73l/b.icu", b"B" * 16), ("icudt73l/coll/c.res", b"C" * 3)]
    blob = _blob(items)
    header, read = icu.read_items(blob)
    assert len(header) == 32
    assert [n for n, _ in read] == [n for n, _ in items]
    for (_n, data), (_m, original) in zip(read, items, strict=True):
        assert data.startswith(original) and len(data) % 16 == 0  # padded to the next item's alignment
    toc = blob[32:]
    offsets = [struct.unpack_from("<II", toc, 4 + 8 * i)[1] for i in range(3)]
    assert all((32 + o) % 16 == 0 for o in offsets)


def test_not_common_data_is_refused() -> None:
    with pytest.raises(ValueError, match="CmnD"):
        icu.read_items(b"\x20\x00\xda\x27" + b"\0" * 60)


def _qt_icu_data() -> Path:
    import PySide6

    libs = sorted((Path(PySide6.__file__).parent / "Qt" / "lib").glob("libicudata.so.*"))
    if not libs or not all(shutil.which(t) for t in ("as", "ld", "readelf")):
        pytest.skip("no ICU data library in this PySide6, or no binutils")
    return libs[0]


def test_qt_collates_and_case_maps_with_the_slimmed_library(tmp_path: Path) -> None:
    """The real library slimmed, then loaded by Qt in a fresh process in front of the wheel's own: file
    names sort as Qt's file dialog sorts them, Turkish upper-cases with its dotted I."""
    original = _qt_icu_data()
    lib = tmp_path / original.name
    shutil.copy2(original, lib)
    before, after = icu.slim_library(lib)
    assert before > 25e6 and after < 6e6, (before, after)
    code = ("from territory_desktop.ui.shell import smoke; "
            "print(smoke.check_text_services(None)); "
            "print([l.split()[-1] for l in open('/proc/self/maps') if 'libicudata' in l][0])")
    env = dict(os.environ, LD_LIBRARY_PATH=str(tmp_path), QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 0, done.stderr
    assert "Turkish case mapping" in done.stdout
    assert done.stdout.strip().splitlines()[-1] == str(lib)  # the slimmed copy was the one loaded


def test_an_empty_data_library_fails_the_smoke_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The check is not vacuous: with no ICU data at all Qt sorts bytewise and the smoke step says so."""
    original = _qt_icu_data()
    lib = tmp_path / original.name
    shutil.copy2(original, lib)
    monkeypatch.setattr(icu, "keep_item", lambda _name: False)
    icu.slim_library(lib)
    code = "from territory_desktop.ui.shell import smoke; smoke.check_text_services(None)"
    env = dict(os.environ, LD_LIBRARY_PATH=str(tmp_path), QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode != 0 and "ICU collation sorts" in done.stderr


def test_a_library_without_the_data_symbol_is_left_alone(tmp_path: Path) -> None:
    _qt_icu_data()  # skips without binutils
    import PySide6

    other = next((Path(PySide6.__file__).parent / "Qt" / "lib").glob("libQt6Svg.so.*"))
    lib = tmp_path / "libicudata.so.99"
    shutil.copy2(other, lib)
    saved, note = icu.slim_in_bundle(tmp_path)
    assert saved == 0 and "kept whole" in note and "no icudtNN_dat symbol" in note
    assert lib.read_bytes() == other.read_bytes()
