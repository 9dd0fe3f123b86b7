"""`territory-desktop refresh` through the real CLI, on a hand-written CRM export and its newer version.

The fixtures (tests/fixtures/crm/refresh_*.csv) are a twelve-account book of four reps and the same CRM's export
a quarter later, written so that every kind of difference happens exactly where the test says:

- gone from the CRM: B-004 (SoCal), B-009 (Pacific NW)
- new: N-101 (Sacramento, nearest rep Bay Area), N-102 (Olympia, nearest rep Pacific NW), N-103 (no address:
  cannot be placed, so it stays unassigned)
- changed: B-002 segment SMB -> Mid-Market; B-003 potential $120k -> $240k; B-001 ZIP 94105 -> 94110 (across
  San Francisco); B-005 San Diego -> Boston (far outside SoCal: flagged for review); B-006 owner Ben Ortiz -> Ann
  Lee in the CRM (the plan, not the CRM, decides territories); B-007 renamed "Emerald Cloud Works, LLC"; B-008
  industry Retail -> Apparel; B-011 open pipeline $100k -> $250k
- the same, written differently (must not count): B-010 ZIP "2116" for 02116, potential "15,000" for "$15,000",
  segment "smb"; B-012 potential 95000 and ZIP 2903; B-003 segment "mid-market"

and the newer export is messier the way real ones are: shuffled rows, headers in mixed case, a blank row, quoted
commas in names. refresh_no_id.csv (no id column), refresh_other_crm.csv (ids of another CRM) and
refresh_bad_row.csv (the newer export with B-008's id lost) are the bad inputs.
"""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from pathlib import Path

import pytest

from territory_desktop.app import main
from tests.conftest import FIXTURES

CRM = FIXTURES / "crm"
BASE, NEWER, REPS = CRM / "refresh_base.csv", CRM / "refresh_new.csv", CRM / "refresh_reps.csv"

NEW = ["N-101", "N-102", "N-103"]
REMOVED = ["B-004", "B-009"]
CHANGED = {"segment": ["B-002"], "potential": ["B-003"], "location": ["B-001", "B-005"], "owner": ["B-006"],
           "name": ["B-007"], "industry": ["B-008"], "pipeline": ["B-011"]}
MATCHED = [f"B-{i:03d}" for i in range(1, 13) if f"B-{i:03d}" not in REMOVED]


def run(capsys: pytest.CaptureFixture, *args: object) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture
def plan(tmp_path: Path, capsys: pytest.CaptureFixture) -> Path:
    out = tmp_path / "book.territory"
    code, _, err = run(capsys, "import", BASE, "--reps", REPS, "-o", out)
    assert code == 0, err
    return out


