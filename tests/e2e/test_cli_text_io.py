"""The CLI's text in and out: any character prints (a Windows code page, a redirect), a file name that is not
UTF-8 reaches the report, stray control bytes are named by cell, and counts read as English ("1 territory")."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from territory_desktop.app import main

ROOT = Path(__file__).resolve().parents[2]


def run_cli(args: list[str], tmp_path: Path, encoding: str | None = None) -> tuple[int, bytes, str]:
    """`python -m territory_desktop ARGS` with stdout redirected to a file, as `> out.txt` does."""
    env = dict(os.environ, TERRITORY_DESKTOP_DATA_DIR=str(tmp_path / "data"))
    env.pop("PYTHONIOENCODING", None)
    if encoding:
        env["PYTHONIOENCODING"] = encoding
    out = tmp_path / "out.txt"
    with out.open("wb") as fh:
        proc = subprocess.run([sys.executable, "-m", "territory_desktop", *args], stdout=fh,
                              stderr=subprocess.PIPE, env=env, cwd=ROOT, timeout=300, check=False)
    return proc.returncode, out.read_bytes(), proc.stderr.decode("utf-8", "replace")


# ----- stdout that cannot hold every character -----------------------------------------------------------------
def test_info_and_import_print_into_a_cp1252_redirect(tmp_path: Path):
    """`PYTHONIOENCODING=cp1252 ... > out.txt` once crashed on 'Δ' (info) and on '≥' (import, after saving)."""
    accounts = tmp_path / "acc.csv"
    accounts.write_text("Account ID,Account Name,Billing Zip,Account Owner\nA1,Müller,10001,Ann Lee\n"
                        "A2,Beta,10002,Bob Roy\n", encoding="utf-8")
    plan = tmp_path / "p.territory"
    code, out, err = run_cli(["import", str(accounts), "-o", str(plan)], tmp_path, "cp1252")
    assert code == 0 and "Traceback" not in err, err
    text = out.decode("cp1252")
    assert "Saved" in text and "Enterprise \\u2265 1,000" in text  # the sign kept as an escape, not lost
    code, out, err = run_cli(["info", str(plan)], tmp_path, "cp1252")
    assert code == 0 and "Traceback" not in err, err
    assert "\\u0394 " in out.decode("cp1252")  # the "Δ potential" column heading
    code, out, err = run_cli(["info", str(plan), "--json"], tmp_path, "ascii")
    assert code == 0 and "Traceback" not in err, err


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="needs a file system that takes any bytes")
def test_a_file_name_that_is_not_utf8_reaches_the_report(tmp_path: Path):
    """`import "bad\\xff name.csv" --report r.csv` once crashed writing the report (left header-only)."""
    src = os.fsdecode(os.fsencode(tmp_path) + b"/bad\xff name.csv")
    Path(src).write_bytes(b"Account ID,Account Name,Account Owner\nA1,M\xc3\xbcller,Ann\nA2,Zo\xe9,Bob\n")
    report = tmp_path / "r.csv"
    code, out, err = run_cli(["import", src, "-o", str(tmp_path / "o.territory"), "--report", str(report)],
                             tmp_path)
    assert code == 0 and "Traceback" not in err, err
    with report.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert len(rows) > 1 and {r[0] for r in rows[1:]} == {"bad? name.csv"}, rows
    assert b"Problems written to" in out


def test_one_control_byte_is_named_by_row_and_column(tmp_path: Path, capsys: pytest.CaptureFixture):
    src = tmp_path / "c1.csv"
    src.write_bytes(b"Account ID,Account Name,Account Owner\nA1,X\x01Y,Ann\nA2,Y,Bob\n")
    assert main(["import", str(src), "-o", str(tmp_path / "c1.territory")]) == 0
    out = capsys.readouterr().out
    assert "c1.csv, row 2, column 'Account Name': " in out and "control character" in out


# ----- counts in the singular ------------------------------------------------------------------------------
def test_one_of_a_thing_is_said_in_the_singular(tmp_path: Path, capsys: pytest.CaptureFixture):
    src = tmp_path / "one.csv"
    src.write_text("Account ID,Account Name,Billing Zip,Account Owner,Annual Revenue\n"
                   "A1,Acme,10001,Ann Lee,lots\nA2,Beta,10002,Ann Lee,5\n", encoding="utf-8")
    plan = tmp_path / "one.territory"
    assert main(["import", str(src), "-o", str(plan)]) == 0
    out = capsys.readouterr().out
    assert "1 territory. Saved" in out and "0 errors and 1 warning:" in out, out
    assert main(["move", str(plan), "--accounts", "A1", "--to", "unassigned"]) == 0
    capsys.readouterr()
    assert main(["export", str(plan), "-o", str(tmp_path / "a.csv"), "--changes", str(tmp_path / "c.csv")]) == 0
    out = capsys.readouterr().out
    assert "Wrote 2 assignments" in out and "Wrote 1 change effective" in out, out
    assert main(["info", str(plan)]) == 0
    out = capsys.readouterr().out
    assert "2 accounts (0 not placed, 1 unassigned) in 1 territory." in out, out
    assert "Moved vs baseline: 1 account," in out, out
