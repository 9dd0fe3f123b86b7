"""The install works end to end: `--smoke-test` drives the real window offscreen through the product (open,
move, undo, co-pilot, save, reopen, export, map, capacity, Excel import), from source (every CI run) and
from a frozen build (when one is pointed to); and it names the step that broke when something is missing."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from territory_desktop.ui.shell.smoke import CHECKS, PASSED

FROZEN_ENV = "TERRITORY_DESKTOP_FROZEN_EXE"
ROOT = Path(__file__).resolve().parents[2]


def _freeze_filters():
    spec = importlib.util.spec_from_file_location("freeze_filters", ROOT / "packaging" / "freeze_filters.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _env(tmp_path: Path) -> dict[str, str]:
    return dict(os.environ, QT_QPA_PLATFORM="offscreen", TERRITORY_DESKTOP_DATA_DIR=str(tmp_path / "data"))


def _run(cmd: list[str], tmp_path: Path, timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd + ["--smoke-test", "--keep", str(tmp_path / "out")], capture_output=True,
                          text=True, timeout=timeout, env=_env(tmp_path), cwd=tmp_path)


def _assert_passed(result: subprocess.CompletedProcess[str], tmp_path: Path) -> None:
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    lines = result.stdout.splitlines()
    assert PASSED in lines, output
    assert not [line for line in lines if line.startswith("FAILED")], output
    # every step reported, in order, each with its time
    steps = [line for line in lines if line.startswith("ok     ")]
    assert [s.split(" (")[0].removeprefix("ok     ") for s in steps] == [name for name, _ in CHECKS], output
    assert all(s.endswith(" s)") for s in steps), output
    out = tmp_path / "out"
    # what the steps claim to have written is really there, and is what it says it is
    assert (out / "smoke.territory").read_bytes()[:15] == b"SQLite format 3"
    for png in ("window.png", "map-view.png", "capacity.png", "map.png"):
        assert (out / png).read_bytes()[:4] == b"\x89PNG", png
    assert (out / "map.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
    assert (out / "map.pdf").read_bytes()[:4] == b"%PDF"
    assert (out / "assignments.xlsx").read_bytes()[:2] == b"PK"
    header = (out / "assignments.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert "territory" in header.lower(), header


def test_smoke_test_passes_from_source_without_what_the_bundle_leaves_out(tmp_path: Path) -> None:
    """The from-source run blocks every module the frozen bundle excludes (pyarrow, SSL, Tk, unused Qt
    modules, Pillow's AVIF...), so a use of one of them fails here before it fails in a planner's install;
    and it runs under -OO, as the bundle does (no docstrings, no asserts)."""
    excluded = sorted(_freeze_filters().EXCLUDED_MODULES)
    code = ("import sys, importlib.abc\n"
            f"BLOCKED = {excluded!r}\n"
            "class Block(importlib.abc.MetaPathFinder):\n"
            "    def find_spec(self, name, path=None, target=None):\n"
            "        if any(name == b or name.startswith(b + '.') for b in BLOCKED):\n"
            "            raise ModuleNotFoundError(f'{name} is left out of the frozen bundle', name=name)\n"
            "sys.meta_path.insert(0, Block())\n"
            "from territory_desktop.app import main\n"
            "sys.exit(main(sys.argv[1:]))\n")
    result = _run([sys.executable, "-OO", "-c", code], tmp_path, timeout=300)  # -OO as the bundle runs
    _assert_passed(result, tmp_path)


def test_smoke_test_fails_with_the_check_named_when_the_sample_is_missing(tmp_path: Path) -> None:
    code = ("import sys; import territory_desktop.io.sample.generate as s; "
            "s.bundled_sample_paths = lambda: (_ for _ in ()).throw(FileNotFoundError('sample gone')); "
            "from territory_desktop.ui.shell.smoke import main; sys.exit(main(sys.argv[1:]))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                            env=_env(tmp_path), cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "FAILED bundled sample imports: FileNotFoundError: sample gone" in result.stdout
    assert PASSED not in result.stdout


def test_smoke_test_names_the_map_export_when_a_matplotlib_backend_is_missing(tmp_path: Path) -> None:
    """What a bundle without matplotlib's SVG backend did: everything else works, the SVG export fails."""
    code = ("import sys; sys.modules['matplotlib.backends.backend_svg'] = None; "
            "from territory_desktop.ui.shell.smoke import main; sys.exit(main(sys.argv[1:]))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=240,
                            env=_env(tmp_path), cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    failed = [line for line in result.stdout.splitlines() if line.startswith("FAILED")]
    assert len(failed) == 1 and failed[0].startswith("FAILED map renders and exports:"), result.stdout
    assert "backend_svg" in failed[0]
    assert "ok     assignments export as CSV and XLSX" in result.stdout  # the steps before it ran
    assert PASSED not in result.stdout


@pytest.mark.skipif(not os.environ.get(FROZEN_ENV),
                    reason=f"no frozen build: set {FROZEN_ENV} to dist/territory-desktop/territory-desktop")
def test_frozen_executable_passes_its_smoke_test(tmp_path: Path) -> None:
    exe = Path(os.environ[FROZEN_ENV])
    assert exe.is_file(), f"{FROZEN_ENV}={exe} is not a file"
    result = _run([str(exe)], tmp_path, timeout=300)
    _assert_passed(result, tmp_path)
    assert "(frozen," in result.stdout, result.stdout


def test_the_spec_names_every_smoke_module() -> None:
    """The frozen app finds every module of the smoke test: the spec's hidden imports name each one."""
    spec = (ROOT / "packaging" / "territory_desktop.spec").read_text(encoding="utf-8")
    package = ROOT / "territory_desktop" / "ui" / "shell" / "smoke"
    modules = ["territory_desktop.ui.shell.smoke"] + [f"territory_desktop.ui.shell.smoke.{p.stem}"
                                                      for p in sorted(package.glob("*.py")) if p.stem != "__init__"]
    missing = [m for m in modules if f'"{m}"' not in spec]
    assert not missing, missing