@pytest.fixture
def refreshed(plan: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> tuple[dict, Path, Path]:
    """The refresh as a script runs it: the JSON summary, the refreshed plan and the report."""
    out, report = tmp_path / "refreshed.territory", tmp_path / "changes.csv"
    code, text, err = run(capsys, "refresh", plan, NEWER, "--reps", REPS, "-o", out, "--json", "--report", report)
    assert code == 0, err
    return json.loads(text), out, report


def territories_of(plan: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> dict[str, tuple[str, str]]:
    """Account id -> (territory, baseline territory), from the assignments export."""
    out = tmp_path / f"{plan.stem}-assignments.csv"
    code, _, err = run(capsys, "export", plan, "-o", out)
    assert code == 0, err
    return {r["Account ID"]: (r["Territory"], r["Baseline Territory"]) for r in read_csv(out)}


def test_refresh_reports_exactly_the_known_additions_removals_and_changes(refreshed: tuple[dict, Path, Path]):
    summary, _, _ = refreshed
    assert summary["new"] == {"count": 3, "ids": NEW}
    assert summary["removed"] == {"count": 2, "ids": REMOVED}
    assert summary["changed"] == {k: {"count": len(v), "ids": v} for k, v in CHANGED.items()}
    assert summary["review"]["far"] == {"count": 1, "ids": ["B-005"]}  # San Diego -> Boston, still in SoCal
    assert summary["review"]["ineligible"]["count"] == 0  # the plan has no segment -> role rules


def test_new_accounts_are_routed_or_left_unassigned_with_a_reason(refreshed: tuple[dict, Path, Path]):
    summary, _, _ = refreshed
    assert summary["routed"] == {"count": 2, "ids": ["N-101", "N-102"]}
    assert summary["unrouted"]["ids"] == ["N-103"]
    assert summary["unrouted"]["reasons"] == ["not placed on the map, and no rule names it"]
    assert summary["routed"]["count"] + summary["unrouted"]["count"] == summary["new"]["count"]


def test_the_report_has_one_row_per_difference(refreshed: tuple[dict, Path, Path]):
    _, _, report = refreshed
    rows = read_csv(report)
    expected = {(i, kind) for kind, which in CHANGED.items() for i in which}
    expected |= {(i, "removed") for i in REMOVED} | {(i, "new") for i in NEW} | {("B-005", "review: far")}
    assert sorted((r["account_id"], r["change"]) for r in rows) == sorted(expected)
    by = {(r["account_id"], r["change"]): r for r in rows}
    assert (by["B-002", "segment"]["old"], by["B-002", "segment"]["new"]) == ("SMB", "Mid-Market")
    assert (by["B-006", "owner"]["old"], by["B-006", "owner"]["new"]) == ("Ben Ortiz", "Ann Lee")
    assert by["B-007", "name"]["new"] == "Emerald Cloud Works, LLC"  # the quoted comma survives both ways
    assert float(by["B-003", "potential"]["old"]) == 120_000 and float(by["B-003", "potential"]["new"]) == 240_000
    assert (by["B-005", "location"]["old"], by["B-005", "location"]["new"]) == ("San Diego, CA 92101",
                                                                                "Boston, MA 02108")
    assert by["N-101", "new"]["territory"] == "Bay Area"
    assert by["N-101", "new"]["reason"].startswith("No rule matched: nearest eligible rep with room (Bay Area")
    assert by["N-102", "new"]["territory"] == "Pacific NW"
    assert by["N-103", "new"]["territory"] == ""
    assert by["N-103", "new"]["reason"] == "not placed on the map, and no rule names it"
    assert by["B-004", "removed"]["territory"] == "SoCal"
    assert by["B-005", "review: far"]["territory"] == "SoCal"


def test_matched_accounts_keep_territory_and_baseline(plan: Path, tmp_path: Path, capsys: pytest.CaptureFixture):
    code, _, err = run(capsys, "move", plan, "--accounts", "B-003", "--to", "SoCal")  # a planner's move
    assert code == 0, err
    before = territories_of(plan, tmp_path, capsys)
    out = tmp_path / "refreshed.territory"
    code, _, err = run(capsys, "refresh", plan, NEWER, "-o", out, "--json")
    assert code == 0, err
    after = territories_of(out, tmp_path, capsys)
    assert sorted(after) == sorted(MATCHED + NEW)
    assert {i: after[i] for i in MATCHED} == {i: before[i] for i in MATCHED}
    assert after["B-003"] == ("SoCal", "Bay Area")  # still moved vs the baseline, as before the refresh
    assert after["B-006"] == ("SoCal", "SoCal")  # the CRM's new owner does not move the account
    assert after["B-005"] == ("SoCal", "SoCal")  # moved to Boston: flagged, not moved
    assert after["N-101"] == ("Bay Area", "") and after["N-103"] == ("", "")


def test_the_change_list_keeps_moves_across_the_refresh(plan: Path, tmp_path: Path, capsys: pytest.CaptureFixture):
    code, _, err = run(capsys, "move", plan, "--accounts", "B-003", "--to", "SoCal")
    assert code == 0, err
    out, changes = tmp_path / "refreshed.territory", tmp_path / "change-list.csv"
    assert run(capsys, "refresh", plan, NEWER, "-o", out)[0] == 0
    code, _, err = run(capsys, "export", out, "-o", tmp_path / "assignments.csv", "--changes", changes)
    assert code == 0, err
    rows = {r["Account ID"]: r for r in read_csv(changes)}
    assert (rows["B-003"]["From Territory"], rows["B-003"]["To Territory"]) == ("Bay Area", "SoCal")
    assert rows["B-003"]["Changed At"]  # the move's stamp came through the refresh
    assert rows["N-101"]["To Territory"] == "Bay Area" and rows["N-101"]["Reason"].startswith("No rule matched")


def test_gone_accounts_stay_in_the_change_list(refreshed: tuple[dict, Path, Path], tmp_path: Path,
                                               capsys: pytest.CaptureFixture):
    _, out, _ = refreshed
    changes = tmp_path / "change-list.csv"
    code, _, err = run(capsys, "export", out, "-o", tmp_path / "assignments.csv", "--changes", changes)
    assert code == 0, err
    rows = {r["Account ID"]: r for r in read_csv(changes)}
    assert rows["B-004"]["From Territory"] == "SoCal" and rows["B-004"]["To Territory"] == ""
    assert rows["B-009"]["From Territory"] == "Pacific NW"
    assert "gone from the CRM" in rows["B-004"]["Reason"]


def test_without_json_the_differences_are_sentences(plan: Path, tmp_path: Path, capsys: pytest.CaptureFixture):
    out = tmp_path / "refreshed.territory"
    code, text, err = run(capsys, "refresh", plan, NEWER, "-o", out)
    assert code == 0, err
    assert text.splitlines() == [
        f"Refreshed {plan} from {NEWER}: 3 new accounts; 2 accounts gone from the CRM; 1 changed segment; "
        "1 changed potential; 2 changed location; 1 changed owner; 1 changed name; 1 changed industry; "
        "1 changed pipeline; 1 to review: moved far outside their territory.",
        "Routed 2 accounts; 1 left unassigned.",
        f"Saved {out}.",
        "Read 14 rows from refresh_new.csv: 13 accounts kept, 0 rejected, 1 blank or footer line skipped; "
        "0 errors, 1 warning:",  # the blank row 9 is no account: skipped, not listed
        "  refresh_new.csv, row 15, column 'BILLING ZIP/POSTAL CODE': cannot place this account (no valid "
        "latitude/longitude, known US ZIP or known city); kept without a location",
    ]


def test_a_rejected_row_stops_the_refresh_unless_told_to_skip_it(plan: Path, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture):
    """B-008's row has lost its id: refreshing would drop B-008 from the plan as gone from the CRM."""
    out = tmp_path / "refreshed.territory"
    code, text, err = run(capsys, "refresh", plan, CRM / "refresh_bad_row.csv", "-o", out)
    assert (code, text) == (2, "") and not out.exists()
    assert err.strip() == ("territory-desktop refresh: refresh_bad_row.csv, row 13, column 'account id': blank "
                           "account id: an account of the plan on a rejected row would count as gone from the CRM; "
                           "fix the export, or pass --skip-bad-rows to refresh without those rows")
    code, text, err = run(capsys, "refresh", plan, CRM / "refresh_bad_row.csv", "-o", out, "--skip-bad-rows",
                          "--json")
    assert code == 0, err
    summary = json.loads(text)
    assert summary["removed"]["ids"] == ["B-004", "B-008", "B-009"]
    assert summary["import"]["rejected"] == 1 and summary["import"]["kept"] == 12  # the blank row is skipped
    assert summary["import"]["skipped"] == 1
    assert "refresh_bad_row.csv, row 13, column 'account id': blank account id" in summary["import"]["problems"]


def test_new_accounts_the_lock_rules_name_are_locked_where_they_were_routed(plan: Path, tmp_path: Path,
                                                                           capsys: pytest.CaptureFixture):
    """A lock rule saved in the plan (set in the window's Lock by rule) locks the new accounts that match."""
    from territory_desktop.io.project.project_file import open_project, save_project

    book = open_project(plan)
    book.settings = replace(book.settings, lock_rules=(("Advisers", "industry", "=", "Professional Services"),))
    save_project(book, plan)
    out, report = tmp_path / "refreshed.territory", tmp_path / "changes.csv"
    code, text, err = run(capsys, "refresh", plan, NEWER, "-o", out, "--json", "--report", report)
    assert code == 0, err
    assert json.loads(text)["locked"] == {"count": 1, "ids": ["N-101"]}  # "Smith, Jones & Co", routed to Bay Area
    refreshed = open_project(out)
    locked = refreshed.accounts["account_id"][refreshed.locked].tolist()
    assert locked == ["N-101"] and territories_of(out, tmp_path, capsys)["N-101"][0] == "Bay Area"
    row = next(r for r in read_csv(report) if r["account_id"] == "N-101")
    assert row["reason"].endswith("; locked by the lock rules")


def test_no_route_leaves_the_new_accounts_unassigned(plan: Path, tmp_path: Path, capsys: pytest.CaptureFixture):
    out = tmp_path / "refreshed.territory"
    code, text, err = run(capsys, "refresh", plan, NEWER, "-o", out, "--no-route", "--json")
    assert code == 0, err
    assert json.loads(text)["routed"]["count"] == 0
    after = territories_of(out, tmp_path, capsys)
    assert [after[i][0] for i in NEW] == ["", "", ""]


def test_a_plan_imported_by_name_refreshes_by_name(tmp_path: Path, capsys: pytest.CaptureFixture):
    """Without an id column the import uses names as ids; such a plan may be refreshed from the same kind of
    export (an export without ids is refused only for a plan matched by id)."""
    plan, out = tmp_path / "by-name.territory", tmp_path / "again.territory"
    assert run(capsys, "import", CRM / "refresh_no_id.csv", "-o", plan)[0] == 0
    code, text, err = run(capsys, "refresh", plan, CRM / "refresh_no_id.csv", "-o", out, "--json")
    assert code == 0, err
    summary = json.loads(text)
    assert (summary["new"]["count"], summary["removed"]["count"]) == (0, 0)
    assert all(v["count"] == 0 for v in summary["changed"].values())


def test_refresh_routes_only_the_new_accounts(plan: Path, tmp_path: Path, capsys: pytest.CaptureFixture):
    """Accounts already unassigned before the refresh stay for `route` (the window's refresh does the same): the
    counts of routed and unrouted are the new accounts' alone."""
    first, second = tmp_path / "first.territory", tmp_path / "second.territory"
    assert run(capsys, "refresh", plan, NEWER, "-o", first, "--no-route")[0] == 0  # N-101..N-103 unassigned
    code, text, err = run(capsys, "refresh", first, NEWER, "-o", second, "--json")
    assert code == 0, err
    summary = json.loads(text)
    assert summary["new"]["count"] == 0 and summary["removed"]["count"] == 0
    assert summary["routed"]["count"] == 0 and summary["unrouted"]["count"] == 0
    assert [territories_of(second, tmp_path, capsys)[i][0] for i in NEW] == ["", "", ""]


@pytest.mark.parametrize(("export", "output", "says"), [
    (CRM / "refresh_no_id.csv", "out.territory", "refresh_no_id.csv has no account id column"),
    (CRM / "refresh_other_crm.csv", "out.territory", "none of the 2 accounts in refresh_other_crm.csv"),
    (CRM / "refresh_missing.csv", "out.territory", "refresh_missing.csv: file not found"),
    (NEWER, "PLAN", "is the plan itself: it would be overwritten"),
    (NEWER, "out.csv", "must end in .territory"),
    (NEWER, "missing-folder/out.territory", "does not exist"),
])
def test_bad_input_is_one_clear_line_and_exit_2(plan: Path, tmp_path: Path, capsys: pytest.CaptureFixture,
                                                export: Path, output: str, says: str):
    saved = plan.read_bytes()
    out = plan if output == "PLAN" else tmp_path / output
    code, text, err = run(capsys, "refresh", plan, export, "-o", out, "--json")
    assert code == 2
    assert text == ""
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert err.startswith("territory-desktop refresh: ") and says in err, err
    assert plan.read_bytes() == saved
    assert out == plan or not out.exists()


def test_the_counts_of_the_sentences_agree_with_their_nouns(plan: Path, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture):
    """One error, two warnings, one account locked: each count reads in its own number, never "(s)"."""
    from territory_desktop.io.project.project_file import open_project, save_project

    book = open_project(plan)
    book.settings = replace(book.settings, lock_rules=(("Advisers", "industry", "=", "Professional Services"),))
    save_project(book, plan)
    export = tmp_path / "two_unplaced.csv"  # Olympia Outdoor Supply loses its address: a second warning
    export.write_text(NEWER.read_text(encoding="utf-8").replace(",Olympia,WA,98501,", ",,,,"), encoding="utf-8")
    out = tmp_path / "refreshed.territory"
    code, text, err = run(capsys, "refresh", plan, export, "-o", out)
    assert code == 0, err
    lines = text.splitlines()
    assert "Locked 1 new account by the plan's lock rules." in lines
    assert ("Read 14 rows from two_unplaced.csv: 13 accounts kept, 0 rejected, 1 blank or footer line skipped; "
            "0 errors, 2 warnings:") in lines
    assert "(s)" not in text


def test_a_second_rejected_row_is_counted_in_the_singular(plan: Path, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture):
    export = tmp_path / "two_lost_ids.csv"
    text = NEWER.read_text(encoding="utf-8")
    export.write_text(text.replace("B-007,", ",").replace("B-008,", ","), encoding="utf-8")
    code, out, err = run(capsys, "refresh", plan, export, "-o", tmp_path / "refreshed.territory")
    assert (code, out) == (2, "")
    assert "blank account id (and 1 more rejected row): an account of the plan" in err


def test_a_report_footer_does_not_stop_the_refresh(plan: Path, tmp_path: Path, capsys: pytest.CaptureFixture):
    """Blank lines and a report's footer lose nothing: the refresh goes on without --skip-bad-rows."""
    export = tmp_path / "export_q3.csv"
    export.write_text(NEWER.read_text(encoding="utf-8") + '\n"Grand Totals (14 records)"\n\n'
                      '"Copyright (c) 2000-2024 salesforce.com, inc. All rights reserved."\n'
                      '"Confidential Information - Do Not Distribute"\n', encoding="utf-8")
    out = tmp_path / "refreshed.territory"
    code, text, err = run(capsys, "refresh", plan, export, "-o", out)
    assert code == 0, err
    assert ("Read 19 rows from export_q3.csv: 13 accounts kept, 0 rejected, 6 blank or footer lines skipped; "
            "0 errors, 1 warning:") in text.splitlines()
    assert "report footer" not in text and "Grand Totals" not in text and "empty row" not in text
    code, text, err = run(capsys, "refresh", plan, export, "-o", out, "--json")
    summary = json.loads(text)["import"]
    assert (summary["rows_in"], summary["kept"], summary["rejected"], summary["skipped"]) == (19, 13, 0, 6)
