"""`territory-desktop import` on a report export with blank lines and Salesforce's footer: the summary counts
the three rejected rows as rejected and the seven blank or footer lines as skipped, and the problem listing
names only the errors and warnings (the notes stay in --report FILE)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from territory_desktop.app import main
from tests.conftest import FIXTURES

FOOTER_EXPORT = FIXTURES / "crm" / "salesforce_report_export.csv"


def test_the_summary_counts_skipped_lines_apart_from_rejected_rows(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture) -> None:
    report = tmp_path / "problems.csv"
    assert main(["import", str(FOOTER_EXPORT), "-o", str(tmp_path / "plan.territory"),
                 "--report", str(report)]) == 0
    out = capsys.readouterr().out
    assert (f"Read 120 rows from {FOOTER_EXPORT}: 110 accounts kept, 3 rejected, 7 blank or footer lines "
            "skipped, 0 not placed on the map.") in out.splitlines()
    assert "3 errors and 1 warning:" in out.splitlines()
    listed = [line for line in out.splitlines() if line.startswith("  ")]
    assert len(listed) == 4 and sum("duplicate account name" in line for line in listed) == 3
    assert "report footer" not in "\n".join(listed) and "empty row" not in out and "Grand Totals" not in out
    assert "more" not in out  # the 7 notes are not "... 7 more"
    with report.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["severity"] for r in rows].count("note") == 7  # the report keeps every line
    assert [r["severity"] for r in rows].count("error") == 3


def test_one_skipped_line_is_singular_and_none_is_not_mentioned(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture) -> None:
    one = tmp_path / "one_gap.csv"
    one.write_text("Account ID,Account Name,ZIP\nA1,Acme,02134\n\nA2,Beta,60601\n", encoding="utf-8")
    assert main(["import", str(one), "-o", str(tmp_path / "one.territory")]) == 0
    out = capsys.readouterr().out
    assert f"Read 3 rows from {one}: 2 accounts kept, 0 rejected, 1 blank or footer line skipped, 0 not placed " \
           "on the map." in out
    assert "0 errors" not in out  # a note alone is no problem to list
    none = tmp_path / "no_gap.csv"
    none.write_text("Account ID,Account Name,ZIP\nA1,Acme,02134\nA2,Beta,60601\n", encoding="utf-8")
    assert main(["import", str(none), "-o", str(tmp_path / "none.territory")]) == 0
    out = capsys.readouterr().out
    assert f"Read 2 rows from {none}: 2 accounts kept, 0 rejected, 0 not placed on the map." in out
    assert "footer line" not in out


def test_import_help_says_what_the_reps_file_holds(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit):
        main(["import", "--help"])
    text = " ".join(capsys.readouterr().out.split())  # argparse wraps the help at the terminal width
    assert "one row per rep or territory" in text
    for column in ("Rep", "Territory", "Role", "Region", "Capacity Hours", "Home ZIP"):
        assert column in text, column
    assert "matched to the accounts' owners" in text
