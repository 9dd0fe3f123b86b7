"""`recover` on the two journals a hostile tester left (issue 19, defect 10): a `move` whose save landed but whose
journal clean-up did not, and a journal torn by a kill in the middle of its first edit line."""

from __future__ import annotations

from pathlib import Path

import pytest

from territory_desktop.app import main
from territory_desktop.core.edits import MoveAccounts
from territory_desktop.io.project.paths import recovery_dir
from territory_desktop.io.project.project_file import open_project, read_save_id
from territory_desktop.io.project.recovery import Journal


def _dies_after(plan_file: Path, torn: str | None = None) -> Journal:
    """A session on `plan_file` that journals one move of the first account (or only `torn`, half a line) and
    dies: the journal stays, its lock goes."""
    plan = open_project(plan_file)
    journal = Journal.start(plan, plan_file)
    if torn is None:
        target = (int(plan.assignment[0]) + 1) % plan.n_territories
        plan.apply(MoveAccounts([0], target))
    else:
        journal._fh.write(torn)  # noqa: SLF001
    journal._fh.close()  # noqa: SLF001
    journal._lock.close()  # noqa: SLF001
    return journal


def test_a_move_saved_before_the_crash_is_not_listed_as_unsaved(plan_file: Path, capsys: pytest.CaptureFixture):
    plan = open_project(plan_file)
    account = str(plan.accounts["account_id"].iloc[0])
    to = plan.territories[(int(plan.assignment[0]) + 1) % plan.n_territories].name
    journal = _dies_after(plan_file)  # holds the save id before the move below, and that same move
    assert main(["move", str(plan_file), "--accounts", account, "--to", to]) == 0
    capsys.readouterr()
    saved = read_save_id(plan_file)

    assert main(["recover"]) == 0
    out = capsys.readouterr().out
    assert "unsaved edit" not in out
    assert f"1. {plan_file.name}: the project was saved after these edits" in out
    assert "nothing to restore" in out and "already in the file" in out
    assert "recover --discard N" in out and "--restore N" not in out

    assert main(["recover", "--restore", "1"]) == 2
    err = capsys.readouterr().err
    assert "nothing to restore" in err and "--discard 1" in err and "saved again or replaced" not in err
    assert read_save_id(plan_file) == saved and journal.path.exists()
    assert main(["recover", "--discard", "1"]) == 0
    capsys.readouterr()
    assert main(["recover"]) == 0
    assert "Nothing to recover" in capsys.readouterr().out


def test_a_torn_journal_is_kept_and_listed_as_an_abrupt_end(plan_file: Path, capsys: pytest.CaptureFixture):
    journal = _dies_after(plan_file, torn='{"kind": "move", "rows": [0')
    saved = read_save_id(plan_file)
    for _ in range(2):
        assert main(["recover"]) == 0
        out = capsys.readouterr().out
        assert "closed cleanly" not in out
        assert f"1. {plan_file.name}: the session ended abruptly with 0 complete edits" in out
        assert "the last line was cut off and is ignored" in out
        assert journal.path.exists()
    assert main(["recover", "--restore", "1"]) == 2
    err = capsys.readouterr().err
    assert "nothing to restore" in err and "--discard 1" in err
    assert read_save_id(plan_file) == saved and journal.path.exists()
    assert main(["recover", "--discard", "1"]) == 0
    assert "Discarded" in capsys.readouterr().out
    assert sorted(recovery_dir().iterdir()) == []
