"""The headless life cycle a planner scripts: import -> info -> move -> export -> recover, via the real CLI."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from territory_desktop.app import main


def info(path: Path, capsys: pytest.CaptureFixture) -> dict:
    assert main(["info", str(path), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_import_reports_every_row_and_info_gives_the_kpis(plan_file: Path, capsys: pytest.CaptureFixture):
    summary = info(plan_file, capsys)
    assert summary["accounts"] == 400 and summary["unplaced"] == 0
    assert len(summary["territories"]) == 6
    t = summary["territories"][0]
    for key in ("name", "rep", "accounts", "potential", "workload", "capacity", "deviation", "in_band"):
        assert key in t
    assert sum(t["accounts"] for t in summary["territories"]) + summary["unassigned"] == 400
    assert summary["moved_accounts"] == 0
    # the human table names every territory
    assert main(["info", str(plan_file)]) == 0
    table = capsys.readouterr().out
    assert all(t["name"][:27] in table for t in summary["territories"])


def test_move_saves_and_updates_the_numbers(plan_file: Path, sample_files, capsys: pytest.CaptureFixture):
    before = info(plan_file, capsys)
    src, dst = before["territories"][0], before["territories"][1]
    with open(sample_files[0], encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    owned = [r["Account ID"] for r in rows if r["Account Owner"] == src["rep"]][:3]
    assert len(owned) == 3
    assert main(["move", str(plan_file), "--accounts", ",".join(owned), "--to", dst["name"]]) == 0
    capsys.readouterr()
    after = info(plan_file, capsys)
    assert after["moved_accounts"] == 3
    by_name = {t["name"]: t for t in after["territories"]}
    assert by_name[src["name"]]["accounts"] == src["accounts"] - 3
    assert by_name[dst["name"]]["accounts"] == dst["accounts"] + 3


def test_bad_input_gives_one_clear_line_and_exit_code_2(plan_file: Path, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture):
    assert main(["move", str(plan_file), "--accounts", "NOPE-1", "--to", "x"]) == 2
    assert "NOPE-1" in capsys.readouterr().err
    junk = tmp_path / "junk.territory"
    junk.write_bytes(b"this is not a project")
    assert main(["info", str(junk)]) == 2
    err = capsys.readouterr().err
    assert "junk.territory" in err and "Traceback" not in err
    assert main(["export", str(plan_file), "-o", str(tmp_path / "a.csv"), "--effective-date", "soon"]) == 2
    assert "effective-date" in capsys.readouterr().err


def test_export_writes_assignments_and_change_list(plan_file: Path, sample_files, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture):
    summary = info(plan_file, capsys)
    with open(sample_files[0], encoding="utf-8") as fh:
        first = next(csv.DictReader(fh))["Account ID"]
    target = next(t["name"] for t in summary["territories"] if t["rep"] != "")
    main(["move", str(plan_file), "--accounts", first, "--to", target])
    out, changes = tmp_path / "assign.xlsx", tmp_path / "changes.csv"
    assert main(["export", str(plan_file), "-o", str(out), "--changes", str(changes),
                 "--effective-date", "2027-01-01"]) == 0
    assert out.stat().st_size > 0
    with open(changes, encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    body = [r for r in rows[1:] if r]
    if body:  # the account may already have been in `target`
        assert first in body[0] and "2027-01-01" in body[0]


def test_a_move_with_a_reason_reaches_the_change_list_and_the_history(plan_file: Path, sample_files,
                                                                      tmp_path: Path, capsys: pytest.CaptureFixture):
    summary = info(plan_file, capsys)
    with open(sample_files[0], encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    src, dst = summary["territories"][0], summary["territories"][1]
    owned = [r["Account ID"] for r in rows if r["Account Owner"] == src["rep"]][:2]
    assert main(["move", str(plan_file), "--accounts", ",".join(owned), "--to", dst["name"],
                 "--reason", "  Rep moved to\nDenver "]) == 0
    changes = tmp_path / "changes.csv"
    assert main(["export", str(plan_file), "-o", str(tmp_path / "a.csv"), "--changes", str(changes)]) == 0
    with open(changes, encoding="utf-8-sig") as fh:
        body = list(csv.DictReader(fh))
    assert {r["Account ID"]: r["Reason"] for r in body} == dict.fromkeys(owned, "Rep moved to Denver")
    from territory_desktop.io.project.project_file import open_project

    assert open_project(plan_file).audit[-1].reason == "Rep moved to Denver"


def test_recover_restores_edits_of_a_killed_session(plan_file: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture):
    script = (
        "import os, sys\n"
        "from territory_desktop.io.project.project_file import open_project\n"
        "from territory_desktop.io.project.recovery import Journal\n"
        "from territory_desktop.core.edits import MoveAccounts\n"
        "plan = open_project(sys.argv[1])\n"
        "j = Journal.start(plan, sys.argv[1])\n"
        "plan.apply(MoveAccounts(list(range(10)), 1))\n"
        "plan.apply(MoveAccounts(list(range(10, 15)), 2))\n"
        "os._exit(9)  # a crash: no save, no close\n"
    )
    env = dict(os.environ)
    proc = subprocess.run([sys.executable, "-c", script, str(plan_file)], env=env, timeout=120)
    assert proc.returncode == 9
    assert main(["recover"]) == 0
    listing = capsys.readouterr().out
    assert "1." in listing
    restored = tmp_path / "restored.territory"
    assert main(["recover", "--restore", "1", "-o", str(restored)]) == 0
    capsys.readouterr()
    assert info(restored, capsys)["moved_accounts"] > 0
    assert main(["recover"]) == 0
    assert "Nothing to recover" in capsys.readouterr().out


@pytest.mark.skipif(not hasattr(os, "link"), reason="hard links")
def test_a_move_into_a_hard_linked_plan_says_the_other_name_keeps_the_old_plan(plan_file: Path, tmp_path: Path,
                                                                                 capsys: pytest.CaptureFixture):
    """Issue 19, defect 3: a save replaces the file as a whole, so a hard link is detached; not silently."""
    twin = tmp_path / "twin.territory"
    os.link(plan_file, twin)
    first = info(plan_file, capsys)["territories"]
    assert main(["move", str(plan_file), "--accounts", _first_account(plan_file, capsys), "--to",
                 first[1]["name"]]) == 0
    err = capsys.readouterr().err
    assert f"{plan_file.name} was saved as a new file: its other name (a hard link) keeps the previous plan" in err
    assert info(twin, capsys)["moved_accounts"] == 0 and info(plan_file, capsys)["moved_accounts"] == 1
    assert main(["move", str(plan_file), "--accounts", _first_account(plan_file, capsys), "--to",
                 first[2]["name"]]) == 0
    assert "hard link" not in capsys.readouterr().err  # now a file of its own


def _first_account(path: Path, capsys: pytest.CaptureFixture) -> str:
    from territory_desktop.io.project.project_file import open_project

    return str(open_project(path).accounts["account_id"].iloc[0])
