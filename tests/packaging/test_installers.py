"""Windows, macOS and the build script: the NSIS installer compiles (makensis runs on Linux too) and
installs per user with the .territory association; the .app declares the plan type; the GitHub workflow
builds and smoke-tests on all three systems; the build report lists what weighs most."""

from __future__ import annotations

import plistlib
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.packaging.conftest import ROOT, packaging_module

NSI = ROOT / "packaging" / "windows" / "territory-desktop.nsi"
WORKFLOW = ROOT / ".github" / "workflows" / "installers.yml"


def test_nsis_script_installs_per_user_with_the_file_association() -> None:
    script = NSI.read_text(encoding="utf-8")
    assert "RequestExecutionLevel user" in script
    assert 'InstallDir "$LOCALAPPDATA\\Programs\\${APP_NAME}"' in script
    for key in ('"Software\\Classes\\.territory" "" "${PROG_ID}"',
                '"Software\\Classes\\${PROG_ID}\\shell\\open\\command" "" \'"$INSTDIR\\${APP_EXE}" "%1"\''):
        assert f"WriteRegStr HKCU {key}" in script, key
    assert "HKLM" not in script  # nothing that needs an administrator
    assert script.count("SHChangeNotify(i 0x08000000") == 2  # install and uninstall announce the change
    assert 'CreateShortCut "$SMPROGRAMS\\${APP_NAME}.lnk"' in script
    assert 'WriteUninstaller "$INSTDIR\\uninstall.exe"' in script
    assert 'DeleteRegKey HKCU "Software\\Classes\\${PROG_ID}"' in script


@pytest.mark.skipif(shutil.which("makensis") is None, reason="NSIS (makensis) not installed")
def test_nsis_installer_compiles_from_a_one_folder_build(tmp_path: Path) -> None:
    folder = tmp_path / "territory-desktop"
    (folder / "_internal").mkdir(parents=True)
    (folder / "territory-desktop.exe").write_bytes(b"MZ")
    (folder / "_internal" / "base_library.zip").write_bytes(b"PK")
    out = tmp_path / "territory-desktop-1.2.3-setup.exe"
    done = subprocess.run(["makensis", "-V2", "-DVERSION=1.2.3", f"-DSOURCE_DIR={folder}", f"-DOUTFILE={out}",
                           str(NSI)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert out.read_bytes()[:2] == b"MZ" and out.stat().st_size > 50_000


def test_nsis_refuses_to_build_without_a_version(tmp_path: Path) -> None:
    if shutil.which("makensis") is None:
        pytest.skip("NSIS (makensis) not installed")
    done = subprocess.run(["makensis", "-V2", f"-DSOURCE_DIR={tmp_path}", str(NSI)], capture_output=True, text=True)
    assert done.returncode != 0 and "pass -DVERSION" in done.stdout + done.stderr


def test_macos_info_plist_declares_the_plan_type_and_the_version() -> None:
    info = packaging_module("macos/info_plist.py").info_plist("1.2.3")
    plist = plistlib.loads(plistlib.dumps(info))  # valid plist types throughout
    assert plist["CFBundleShortVersionString"] == "1.2.3" and plist["CFBundleVersion"] == "1.2.3"
    (uti,) = plist["UTExportedTypeDeclarations"]
    assert uti["UTTypeTagSpecification"]["public.filename-extension"] == ["territory"]
    (doc,) = plist["CFBundleDocumentTypes"]
    assert doc["LSItemContentTypes"] == [uti["UTTypeIdentifier"]] and doc["CFBundleTypeRole"] == "Editor"
    assert (ROOT / "resources" / "icons" / plist["CFBundleDocumentTypes"][0]["CFBundleTypeIconFile"]).is_file()


def test_workflow_builds_and_smoke_tests_on_linux_windows_and_macos() -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    for runner in ("ubuntu-", "windows-", "macos-"):
        assert f"- os: {runner}" in text, runner
    assert "python packaging/build.py dist" in text  # build.py runs the frozen --smoke-test
    assert "--no-smoke" not in text
    assert "/usr/bin/territory-desktop --smoke-test" in text  # the installed .deb too
    for flag in ("--deb", "--nsis", "--dmg", "--console"):
        assert flag in text, flag


def test_ci_builds_installs_smoke_tests_and_removes_the_deb() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    order = ["readme_tests", "readme_app_smoke", "readme_app_as_written", "build_bundle", "install_deb",
             "installed_smoke", "installed_start", "remove_deb"]
    steps = [line.split()[-1] for line in ci.splitlines() if line.startswith("step ")]
    assert [s for s in steps if s in order] == order


def test_elf_reader_finds_what_a_qt_extension_links() -> None:
    import PySide6

    elf = packaging_module("elf.py")
    core = next(Path(PySide6.__file__).parent.glob("QtCore*.so"), None)
    if core is None:
        pytest.skip("not an ELF platform")
    assert elf.is_elf(core)
    assert any(name.startswith("libQt6Core.so") for name in elf.needed(core))
    assert not elf.is_elf(NSI)


def test_build_report_lists_the_ten_biggest_items_with_their_biggest_file(tmp_path: Path) -> None:
    build = packaging_module("build.py")
    inner = tmp_path / "territory-desktop" / "_internal"
    for i in range(12):
        (inner / f"pkg{i}").mkdir(parents=True)
        (inner / f"pkg{i}" / "big.bin").write_bytes(b"x" * (1000 * (i + 1)))
        (inner / f"pkg{i}" / "small.bin").write_bytes(b"x" * 10)
    (inner / "libone.so").write_bytes(b"x" * 20_000)
    items = build.biggest_items(tmp_path / "territory-desktop")
    assert [name for name, _, _ in items][:3] == ["libone.so", "pkg11", "pkg10"]
    assert len(items) == 10
    assert items[1][1] == 12_010 and items[1][2].startswith("pkg11/big.bin")
    table = build.report_table({"build_s": 60.0, "folder_bytes": 3e8, "stripped_bytes": 4e7,
                                "biggest": items, "deb": "x.deb", "deb_bytes": 8.5e7, "deb_s": 200.0})
    assert "| one-folder size (unpacked) | 300 MB" in table and "| `x.deb` | 85 MB (200 s) |" in table


def test_windows_version_resource_parses_and_carries_the_version() -> None:
    """The file is the VSVersionInfo expression PyInstaller evaluates (with its classes; recorded here)."""
    vi = packaging_module("windows/version_info.py")
    assert vi.version_tuple("1.2.3") == (1, 2, 3, 0) and vi.version_tuple("2.0rc1") == (2, 0, 1, 0)

    def record(kind: str):
        return lambda *args, **kwargs: (kind, args, kwargs)

    names = ("VSVersionInfo", "FixedFileInfo", "StringFileInfo", "StringTable", "StringStruct", "VarFileInfo",
             "VarStruct")
    info = eval(vi.version_file_text("1.2.3"), {n: record(n) for n in names})  # noqa: S307 — our own text
    assert info[0] == "VSVersionInfo" and info[2]["ffi"][2]["filevers"] == (1, 2, 3, 0)
    (string_info, _var_info) = info[2]["kids"]
    ((_table, (_lang, structs), _kw),) = string_info[1][0]
    assert dict(s[1] for s in structs)["ProductVersion"] == "1.2.3"
