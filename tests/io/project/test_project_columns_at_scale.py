"""How an imported plan of realistic size is stored (issue 19, scale): repeated text as distinct values with the
narrowest codes, imported columns equal to canonical ones stored once, change notes of a few moved accounts;
every one of them reopens as exactly the plan saved, stays independent once opened, and damage is refused."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from territory_desktop.core.edits import MoveAccounts
from territory_desktop.io.importing.importer import import_plan
from territory_desktop.io.project.project_file import ProjectFileError, open_project, save_project
from territory_desktop.io.sample.generate import write_sample

N = 25_000


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """A 25,000-account CRM export (50 reps) imported and saved: large enough for the dictionary and
    all-different paths of the codec and the importer."""
    folder = tmp_path_factory.mktemp("sample")
    accounts, reps = write_sample(folder, N, 50, seed=3)
    plan = import_plan(accounts, reps).plan
    path = folder / "plan.territory"
    save_project(plan, path)
    return plan, path


def _stored(path: Path) -> dict[tuple[str, str], tuple[str, dict]]:
    con = sqlite3.connect(path)
    try:
        rows = con.execute("SELECT frame, name, kind, dtype FROM columns WHERE scenario = 0").fetchall()
    finally:
        con.close()
    return {(f, json.loads(n)): (k, json.loads(d) if d.startswith("{") else {}) for f, n, k, d in rows}


def test_repeated_text_is_stored_with_narrow_codes_and_reopens_equal(imported):
    plan, path = imported
    stored = _stored(path)
    kind, spec = stored["accounts", "segment"]  # 3 segments: one byte per account
    assert (kind, spec["codes"], spec["values"]) == ("text_dict", "|i1", 3)
    kind, spec = stored["accounts", "owner"]  # 50 reps (and blanks)
    assert kind == "text_dict" and spec["codes"] == "|i1"
    assert stored["accounts", "account_id"][0] == "text"  # every id differs: stored row by row
    back = open_project(path)
    pd.testing.assert_frame_equal(plan.accounts, back.accounts, check_exact=True)
    pd.testing.assert_frame_equal(plan.source, back.source, check_exact=True)


def test_a_text_column_with_thousands_of_values_gets_two_byte_codes(tmp_path):
    plan, _ = _small_plan()
    cities = np.array([f"Town {i % 5000}" for i in range(len(plan.accounts))], dtype=object)
    plan.accounts["city"] = pd.Series(cities, dtype=plan.accounts["name"].dtype)
    save_project(plan, tmp_path / "p.territory")
    kind, spec = _stored(tmp_path / "p.territory")["accounts", "city"]
    assert (kind, spec["codes"], spec["values"]) == ("text_dict", "<i2", 5000)
    assert open_project(tmp_path / "p.territory").accounts["city"].tolist() == cities.tolist()


def _small_plan():
    from tests.conftest import make_plan

    plan = make_plan(n=12_000, k=4, seed=1)
    return plan, None


def test_imported_columns_are_stored_once_and_stay_apart_once_opened(imported):
    _, path = imported
    stored = _stored(path)
    for column in ("Account ID", "Account Name", "Billing City", "Account Owner"):
        assert stored["source", column][0] == "copy", column
    plan = open_project(path)
    name_before = plan.accounts["name"].iloc[0]
    plan.source.loc[0, "Account Name"] = "Renamed in the source"  # one column changed: its twin is not
    assert plan.accounts["name"].iloc[0] == name_before
    plan.accounts.loc[1, "name"] = "Renamed canonically"
    assert plan.source["Account Name"].iloc[1] != "Renamed canonically"


def test_an_opened_plan_saved_again_keeps_its_copies_and_an_edited_copy_is_saved_apart(imported, tmp_path):
    """Saving an opened plan finds its shared columns without comparing cells; a column written since it
    was opened no longer shares, so it is compared and stored as its own values."""
    _, path = imported
    plan = open_project(path)
    again = tmp_path / "again.territory"
    save_project(plan, again)
    assert all(_stored(again)["source", c][0] == "copy" for c in ("Account Name", "Billing City"))
    plan.source.loc[2, "Account Name"] = "Renamed in the source"
    plan.accounts.loc[3, "city"] = "Renamed city"
    edited = tmp_path / "edited.territory"
    save_project(plan, edited)
    stored = _stored(edited)
    assert stored["source", "Account Name"][0] != "copy" and stored["source", "Billing City"][0] != "copy"
    reopened = open_project(edited)
    assert reopened.source["Account Name"].iloc[2] == "Renamed in the source"
    assert reopened.accounts["name"].iloc[2] == plan.accounts["name"].iloc[2] != "Renamed in the source"
    assert reopened.accounts["city"].iloc[3] == "Renamed city"
    assert reopened.source["Billing City"].iloc[3] == plan.source["Billing City"].iloc[3] != "Renamed city"


def test_change_notes_of_a_few_moved_accounts_come_back_exactly(imported, tmp_path):
    _, path = imported
    plan = open_project(path)
    rows = np.array([3, 17, N - 1])
    target = int(next(i for i in plan.active_territories() if i not in plan.assignment[rows]))
    plan.apply(MoveAccounts(rows, target, reason="rep departure", by="ann", at="2026-12-03T10:00:00+00:00"))
    save_project(plan, tmp_path / "moved.territory")
    back = open_project(tmp_path / "moved.territory")
    for part in ("reason", "by", "at"):
        assert np.array_equal(getattr(back.notes, part), getattr(plan.notes, part)), part
    assert set(np.flatnonzero(back.notes.reason != "")) == set(rows.tolist())
    assert back.assignment[rows].tolist() == [target] * 3


def _damage(path: Path, column: str, change) -> None:  # noqa: ANN001 - change(kind, dtype, data, mask)
    """Rewrite one stored column with its checksum recomputed, as a crafted file would."""
    import zlib

    con = sqlite3.connect(path)
    try:
        kind, dtype, data, mask = con.execute("SELECT kind, dtype, data, mask FROM columns WHERE frame = "
                                              "'accounts' AND name = ?", (json.dumps(column),)).fetchone()
        dtype, data, mask = change(dtype, bytes(data), None if mask is None else bytes(mask))
        crc = zlib.crc32(mask or b"", zlib.crc32(data))
        con.execute("UPDATE columns SET dtype = ?, data = ?, mask = ?, crc = ? WHERE frame = 'accounts' AND "
                    "name = ?", (dtype, data, mask, crc, json.dumps(column)))
        con.commit()
    finally:
        con.close()


def test_codes_out_of_range_are_refused(imported, tmp_path):
    _, path = imported
    bad = tmp_path / "bad.territory"
    bad.write_bytes(path.read_bytes())
    _damage(bad, "segment", lambda d, data, mask: (d, data, b"\x07" + mask[1:]))  # segment 8 of 3
    with pytest.raises(ProjectFileError, match=r"bad\.territory is damaged: column 'segment'.*out of range"):
        open_project(bad)


def test_an_unknown_code_width_is_refused(imported, tmp_path):
    _, path = imported
    bad = tmp_path / "wide.territory"
    bad.write_bytes(path.read_bytes())
    _damage(bad, "segment", lambda d, data, mask: (json.dumps({**json.loads(d), "codes": "<i8"}), data, mask))
    with pytest.raises(ProjectFileError, match=r"wide\.territory is damaged: column 'segment'.*code type"):
        open_project(bad)
