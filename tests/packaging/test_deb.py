"""The Debian package: what it installs where, its control file, menu entry and file type, built for real
with dpkg-deb from a small stand-in bundle (the real bundle is built and installed by .ci/run)."""

from __future__ import annotations

import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from territory_desktop.io.project.project_file import APPLICATION_ID
from tests.packaging.conftest import ROOT, packaging_module

deb = packaging_module("linux/deb.py")
LINUX = ROOT / "packaging" / "linux"


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    """A one-folder build's shape: the executable and an _internal folder."""
    folder = tmp_path / "dist" / "territory-desktop"
    (folder / "_internal" / "resources").mkdir(parents=True)
    exe = folder / "territory-desktop"
    exe.write_text("#!/bin/sh\necho frozen\n", encoding="utf-8")
    exe.chmod(0o700)
    (folder / "_internal" / "resources" / "data.json").write_text("{}", encoding="utf-8")
    (folder / "_internal" / "libfake.so.1").write_bytes(b"\x7fELF")
    return folder


def test_stage_lays_out_opt_the_launcher_menu_icons_and_file_type(bundle: Path, tmp_path: Path) -> None:
    root = deb.stage(bundle, tmp_path / "stage", "1.2.3")
    exe = root / "opt/territory-desktop/territory-desktop"
    assert exe.is_file() and exe.stat().st_mode & 0o777 == 0o755
    assert (root / "opt/territory-desktop/_internal/resources/data.json").stat().st_mode & 0o777 == 0o644
    launcher = root / "usr/bin/territory-desktop"
    assert launcher.is_symlink() and os.readlink(launcher) == "/opt/territory-desktop/territory-desktop"
    assert (root / "usr/share/applications/territory-desktop.desktop").is_file()
    assert (root / "usr/share/mime/packages/territory-desktop.xml").is_file()
    for size in deb.ICON_SIZES:
        for kind, name in (("apps", "territory-desktop"), ("mimetypes", "application-x-territory-plan")):
            png = root / f"usr/share/icons/hicolor/{size}x{size}/{kind}/{name}.png"
            assert png.read_bytes()[:4] == b"\x89PNG", png
    assert (root / "usr/share/icons/hicolor/scalable/apps/territory-desktop.svg").is_file()
    copyright_text = (root / "usr/share/doc/territory-desktop/copyright").read_text(encoding="utf-8")
    assert "MIT" in copyright_text and "LGPL-3.0" in copyright_text and "CC-BY 4.0" in copyright_text
    assert not list(root.glob("DEBIAN/*inst")) and not list(root.glob("DEBIAN/*rm"))  # triggers do it


def test_control_names_version_dependencies_and_size(bundle: Path, tmp_path: Path) -> None:
    root = deb.stage(bundle, tmp_path / "stage", "1.2.3")
    fields = dict(line.split(": ", 1) for line in (root / "DEBIAN/control").read_text().splitlines()
                  if ": " in line and not line.startswith(" "))
    assert fields["Package"] == "territory-desktop" and fields["Version"] == "1.2.3"
    assert fields["Architecture"] == deb.deb_architecture()
    depends = fields["Depends"]
    assert depends.startswith("libc6 (>= ")
    for lib in ("libxcb-cursor0", "libxkbcommon-x11-0", "libegl1", "libfontconfig1", "libglib2.0-0"):
        assert lib in depends
    assert int(fields["Installed-Size"]) >= 1
    assert "shared-mime-info" in fields["Recommends"]


def test_version_defaults_to_pyproject() -> None:
    import tomllib

    assert deb.version_from_pyproject() == tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


