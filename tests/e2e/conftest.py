"""What the end-to-end CLI tests share: a small generated CRM export and the plan imported from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from territory_desktop.app import main
from territory_desktop.io.sample.generate import write_sample


@pytest.fixture(scope="module")
def sample_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return write_sample(tmp_path_factory.mktemp("sample"), 400, 6, seed=3)


@pytest.fixture
def plan_file(tmp_path: Path, sample_files: tuple[Path, Path], capsys: pytest.CaptureFixture) -> Path:
    """The sample imported with its reps file, as `territory-desktop import` writes it."""
    accounts, reps = sample_files
    out = tmp_path / "plan.territory"
    assert main(["import", str(accounts), "--reps", str(reps), "-o", str(out)]) == 0
    capsys.readouterr()
    return out
