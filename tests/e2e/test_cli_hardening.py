"""Hostile use of the CLI: outputs that are inputs, odd files as inputs, deep JSON, broken pipes, impossible
numbers, a journal pointing elsewhere. Every failure is one line on stderr with exit code 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from territory_desktop.app import main
from territory_desktop.io.project.project_file import read_save_id


def refused(argv: list[str], capsys: pytest.CaptureFixture, *words: str) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    for w in words:
        assert w in err, err
    return err


# ----- item 2: outputs that are inputs ----------------------------------------------------------------------
def test_import_refuses_to_write_over_its_input(tmp_path: Path, sample_files, capsys: pytest.CaptureFixture):
    accounts = tmp_path / "accounts.csv"
    accounts.write_bytes(sample_files[0].read_bytes())
    before = accounts.read_bytes()
    refused(["import", str(accounts), "-o", str(accounts)], capsys, "accounts.csv")
    link = tmp_path / "link.territory"
    link.symlink_to(accounts)
    refused(["import", str(accounts), "-o", str(link)], capsys)
    assert accounts.read_bytes() == before
    refused(["import", str(accounts), "-o", str(tmp_path / "out.sqlite")], capsys, ".territory")
    assert not (tmp_path / "out.sqlite").exists()


def test_export_refuses_one_file_for_two_outputs(plan_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture):
    out = tmp_path / "a.csv"
    refused(["export", str(plan_file), "-o", str(out), "--changes", str(tmp_path / "." / "a.csv")], capsys,
            "a.csv")
    assert not out.exists()
    refused(["export", str(plan_file), "-o", str(plan_file)], capsys, "plan.territory")
    assert read_save_id(plan_file) is not None


def test_solve_requires_a_territory_output_and_may_solve_in_place(plan_file: Path, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture):
    refused(["solve", str(plan_file), "-o", str(tmp_path / "out.csv"), "--time-limit", "2"], capsys,
            ".territory")
    before = read_save_id(plan_file)
    assert main(["solve", str(plan_file), "-o", str(plan_file), "--time-limit", "2"]) == 0
    capsys.readouterr()
    assert read_save_id(plan_file) not in (None, before)


def test_solve_points_refuses_to_write_over_an_input(tmp_path: Path, capsys: pytest.CaptureFixture):
    pts, terrs = points_files(tmp_path)
    refused(["solve-points", str(pts), str(terrs), "-o", str(terrs)], capsys, "terrs.csv")


# ----- item 6: one line, never a traceback -------------------------------------------------------------------
def test_deeply_nested_mapping_is_one_line(tmp_path: Path, sample_files, capsys: pytest.CaptureFixture):
    mapping = tmp_path / "mapping.json"
    mapping.write_text("[" * 100_000 + "]" * 100_000)
    refused(["import", str(sample_files[0]), "--mapping", str(mapping), "-o", str(tmp_path / "p.territory")],
            capsys, "mapping.json")
    assert not (tmp_path / "p.territory").exists()


def test_report_into_a_missing_folder_fails_before_the_plan_is_saved(tmp_path: Path, sample_files,
                                                                     capsys: pytest.CaptureFixture):
    out = tmp_path / "p.territory"
    refused(["import", str(sample_files[0]), "-o", str(out), "--report", str(tmp_path / "nope" / "r.csv")],
            capsys, "nope")
    assert not out.exists()


def test_folders_devices_and_fifos_are_refused_as_inputs(tmp_path: Path, plan_file: Path,
                                                         capsys: pytest.CaptureFixture):
    pts, terrs = points_files(tmp_path)
    refused(["solve-points", str(tmp_path), str(terrs), "-o", str(tmp_path / "o.csv")], capsys, "folder")
    if os.path.exists("/dev/zero"):
        refused(["info", "/dev/zero"], capsys, "/dev/zero")
        refused(["import", "/dev/zero", "-o", str(tmp_path / "z.territory")], capsys, "/dev/zero")
    if hasattr(os, "mkfifo"):
        fifo = tmp_path / "fifo.territory"
        os.mkfifo(fifo)
        refused(["info", str(fifo)], capsys, "fifo.territory")
        fifo_csv = tmp_path / "fifo.csv"
        os.mkfifo(fifo_csv)
        refused(["import", str(fifo_csv), "-o", str(tmp_path / "f.territory")], capsys, "fifo.csv")


def test_oversized_input_is_refused_before_reading(tmp_path: Path, capsys: pytest.CaptureFixture,
                                                   monkeypatch: pytest.MonkeyPatch):
    from territory_desktop.cli import loading

    monkeypatch.setattr(loading, "MAX_INPUT_BYTES", 100)
    big = tmp_path / "big.csv"
    big.write_text("Account ID,Account Name\n" + "A,B\n" * 100)
    refused(["import", str(big), "-o", str(tmp_path / "b.territory")], capsys, "big.csv", "limit")


def test_recursion_error_anywhere_names_the_file(plan_file: Path, capsys: pytest.CaptureFixture,
                                                 monkeypatch: pytest.MonkeyPatch):
    from territory_desktop.cli import plan_commands

    def boom(*_a, **_k):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(plan_commands, "plan_summary", boom)
    refused(["info", str(plan_file)], capsys, "plan.territory")


def test_info_into_a_closed_pipe_exits_quietly(plan_file: Path):
    script = ("import sys; from territory_desktop.app import main; "
              "sys.exit(main(['info', sys.argv[1]]))")
    proc = subprocess.Popen([sys.executable, "-c", script, str(plan_file)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    proc.stdout.close()  # like `| head -0`: the reader is gone before anything is written
    err = proc.stderr.read().decode()
    proc.wait(timeout=120)
    assert "Traceback" not in err and "BrokenPipe" not in err, err
    assert proc.returncode in (0, 1)


# ----- item 7: a journal cannot redirect a restore ------------------------------------------------------------
def _crash_session(plan_file: Path) -> None:
    script = (
        "import os, sys\n"
        "from territory_desktop.io.project.project_file import open_project\n"
        "from territory_desktop.io.project.recovery import Journal\n"
        "from territory_desktop.core.edits import MoveAccounts\n"
        "plan = open_project(sys.argv[1])\n"
        "j = Journal.start(plan, sys.argv[1])\n"
        "plan.apply(MoveAccounts(list(range(5)), 1))\n"
        "os._exit(9)\n"
    )
    assert subprocess.run([sys.executable, "-c", script, str(plan_file)], timeout=120).returncode == 9


def _retarget(victim: Path) -> None:
    from territory_desktop.io.project.paths import recovery_dir

    [journal] = list(recovery_dir().glob("*.journal"))
    lines = journal.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    header["project_path"] = str(victim)
    journal.write_text("\n".join([json.dumps(header), *lines[1:]]) + "\n", encoding="utf-8")


def test_restore_without_output_never_writes_a_file_the_journal_merely_names(plan_file: Path, tmp_path: Path,
                                                                             capsys: pytest.CaptureFixture):
    _crash_session(plan_file)
    victim = tmp_path / "notes.txt"
    victim.write_text("precious")
    _retarget(victim)
    refused(["recover", "--restore", "1"], capsys, "-o")
    assert victim.read_text() == "precious"
    other = tmp_path / "other.territory"  # a plan, but not the one the journal was made on
    other.write_bytes(plan_file.read_bytes())
    assert main(["move", str(other), "--accounts", "x", "--to", "y"]) == 2  # leaves it unchanged
    assert main(["solve", str(plan_file), "-o", str(other), "--time-limit", "1"]) == 0
    capsys.readouterr()
    _retarget(other)
    other_id = read_save_id(other)
    # another plan's save id: to the journal that file was saved since, so there is nothing to restore onto it
    refused(["recover", "--restore", "1"], capsys, "nothing to restore", "--discard 1")
    assert read_save_id(other) == other_id


def test_restore_without_output_overwrites_its_own_unchanged_plan(plan_file: Path,
                                                                  capsys: pytest.CaptureFixture):
    _crash_session(plan_file)
    before = read_save_id(plan_file)
    assert main(["recover", "--restore", "1"]) == 0
    capsys.readouterr()
    assert read_save_id(plan_file) != before
    assert main(["info", str(plan_file), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["moved_accounts"] > 0


# ----- item 8: impossible numbers in solve-points -------------------------------------------------------------
def points_files(tmp_path: Path, x3: str = "3", m2: str = "5") -> tuple[Path, Path]:
    pts = tmp_path / "pts.csv"
    rows = [("p1", "0", "0", "4"), ("p2", "1", "0", m2), ("p3", x3, "1", "6"), ("p4", "2", "2", "5")]
    pts.write_text("id,x,y,w\n" + "".join(",".join(r) + "\n" for r in rows))
    terrs = tmp_path / "terrs.csv"
    terrs.write_text("id,x,y\nA,0,0\nB,3,2\n")
    return pts, terrs


@pytest.mark.parametrize(("x3", "m2", "where"), [("inf", "5", "row 4, column 'x'"),
                                                  ("-inf", "5", "row 4, column 'x'"),
                                                  ("3", "-Infinity", "row 3, column 'w'"),
                                                  ("3", "1e999", "row 3, column 'w'")])
def test_solve_points_refuses_infinite_numbers_by_row_and_column(tmp_path: Path, capsys: pytest.CaptureFixture,
                                                                 x3: str, m2: str, where: str):
    pts, terrs = points_files(tmp_path, x3, m2)
    err = refused(["solve-points", str(pts), str(terrs), "-o", str(tmp_path / "o.csv")], capsys, where)
    assert "np." not in err and "inf" in err  # the value as the planner would write it, not numpy's repr
    assert not (tmp_path / "o.csv").exists()


def test_solve_points_json_never_holds_bare_nan(tmp_path: Path, capsys: pytest.CaptureFixture,
                                                monkeypatch: pytest.MonkeyPatch):
    from territory_desktop.solver import engine

    real = engine.solve

    def nan_solve(*a, **k):
        sol = real(*a, **k)
        sol.objective, sol.bound = float("nan"), float("inf")
        return sol

    monkeypatch.setattr(engine, "solve", nan_solve)
    pts, terrs = points_files(tmp_path)
    assert main(["solve-points", str(pts), str(terrs), "-o", str(tmp_path / "o.csv"), "--time-limit", "2"]) == 0
    out = capsys.readouterr().out
    assert "NaN" not in out and "Infinity" not in out
    summary = json.loads(out)
    assert summary["objective"] is None and summary["bound"] is None
    assert np.isfinite(summary["time"])


@pytest.mark.parametrize(("centre", "where"), [("inf,0", "row 2, column 'x'"),
                                               ("-inf,-inf", "row 2, column 'x'"),
                                               ("Infinity,5", "row 2, column 'x'"),
                                               ("inf,", "row 2, column 'x'"),
                                               ("0,-Infinity", "row 2, column 'y'")])
def test_solve_points_refuses_an_infinite_territory_centre(tmp_path: Path, capsys: pytest.CaptureFixture,
                                                           centre: str, where: str):
    """±inf as a centre is no blank (a centre to choose): it was measured from the middle and called optimal."""
    pts, _ = points_files(tmp_path)
    terrs = tmp_path / "tinf.csv"
    terrs.write_text(f"id,x,y\nT1,{centre}\nT2,0,0\n")
    refused(["solve-points", str(pts), str(terrs), "-o", str(tmp_path / "o.csv")], capsys, "tinf.csv", where)
    assert not (tmp_path / "o.csv").exists()


@pytest.mark.parametrize(("rows", "where"), [
    ([("p1", "1", "1000"), ("p2", "2", "2")], ("row 2, column 'lon'", "1000", "-180", "180")),
    ([("p1", "1", "1"), ("p2", "-95", "4")], ("row 3, column 'lat'", "-95", "-90", "90")),
    ([("p1", "1", "1"), ("p2", "90.5", "4")], ("row 3, column 'lat'", "-90", "90")),
    ([("p1", "1", "-180.01"), ("p2", "2", "2")], ("row 2, column 'lon'", "-180", "180")),
])
@pytest.mark.parametrize("distance", ["haversine", "euclidean"])
def test_solve_points_refuses_latitudes_and_longitudes_off_the_globe(tmp_path: Path, capsys: pytest.CaptureFixture,
                                                                     rows, where, distance: str):
    pts = tmp_path / "ll.csv"
    all_rows = rows + [("p3", "3", "3"), ("p4", "4", "4")]
    pts.write_text("id,lat,lon,revenue\n" + "".join(",".join(r) + f",{10 * (i + 1)}\n"
                                                     for i, r in enumerate(all_rows)))
    terrs = tmp_path / "t.csv"
    terrs.write_text("id\nT1\nT2\n")
    refused(["solve-points", str(pts), str(terrs), "-o", str(tmp_path / "o.csv"), "--distance", distance,
             "--time-limit", "1"], capsys, "ll.csv", *where)
    assert not (tmp_path / "o.csv").exists()


def test_solve_points_refuses_a_territory_centre_off_the_globe(tmp_path: Path, capsys: pytest.CaptureFixture):
    pts = tmp_path / "ll.csv"
    pts.write_text("id,lat,lon,revenue\np1,1,1,10\np2,2,2,20\np3,3,3,30\np4,4,4,40\n")
    terrs = tmp_path / "tll.csv"
    terrs.write_text("id,lat,lon\nT1,1,1\nT2,91,2\n")
    refused(["solve-points", str(pts), str(terrs), "-o", str(tmp_path / "o.csv"), "--distance", "haversine"],
            capsys, "tll.csv", "row 3, column 'lat'", "-90", "90")


def test_solve_points_still_takes_the_edges_of_the_globe(tmp_path: Path, capsys: pytest.CaptureFixture):
    pts = tmp_path / "ll.csv"
    pts.write_text("id,lat,lon,revenue\np1,90,180,10\np2,-90,-180,20\np3,3,3,30\np4,4,4,40\n")
    terrs = tmp_path / "t.csv"
    terrs.write_text("id\nT1\nT2\n")
    assert main(["solve-points", str(pts), str(terrs), "-o", str(tmp_path / "o.csv"), "--distance", "haversine",
                 "--time-limit", "1"]) == 0
    assert json.loads(capsys.readouterr().out)["feasible"] in (True, False)