def test_desktop_entry_opens_plans_with_the_app() -> None:
    text = (LINUX / "territory-desktop.desktop").read_text(encoding="utf-8")
    entry = dict(line.split("=", 1) for line in text.splitlines() if "=" in line)
    assert entry["Exec"] == "territory-desktop %f" and entry["Icon"] == "territory-desktop"
    assert entry["MimeType"] == "application/x-territory-plan;"
    if shutil.which("desktop-file-validate"):
        done = subprocess.run(["desktop-file-validate", str(LINUX / "territory-desktop.desktop")],
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr


def test_mime_type_matches_the_extension_and_the_project_files_own_header(tmp_path: Path) -> None:
    """The magic rule recognises a real saved plan by the application id the project file writes."""
    root = ET.parse(LINUX / "territory-desktop-mime.xml").getroot()
    ns = {"m": root.tag[1:].split("}")[0]}  # the shared-mime-info namespace the file declares
    mime = root.find("m:mime-type", ns)
    assert mime.get("type") == deb.MIME_TYPE
    assert mime.find("m:glob", ns).get("pattern") == "*.territory"
    outer = mime.find("m:magic/m:match", ns)
    inner = outer.find("m:match", ns)
    assert int(inner.get("value"), 16) == APPLICATION_ID
    from territory_desktop.io.importing.importer import import_plan
    from territory_desktop.io.project.project_file import save_project
    from territory_desktop.io.sample.generate import bundled_sample_paths

    plan = tmp_path / "saved.territory"
    save_project(import_plan(*bundled_sample_paths()).plan, plan)
    head = plan.read_bytes()[:72]
    assert head.startswith(outer.get("value").encode())
    offset = int(inner.get("offset"))
    assert int.from_bytes(head[offset:offset + 4], "big") == APPLICATION_ID


@pytest.mark.skipif(shutil.which("update-mime-database") is None, reason="shared-mime-info not installed")
def test_mime_database_registers_the_type(tmp_path: Path) -> None:
    (tmp_path / "mime" / "packages").mkdir(parents=True)
    shutil.copy2(LINUX / "territory-desktop-mime.xml", tmp_path / "mime" / "packages" / "territory-desktop.xml")
    done = subprocess.run(["update-mime-database", str(tmp_path / "mime")], capture_output=True, text=True)
    assert "error" not in (done.stdout + done.stderr).lower(), done.stdout + done.stderr
    assert "application/x-territory-plan:*.territory" in (tmp_path / "mime" / "globs2").read_text()


@pytest.mark.skipif(shutil.which("dpkg-deb") is None, reason="dpkg-deb not installed")
def test_dpkg_deb_builds_a_package_owned_by_root_with_every_file(bundle: Path, tmp_path: Path) -> None:
    package = deb.build_deb(bundle, tmp_path / "out", "1.2.3", tmp_path / "work")
    assert package.name == f"territory-desktop_1.2.3_{deb.deb_architecture()}.deb"
    info = subprocess.run(["dpkg-deb", "--field", str(package), "Package", "Version"], capture_output=True,
                          text=True, check=True).stdout
    assert "territory-desktop" in info and "1.2.3" in info
    listing = subprocess.run(["dpkg-deb", "--contents", str(package)], capture_output=True, text=True,
                             check=True).stdout.splitlines()
    assert all(" root/root " in line for line in listing), listing[:3]
    paths = {line.split()[5] for line in listing}
    for expected in ("./opt/territory-desktop/territory-desktop", "./usr/bin/territory-desktop",
                     "./usr/share/applications/territory-desktop.desktop",
                     "./usr/share/mime/packages/territory-desktop.xml",
                     "./usr/share/icons/hicolor/48x48/apps/territory-desktop.png"):
        assert expected in paths, expected
    assert not (tmp_path / "work").exists()  # the staging tree is cleaned up


def test_missing_libraries_are_found_and_optional_plugins_forgiven(tmp_path: Path, monkeypatch) -> None:
    """An installed bundle whose Qt needs a library the system lacks is reported; a GTK theme plugin's
    missing GTK is not (Qt then draws its own dialogs). The system's libraries are the loader's cache."""
    if shutil.which("ldconfig") is None and not Path("/sbin/ldconfig").exists():
        pytest.skip("no ldconfig on this machine")
    folder = tmp_path / "opt"
    (folder / "plugins" / "platformthemes").mkdir(parents=True)
    needs = {"core.so": ["libc.so.6", "libbundled.so.2", "libnot-there-at-all.so.7"],
             "libbundled.so.2": ["libc.so.6"],
             "libqgtk3.so": ["libgtk-3-not-there.so.0"]}
    for name, where in (("core.so", folder), ("libbundled.so.2", folder),
                        ("libqgtk3.so", folder / "plugins" / "platformthemes")):
        (where / name).write_bytes(b"\x7fELF" + b"\0" * 60)
    monkeypatch.setattr(deb.elf, "needed", lambda path: needs[path.name])
    assert set(deb.missing_system_libraries(folder)) == {"libnot-there-at-all.so.7", "libgtk-3-not-there.so.0"}
    assert deb.missing_required(folder) == {"libnot-there-at-all.so.7": ["core.so"]}


def test_check_installed_runs_on_its_own_and_reports_in_words(tmp_path: Path, capsys) -> None:
    """`deb.py --check-installed FOLDER` (what .ci/run and the workflow call) needs no bundle argument."""
    if shutil.which("ldconfig") is None and not Path("/sbin/ldconfig").exists():
        pytest.skip("no ldconfig on this machine")
    (tmp_path / "app").mkdir()
    assert deb.main(["--check-installed", str(tmp_path / "app")]) == 0
    assert "0 required system libraries missing" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        deb.main([])
