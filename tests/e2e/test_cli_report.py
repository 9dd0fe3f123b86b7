"""`territory-desktop report PLAN -o DIR [--scenario NAME]` as a planner runs it on an imported plan."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook

from territory_desktop import cli
from territory_desktop.core.edits import MoveAccounts
from territory_desktop.io.project.project_file import open_project, save_project
from territory_desktop.io.reports import BOOKS_FOLDER, SUMMARY_FILE, WORKBOOK_FILE
from tests.io.reports.pdf_text import needs_poppler, text


def run(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_report_writes_every_book_the_summary_and_the_workbook(plan_file: Path, tmp_path: Path, capsys) -> None:
    out_dir = tmp_path / "reports"
    code, out, err = run(capsys, "report", str(plan_file), "-o", str(out_dir))
    assert code == 0, err
    plan = open_project(plan_file)
    books = sorted((out_dir / BOOKS_FOLDER).glob("*.pdf"))
    assert len(books) == len(plan.active_territories()) == 6
    assert (out_dir / SUMMARY_FILE).is_file() and (out_dir / WORKBOOK_FILE).is_file()
    assert f"Wrote 6 rep books, {SUMMARY_FILE}, {WORKBOOK_FILE} to {out_dir}" in out


def test_only_and_territory_choose_what_is_written(plan_file: Path, tmp_path: Path, capsys) -> None:
    plan = open_project(plan_file)
    name = plan.territories[1].name
    code, _out, err = run(capsys, "report", str(plan_file), "-o", str(tmp_path), "--only", "books",
                          "--territory", name.upper())
    assert code == 0, err
    assert [p.name for p in (tmp_path / BOOKS_FOLDER).iterdir()] == [f"{name} - {plan.territories[1].rep}.pdf"]
    assert not (tmp_path / SUMMARY_FILE).exists()


@needs_poppler
def test_scenario_reports_that_scenario(plan_file: Path, tmp_path: Path, capsys) -> None:
    assert run(capsys, "scenario", "copy", str(plan_file), "main plan", "FY27 option")[0] == 0
    option = open_project(plan_file, "FY27 option")
    rows = np.flatnonzero(option.assignment == 0)[:7]
    option.apply(MoveAccounts(rows, 1, reason="Texas consolidation"))
    save_project(option, plan_file)
    code, _out, err = run(capsys, "report", str(plan_file), "-o", str(tmp_path), "--scenario", "fy27",
                          "--only", "summary,workbook")
    assert code == 0, err
    assert f"{plan_file.stem} · FY27 option" in text(tmp_path / SUMMARY_FILE, 1, 1)
    changes = load_workbook(tmp_path / WORKBOOK_FILE)["Changes"]
    reasons = [r[7] for r in changes.iter_rows(min_row=2, values_only=True)]
    assert reasons.count("Texas consolidation") == 7
    # the main scenario reports the plan without those moves
    assert run(capsys, "report", str(plan_file), "-o", str(tmp_path / "main"), "--only", "workbook",
               "--scenario", "main plan")[0] == 0
    main = load_workbook(tmp_path / "main" / WORKBOOK_FILE)["Changes"]
    assert "Texas consolidation" not in [r[7] for r in main.iter_rows(min_row=2, values_only=True)]


@pytest.mark.parametrize(("args", "message"), [
    (["--scenario", "Nope"], "There is no scenario 'Nope'; the scenarios are 'Main plan'"),
    (["--only", "maps"], "--only 'maps': choose from books, summary, workbook"),
    (["--territory", "Atlantis"], "no territory named 'Atlantis'"),
    (["--effective-date", "next week"], "--effective-date 'next week' is not a date"),
])
def test_bad_options_are_one_clear_line(plan_file: Path, tmp_path: Path, capsys, args, message) -> None:
    code, _out, err = run(capsys, "report", str(plan_file), "-o", str(tmp_path / "r"), *args)
    assert code == 2 and message in err and "Traceback" not in err
    assert not (tmp_path / "r").exists() or not list((tmp_path / "r").iterdir())


def test_bad_folders_are_refused_before_anything_is_read(plan_file: Path, tmp_path: Path, capsys) -> None:
    code, _out, err = run(capsys, "report", str(plan_file), "-o", str(plan_file))
    assert code == 2 and "is a file: give a folder" in err
    code, _out, err = run(capsys, "report", str(plan_file), "-o", str(tmp_path / "a" / "b"))
    assert code == 2 and "does not exist" in err
    code, _out, err = run(capsys, "report", str(tmp_path / "missing.territory"), "-o", str(tmp_path))
    assert code == 2 and "missing.territory does not exist" in err


def test_report_runs_headless_from_the_app_entry_point() -> None:
    """`territory-desktop report …` must reach the CLI, not open the window (app.py routes by cli.COMMANDS)."""
    assert "report" in cli.COMMANDS
