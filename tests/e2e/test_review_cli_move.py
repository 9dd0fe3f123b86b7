"""`move` with no account ids is a mistake in the script, not a successful move of nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from territory_desktop.app import main
from territory_desktop.io.sample.generate import write_sample


def test_move_without_account_ids_fails_clearly_and_leaves_the_file(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture) -> None:
    accounts, reps = write_sample(tmp_path / "sample", 60, 3, seed=5)
    plan = tmp_path / "plan.territory"
    assert main(["import", str(accounts), "--reps", str(reps), "-o", str(plan)]) == 0
    capsys.readouterr()
    saved = plan.read_bytes()

    assert main(["move", str(plan), "--accounts", " , ", "--to", "unassigned"]) == 2

    err = capsys.readouterr().err
    assert "--accounts" in err and "Traceback" not in err
    assert plan.read_bytes() == saved
