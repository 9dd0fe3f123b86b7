"""Routing rules through the real CLI: a hand-written rules CSV is loaded, `route` assigns the unassigned accounts
(named first, then the most specific rule, then the nearest rep with room) and says which rule sent each; the
rules export as the CSV a CRM admin loads; a bad rules file is one line naming the row, exit 2.

The fixture (tests/fixtures/crm/rules_*.csv) is a small West-coast book: seven reps, seven owned accounts and
twelve unowned ones placed so that every step of the routing is needed exactly where the test says.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from territory_desktop.app import main
from tests.conftest import FIXTURES

CRM = FIXTURES / "crm"


def run(capsys: pytest.CaptureFixture, *args: str) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def plan(tmp_path: Path, capsys: pytest.CaptureFixture) -> Path:
    out = tmp_path / "book.territory"
    code, _, err = run(capsys, "import", CRM / "rules_accounts.csv", "--reps", CRM / "rules_reps.csv", "-o", out)
    assert code == 0, err
    return out


@pytest.fixture
def ruled(plan: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> Path:
    out = tmp_path / "ruled.territory"
    code, text, err = run(capsys, "rules", plan, "--load", CRM / "rules_good.csv", "-o", out)
    assert code == 0, err
    assert "Loaded rules for 6 territories" in text
    return out


def test_loading_a_hand_written_rules_file_reports_overlaps_and_gaps(ruled: Path, capsys: pytest.CaptureFixture):
    code, text, _ = run(capsys, "rules", ruled, "--load", CRM / "rules_good.csv", "-o",
                        ruled.with_name("again.territory"))
    assert code == 0
    lines = [ln.strip() for ln in text.splitlines()]
    assert ("Overlap: 1 account meets the rules of both Healthcare West and Desert equally (e.g. Desert Springs "
            "Hospital); the nearer home wins") in lines
    assert any(ln.startswith("Gap: 4 accounts meet no territory's rules (e.g. Lone Star Hardware") for ln in lines)


def test_route_sends_each_unassigned_account_by_precedence_and_says_why(ruled: Path, tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture):
    out = tmp_path / "routed.territory"
    code, text, err = run(capsys, "route", ruled, "-o", out, "--json")
    assert code == 0, err
    result = json.loads(text)
    got = {a["account_id"]: (a["territory"], a["reason"]) for a in result["routed"]["accounts"]}
    assert got == {
        # the most specific rule: a ZIP prefix + segment beats the state rule of California
        "R-010": ("Bay Area SMB", "Rule of Bay Area SMB: ZIP starting with 940, 941, 946; segment in SMB"),
        "R-011": ("California", "Rule of California: state in CA"),  # 951 is not a Bay Area prefix
        "R-012": ("California", "Rule of California: state in CA"),  # Bay Area SMB is for SMB only
        "R-013": ("Healthcare West", "Rule of Healthcare West: state in CA, NV, AZ; industry in Health Care"),
        "R-014": ("Pacific NW", "Rule of Pacific NW: state in WA, OR"),
        # Healthcare West and Desert are equally specific here: the nearer home (Los Angeles) wins
        "R-015": ("Healthcare West", "Rule of Healthcare West: state in CA, NV, AZ; industry in Health Care"),
        "R-016": ("Desert", "Rule of Desert: state in NV, AZ; segment in Mid-Market"),
        "R-017": ("Desert", "No rule matched: nearest eligible rep with room (Desert, 171 km)"),
        # Texas is nearest but has no room left (5 h capacity): the next nearest rep with room takes it
        "R-018": ("Rockies", "No rule matched: nearest eligible rep with room (Rockies, 1,416 km)"),
        "R-019": ("Rockies", "Rule of Rockies: state in CO, UT"),
        # named first: Spokane is in WA (Pacific NW's state) but Rockies names the account
        "R-020": ("Rockies", "Named account of Rockies"),
        "R-021": ("Pacific NW", "No rule matched: nearest eligible rep with room (Pacific NW, 650 km)"),
    }
    assert result["routed"]["by"] == {"named": 1, "rule": 8, "nearest": 3}
    assert result["unrouted"] == {"count": 0, "ids": [], "reasons": []}
    assert result["overlaps"] == [{"territories": ["Healthcare West", "Desert"], "count": 1, "ids": ["R-015"]}]
    assert result["gaps"]["ids"] == ["R-005", "R-017", "R-018", "R-021"]

    # the saved plan has them assigned, and each account's reason is in the change list
    changes = tmp_path / "changes.csv"
    assert run(capsys, "export", out, "-o", tmp_path / "assign.csv", "--changes", changes)[0] == 0
    with open(changes, encoding="utf-8-sig", newline="") as fh:
        rows = {r["Account ID"]: r for r in csv.DictReader(fh)}
    assert set(rows) == set(got)
    assert {aid: (r["To Territory"], r["Reason"]) for aid, r in rows.items()} == got
    # nothing is left to route the second time
    code, text, _ = run(capsys, "route", out, "-o", tmp_path / "twice.territory", "--json")
    assert json.loads(text)["routed"]["count"] == 0


def test_route_in_words(ruled: Path, tmp_path: Path, capsys: pytest.CaptureFixture):
    code, text, _ = run(capsys, "route", ruled, "-o", tmp_path / "r.territory")
    assert code == 0
    assert text.startswith("Routed 12 accounts: 1 named, 8 by a rule, 3 to the nearest rep with room; "
                           "0 left unassigned.")


def test_rules_export_is_a_crm_table_that_loads_back_unchanged(ruled: Path, plan: Path, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture):
    exported = tmp_path / "rules.csv"
    code, text, _ = run(capsys, "rules", ruled, "--export", exported)
    assert code == 0 and "Wrote 10 rule rows" in text
    with open(exported, encoding="utf-8", newline="") as fh:
        table = list(csv.reader(fh))
    assert table[0] == ["territory", "field", "operator", "value"]
    assert ["Bay Area SMB", "zip_prefix", "in", "940,941,946"] in table
    assert ["Rockies", "account_id", "in", "R-020"] in table
    assert ["Desert", "segment", "in", "Mid-Market"] in table  # "=" in the hand-written file is "in"
    # loading the export into the rule-less plan gives the same rules (and the same export)
    back = tmp_path / "back.territory"
    assert run(capsys, "rules", plan, "--load", exported, "-o", back)[0] == 0
    again = tmp_path / "again.csv"
    assert run(capsys, "rules", back, "--export", again)[0] == 0
    assert again.read_text(encoding="utf-8") == exported.read_text(encoding="utf-8")


@pytest.mark.parametrize(("fixture", "message"), [
    ("rules_bad_territory.csv", "rules_bad_territory.csv: row 4: no territory called 'Mountain'"),
    ("rules_bad_field.csv", "rules_bad_field.csv: row 3: unknown field 'Region' (use one of: Named account, ZIP, "
                            "ZIP prefix, County, City, State, Country, Segment, Industry)"),
])
def test_a_bad_rules_row_is_one_line_naming_the_row_and_nothing_is_written(plan: Path, tmp_path: Path,
                                                                         capsys: pytest.CaptureFixture,
                                                                         fixture: str, message: str):
    out = tmp_path / "out.territory"
    code, text, err = run(capsys, "rules", plan, "--load", CRM / fixture, "-o", out)
    assert code == 2 and text == ""
    assert err.strip().splitlines() == [f"territory-desktop rules: {message}"]
    assert not out.exists()


@pytest.mark.parametrize(("content", "message"), [
    ("", "empty.csv: the file is empty"),
    ("territory,field,value\nCalifornia,state,CA\n", "missing column operator"),
    ("territory,field,operator,value\nCalifornia,ZIP prefix,in,9A1\n", "row 2: ZIP prefixes are digits: 9A1"),
    ("territory,field,operator,value\nCalifornia,state,between,CA\n",
     "row 2: unknown operator 'between' (use 'in' or 'not in')"),
    ("territory,field,operator,value\nCalifornia,state,in,\n", "row 2: the rule on State has no values"),
])
def test_other_bad_rules_files_get_a_clear_message(plan: Path, tmp_path: Path, capsys: pytest.CaptureFixture,
                                                   content: str, message: str):
    rules = tmp_path / "empty.csv"
    rules.write_text(content, encoding="utf-8")
    code, _, err = run(capsys, "rules", plan, "--load", rules, "-o", tmp_path / "o.territory")
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1


def test_load_without_an_output_is_refused(plan: Path, capsys: pytest.CaptureFixture):
    code, _, err = run(capsys, "rules", plan, "--load", CRM / "rules_good.csv")
    assert code == 2 and "--load needs -o OUT.territory" in err
