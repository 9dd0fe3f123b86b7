"""The layers of ARCHITECTURE.md hold: imports only go down, and only ui/ imports Qt."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_hold():
    exe = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    if not Path(exe).exists():
        pytest.skip("import-linter is not installed")
    result = subprocess.run([exe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_pickle_in_the_package():
    offenders = [p for p in (ROOT / "territory_desktop").rglob("*.py")
                 if "import pickle" in p.read_text(encoding="utf-8")]
    assert offenders == []


@pytest.mark.parametrize("folder", ["ui", "io", "solver"])
def test_wide_folders_hold_packages_not_piles_of_modules(folder):
    """A newcomer finds a panel or a step of the data by folder name: few loose modules at each top."""
    loose = sorted(p.name for p in (ROOT / "territory_desktop" / folder).glob("*.py"))
    assert len(loose) <= 8, loose
