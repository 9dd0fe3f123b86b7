"""`territory-desktop review` through the real CLI: the quarterly review of a plan, the mark that starts the next
one, the drift between two reviews, the CRM refreshes since the mark, --json and bad input.

The book is written here: four reps (tests/fixtures/crm/refresh_reps.csv) with four equal accounts each near
their home, so every territory starts in band and a move of two accounts pushes two of them out. Last-activity
dates are relative to today, so "untouched for 90 days" is the same whenever the test runs.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest

from territory_desktop.app import main
from tests.conftest import FIXTURES

CRM = FIXTURES / "crm"
REPS = CRM / "refresh_reps.csv"
BOOK = {  # territory: (city, state, ZIP) of its four accounts
    "Bay Area": [("San Francisco", "CA", "94105"), ("Oakland", "CA", "94612"), ("San Mateo", "CA", "94401"),
                 ("Berkeley", "CA", "94704")],
    "SoCal": [("Los Angeles", "CA", "90012"), ("Pasadena", "CA", "91101"), ("Long Beach", "CA", "90802"),
              ("Glendale", "CA", "91203")],
    "Pacific NW": [("Seattle", "WA", "98101"), ("Tacoma", "WA", "98402"), ("Bellevue", "WA", "98004"),
                   ("Everett", "WA", "98201")],
    "Northeast": [("Boston", "MA", "02116"), ("Cambridge", "MA", "02139"), ("Somerville", "MA", "02143"),
                  ("Quincy", "MA", "02169")],
}
OWNERS = {"Bay Area": "Ann Lee", "SoCal": "Ben Ortiz", "Pacific NW": "Cara Wu", "Northeast": "Dan Ruiz"}
STALE = {"A-01", "A-06", "A-11"}
"""Accounts last touched 200 days ago (A-16 has no date at all: untouched too)."""


def run(capsys: pytest.CaptureFixture, *args: object) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


def write_book(path: Path) -> Path:
    today = dt.date.today()
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Account ID", "Account Name", "Account Owner", "Billing City", "Billing State/Province",
                    "Billing Zip/Postal Code", "Segment", "Account Potential", "Last Activity Date"])
        k = 0
        for territory, places in BOOK.items():
            for city, state, zip_ in places:
                k += 1
                aid = f"A-{k:02d}"
                when = "" if aid == "A-16" else (today - dt.timedelta(days=200 if aid in STALE else 10)).isoformat()
                w.writerow([aid, f"{city} Supply {k}", OWNERS[territory], city, state, zip_, "SMB", "$100,000",
                            when])
    return path


@pytest.fixture
def plan(tmp_path: Path, capsys: pytest.CaptureFixture) -> Path:
    out = tmp_path / "book.territory"
    code, _, err = run(capsys, "import", write_book(tmp_path / "book.csv"), "--reps", REPS, "-o", out)
    assert code == 0, err
    return out


def review_json(capsys: pytest.CaptureFixture, plan: Path) -> dict:
    code, text, err = run(capsys, "review", plan, "--json")
    assert code == 0, err
    return json.loads(text)


def mark(capsys: pytest.CaptureFixture, plan: Path, out: Path) -> None:
    code, text, err = run(capsys, "review", plan, "--mark", "-o", out)
    assert code == 0, err
    assert text.splitlines()[-1] == f"Marked the review done; the next review starts here. Saved {out}."


def test_a_plan_never_reviewed_is_reviewed_since_it_was_made(plan: Path, capsys: pytest.CaptureFixture):
    code, text, err = run(capsys, "review", plan)
    assert code == 0, err
    lines = text.splitlines()
    assert lines[0] == "Quarterly review of book.territory:"
    assert lines[1] == "  0 edits since the plan was made (no review marked yet)."
    assert "  Out of band: 0 of 4 territories." in lines
    assert "  0 accounts unassigned; 4 untouched for 90+ days." in lines
    assert not any(ln.startswith(("Territories:", "Accounts moved")) for ln in lines)


def test_json_has_the_review_figures_and_the_accounts_they_name(plan: Path, capsys: pytest.CaptureFixture):
    got = review_json(capsys, plan)
    assert {"since", "edits", "moved", "moved_ids", "out_of_band", "left_band", "back_in_band", "over_capacity",
            "new_over_capacity", "vacant", "unassigned", "unassigned_ids", "untouched", "untouched_ids",
            "refreshes", "changed_segment", "budget", "budget_left", "territories", "accounts", "lines",
            "marked"} <= set(got)
    assert got["since"] is None and got["marked"] is None
    assert (got["territories"], got["accounts"], got["moved"], got["out_of_band"]) == (4, 16, 0, [])
    assert sorted(got["untouched_ids"]) == sorted(STALE | {"A-16"}) and got["untouched"] == 4


def test_the_drift_since_the_mark_shows_which_territories_left_and_came_back(plan: Path, tmp_path: Path,
                                                                            capsys: pytest.CaptureFixture):
    marked = tmp_path / "reviewed.territory"
    mark(capsys, plan, marked)
    got = review_json(capsys, marked)
    assert got["since"]["summary"].startswith("Reviewed 4 territories: 0 out of band, 0 over capacity")
    assert (got["edits"], got["moved"], got["left_band"]) == (0, 0, [])

    assert run(capsys, "move", marked, "--accounts", "A-01,A-02", "--to", "SoCal")[0] == 0
    code, text, err = run(capsys, "review", marked)
    assert code == 0, err
    lines = text.splitlines()
    assert lines[1].startswith("  1 edit since the review of ")
    assert "  2 accounts moved: No reason given 2." in lines
    assert "  Out of band: 2 of 4 territories, 2 of them new since the review." in lines
    table = lines[lines.index("Territories:") + 1:lines.index("Accounts moved:")]
    assert [(ln.split()[0:2], "Left the band since the review" in ln) for ln in table] == [
        (["Bay", "Area"], True), (["SoCal", "Left"], True)]
    assert "potential -50%" in table[0] and "potential +50%" in table[1]
    assert lines[lines.index("Accounts moved:") + 1:] == [
        "  A-01  San Francisco Supply 1 -> SoCal (no reason given)",
        "  A-02  Oakland Supply 2 -> SoCal (no reason given)"]

    again = tmp_path / "second-review.territory"
    mark(capsys, marked, again)  # the second review sees Bay Area and SoCal out of band
    assert run(capsys, "move", again, "--accounts", "A-01,A-02", "--to", "Bay Area")[0] == 0
    got = review_json(capsys, again)
    assert got["left_band"] == [] and got["out_of_band"] == []
    assert got["back_in_band"] == [{"territory": "Bay Area", "detail": "in band"},
                                   {"territory": "SoCal", "detail": "in band"}]
    assert sorted(got["moved_ids"]) == ["A-01", "A-02"]


def test_the_review_lists_crm_refreshes_and_segment_changes_since_the_mark(tmp_path: Path,
                                                                           capsys: pytest.CaptureFixture):
    base, marked, refreshed = (tmp_path / n for n in ("base.territory", "marked.territory", "new.territory"))
    assert run(capsys, "import", CRM / "refresh_base.csv", "--reps", REPS, "-o", base)[0] == 0
    mark(capsys, base, marked)
    assert run(capsys, "refresh", marked, CRM / "refresh_new.csv", "-o", refreshed)[0] == 0
    got = review_json(capsys, refreshed)
    assert got["changed_segment"] == 1  # B-002, SMB -> Mid-Market
    assert len(got["refreshes"]) == 1
    assert got["refreshes"][0]["summary"].startswith("3 new accounts; 2 accounts gone from the CRM; "
                                                     "1 changed segment; 1 changed potential")
    assert got["moved_ids"] == ["N-101", "N-102"] and got["unassigned_ids"] == ["N-103"]
    code, text, _ = run(capsys, "review", refreshed)
    assert "  1 account changed segment in 1 CRM refresh." in text.splitlines()


def test_mark_writes_only_the_output_and_the_input_is_left_as_it_was(plan: Path, tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture):
    saved = plan.read_bytes()
    out = tmp_path / "reviewed.territory"
    code, text, err = run(capsys, "review", plan, "--mark", "-o", out, "--json")
    assert code == 0, err
    got = json.loads(text)
    assert got["marked"] == {"output": str(out)} and got["since"] is None  # the review it marked
    assert plan.read_bytes() == saved
    assert review_json(capsys, out)["since"]["summary"].startswith("Reviewed 4 territories")
    assert review_json(capsys, plan)["since"] is None


@pytest.mark.parametrize(("args", "says"), [
    (["--mark"], "--mark needs -o OUT.territory"),
    (["-o", "out.territory"], "-o is for --mark"),
    (["--mark", "-o", "PLAN"], "is the plan itself: it would be overwritten"),
    (["--mark", "-o", "out.csv"], "must end in .territory"),
    (["--limit", "-1"], "--limit must be 0 (all) or more"),
    (["--scenario", "Nope"], "Nope"),
])
def test_bad_use_is_one_clear_line_and_exit_2(plan: Path, tmp_path: Path, capsys: pytest.CaptureFixture,
                                              args: list[str], says: str):
    saved = plan.read_bytes()
    args = [str(plan) if a == "PLAN" else str(tmp_path / a) if a.endswith((".territory", ".csv")) else a
            for a in args]
    code, text, err = run(capsys, "review", plan, *args)
    assert (code, text) == (2, "")
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert err.startswith("territory-desktop review: ") and says in err, err
    assert plan.read_bytes() == saved


@pytest.mark.parametrize(("name", "says"), [
    ("missing.territory", "missing.territory does not exist"),
    ("book.csv", "not a Territory Desktop project"),
])
def test_a_file_that_is_not_a_plan_is_one_clear_line(tmp_path: Path, capsys: pytest.CaptureFixture, name: str,
                                                     says: str):
    path = tmp_path / name
    if name.endswith(".csv"):
        write_book(path)
    code, text, err = run(capsys, "review", path)
    assert (code, text) == (2, "")
    assert len(err.strip().splitlines()) == 1 and says in err and "Traceback" not in err, err


def test_a_move_in_the_same_second_as_the_mark_counts(plan: Path, tmp_path: Path, capsys: pytest.CaptureFixture,
                                                      monkeypatch: pytest.MonkeyPatch):
    """A script marks the review and moves at once: every stamp falls in one second."""
    stamp = "2026-12-03T10:00:00+00:00"
    monkeypatch.setattr("territory_desktop.core.plan.now_iso", lambda: stamp)
    monkeypatch.setattr("territory_desktop.core.edits.moves.now_iso", lambda: stamp)
    monkeypatch.setattr("territory_desktop.core.edits.territories.now_iso", lambda: stamp)
    marked = tmp_path / "reviewed.territory"
    assert run(capsys, "review", plan, "--mark", "-o", marked)[0] == 0
    assert run(capsys, "move", marked, "--accounts", "A-01,A-02", "--to", "SoCal")[0] == 0
    got = review_json(capsys, marked)
    assert got["edits"] == 1
    assert sorted(got["moved_ids"]) == ["A-01", "A-02"]
