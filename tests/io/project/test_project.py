"""The project file gives back exactly the plan that was saved, survives a kill mid-save, and refuses bad files
with a message that names the file."""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from territory_desktop.core.edits import MoveAccounts, RemoveTerritory, SetAccountLocks, UpdateTerritory
from territory_desktop.core.kpi_state import KpiState
from territory_desktop.core.plan import Plan, accounts_frame
from territory_desktop.core.settings import BalancedMeasure, BalanceSettings, WorkloadModel
from territory_desktop.core.territory import Territory
from territory_desktop.io.project.column_codec import EncodedColumn, decode_series
from territory_desktop.io.project.project_file import (
    ProjectFileError,
    open_project,
    read_save_id,
    save_project,
)
from tests.conftest import make_plan
from tests.io.project._save_victim import victim_plans

VICTIM = Path(__file__).with_name("_save_victim.py")


def kpi_tuple(k: KpiState) -> tuple:
    return (k.counts.tolist(), k.sums.tolist(), k.workload.tolist(), k.seg_counts.tolist(), k.moved_count,
            k.moved_sums.tolist())


def assert_same_plan(a: Plan, b: Plan) -> None:
    pd.testing.assert_frame_equal(a.accounts, b.accounts, check_exact=True, check_column_type=True)
    if a.source is None:
        assert b.source is None
    else:
        pd.testing.assert_frame_equal(a.source, b.source, check_exact=True, check_column_type=True)
    assert [t.to_dict() for t in a.territories] == [t.to_dict() for t in b.territories]
    for name in ("assignment", "baseline", "locked"):
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype and np.array_equal(x, y), name
    assert a.settings == b.settings
    assert kpi_tuple(b.kpis) == kpi_tuple(KpiState.full(b)) == kpi_tuple(a.kpis)


# ----- round trip ------------------------------------------------------------------------------------------
texts = st.one_of(st.none(), st.just(""), st.text(max_size=12))
floats = st.floats(allow_nan=True, allow_infinity=True)


@st.composite
def random_plans(draw: st.DrawFn) -> Plan:
    n = draw(st.integers(0, 25))
    k = draw(st.integers(1, 5))
    col = lambda strat: draw(st.lists(strat, min_size=n, max_size=n))  # noqa: E731
    acc = accounts_frame({
        "account_id": [f"A{i}" for i in range(n)],
        "name": pd.Series(col(st.text(max_size=10)), dtype="str"),
        "lat": pd.Series(col(st.floats(-90, 90) | st.just(math.nan)), dtype="float64"),
        "lon": pd.Series(col(st.floats(-180, 180) | st.just(math.nan)), dtype="float64"),
        "potential": pd.Series(col(st.floats(0, 1e9)), dtype="float64"),
        "segment": pd.Series(col(st.sampled_from(["SMB", "Enterprise", "", "Ünïcode"])), dtype="str"),
        "named": pd.Series(col(st.booleans()), dtype=bool),
    })
    source = None
    if draw(st.booleans()):
        source = pd.DataFrame({
            "Account Name": pd.Series(col(texts), dtype="str"),
            "Revenue": pd.Series(col(floats), dtype="float64"),
            "Employees": pd.Series(col(st.integers(-2**63, 2**63 - 1)), dtype="int64"),
            "Active": pd.Series(col(st.booleans()), dtype=bool),
            "Seats": pd.Series(col(st.none() | st.integers(-1000, 1000)), dtype="Int64"),
            "Notes 📝": pd.Series(col(st.none() | st.text(max_size=5) | st.integers(-5, 5)
                                       | st.floats(allow_nan=True)), dtype=object),
            "Tier": pd.Series(col(st.sampled_from(["a", "b"])), dtype="category"),
        })
    # names unique as the core compares them (trimmed, case-folded): a file with two is refused as damaged
    names = draw(st.lists(st.text(min_size=1, max_size=8), min_size=k, max_size=k,
                          unique_by=lambda s: s.strip().casefold()))
    terrs = [Territory(names[i], rep=draw(st.text(max_size=8)),
                       home_lat=draw(st.floats(-60, 60) | st.just(math.nan)),
                       home_lon=draw(st.floats(-170, 170)), capacity_hours=draw(st.floats(0, 1e5)),
                       locked=draw(st.booleans()), target_share=draw(st.floats(0.1, 3)),
                       removed=draw(st.booleans()), color=draw(st.sampled_from(["#ff0000", "#00aa00"])))
             for i in range(k)]
    assign = st.lists(st.integers(-1, k - 1), min_size=n, max_size=n)
    measures = (BalancedMeasure("potential", draw(st.floats(0.01, 1)), primary=True),
                BalancedMeasure("accounts", draw(st.floats(0.01, 1)), draw(st.floats(0, 5))))
    cfg = BalanceSettings(measures=measures, workload=WorkloadModel(speed_kmh=draw(st.floats(10, 120))),
                          capacity_hard=draw(st.booleans()))
    return Plan(acc, terrs, np.array(draw(assign), dtype=np.int32), np.array(draw(assign), dtype=np.int32),
                np.array(col(st.booleans()), dtype=bool), cfg, source)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=random_plans())
def test_save_then_open_gives_back_the_same_plan(plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "plan.territory"
    save_project(plan, path)
    assert_same_plan(plan, open_project(path))


def test_every_column_type_an_import_can_produce_comes_back_with_its_dtype(tmp_path: Path) -> None:
    raw = ["2024-01-01 00:00", None, "2025-06-30 12:30", "1999-12-31 00:00"]
    source = pd.DataFrame({
        "Created": pd.to_datetime(raw), "Closed (NY)": pd.to_datetime(raw).tz_localize("US/Eastern"),
        "Age": pd.to_timedelta([1, None, 3, 4], unit="D"), "Score": pd.Series([1.5, None, -2, 3], dtype="Float64"),
        "Rank": pd.Series([1, None, -2, 3], dtype="Int8"), "Seats": pd.Series([1, 2, 3, 4], dtype="UInt16"),
        "Active": pd.Series([True, None, False, True], dtype="boolean"),
        "Tier": pd.Categorical(["b", "a", None, "b"], categories=["b", "a"], ordered=True),
        "Band": pd.Series([1, 2, None, 1], dtype="category"),
        "Mixed": pd.Series([pd.Timestamp("2020-01-01"), dt.date(2020, 1, 2), None, float("inf")], dtype=object),
        "Comment": pd.Series(["x", None, "", "ü"], dtype="string"),
        "Raw bytes": pd.Series(["ok", "caf\udce9", None, "\x00nul"], dtype="str"),  # surrogateescape'd CSV
        "Ratio": pd.Series([1, 2, np.nan, 4], dtype=np.float32),
        7: [1, 2, 3, 4],  # a header that was a number
    })
    acc = accounts_frame({"account_id": list("abcd")})
    plan = Plan(acc, [Territory("T")], np.zeros(4, dtype=np.int32), source=source)
    save_project(plan, tmp_path / "types.territory")
    assert_same_plan(plan, open_project(tmp_path / "types.territory"))


def test_edited_plan_round_trips_and_save_leaves_the_plan_untouched(tmp_path: Path) -> None:
    plan = make_plan(400, 6, seed=3)
    plan.apply(MoveAccounts(np.arange(0, 40), 2))
    plan.apply(SetAccountLocks(np.arange(5, 15), True))
    plan.apply(UpdateTerritory(1, {"name": "West Coast", "home_lat": math.nan, "capacity_hours": 99.5}))
    plan.apply(RemoveTerritory(4, to=-1))
    before = (plan.version, plan.assignment.copy(), plan.accounts.copy(), kpi_tuple(plan.kpis))
    save_project(plan, tmp_path / "p.territory")
    assert plan.version == before[0] and np.array_equal(plan.assignment, before[1])
    pd.testing.assert_frame_equal(plan.accounts, before[2])
    assert kpi_tuple(plan.kpis) == before[3]
    reopened = open_project(tmp_path / "p.territory")
    assert_same_plan(plan, reopened)
    assert reopened.territories[4].removed and (reopened.assignment == -1).sum() > 0


def test_every_save_gets_a_new_save_id_and_replaces_the_file(tmp_path: Path) -> None:
    path = tmp_path / "p.territory"
    plan = make_plan(50, 3)
    assert read_save_id(path) is None
    save_project(plan, path)
    first = read_save_id(path)
    plan.apply(MoveAccounts(np.arange(10), 0))
    save_project(plan, path)
    assert first and read_save_id(path) not in (None, first)
    assert np.array_equal(open_project(path).assignment, plan.assignment)
    assert [p.name for p in tmp_path.iterdir()] == ["p.territory"]  # no temporary file left behind


def test_folder_and_file_names_with_uri_characters_work(tmp_path: Path) -> None:
    folder = tmp_path / "Q3 #1 ?%20 é"
    folder.mkdir()
    path = folder / "plan #2%3F?.territory"
    plan = make_plan(30, 2)
    save_project(plan, path)
    assert_same_plan(plan, open_project(path))
    assert read_save_id(path)


def test_saving_into_a_missing_folder_says_so(tmp_path: Path) -> None:
    with pytest.raises(ProjectFileError, match="nowhere"):
        save_project(make_plan(5, 2), tmp_path / "nowhere" / "p.territory")


# ----- a kill during save ----------------------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["whole", "moves"])
def test_killing_a_save_at_random_moments_leaves_the_old_or_the_new_plan(tmp_path: Path, mode: str) -> None:
    """Whole saves, and quick saves of moves into the file the plan was opened from (the CLI's `move`)."""
    n = 20_000
    expected = victim_plans(n)
    path = tmp_path / "victim.territory"
    rng = random.Random(7)
    for _ in range(4):
        proc = subprocess.Popen([sys.executable, str(VICTIM), str(path), str(n), *(["moves"] if mode == "moves"
                                                                                   else [])],
                                stdout=subprocess.PIPE, text=True)
        try:
            assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
            time.sleep(rng.uniform(0.0, 0.6))
            assert proc.poll() is None, "the saver stopped by itself (in 'moves' mode: the quick save was refused)"
        finally:
            proc.kill()
            proc.wait(timeout=30)
        got = open_project(path)
        matches = [np.array_equal(got.assignment, p.assignment) for p in expected]
        assert any(matches), "the file holds neither the old nor the new plan"
        pd.testing.assert_frame_equal(got.accounts, expected[0].accounts, check_exact=True)


# ----- bad files -------------------------------------------------------------------------------------------
@pytest.fixture
def saved(tmp_path: Path) -> Path:
    path = tmp_path / "good.territory"
    save_project(make_plan(200, 4), path)
    return path


def _sql(path: Path, *statements: str) -> None:
    con = sqlite3.connect(path)
    for s in statements:
        con.execute(s)
    con.commit()
    con.close()


def _expect_error(path: Path, *words: str) -> str:
    with pytest.raises(ProjectFileError) as info:
        open_project(path)
    msg = str(info.value)
    assert path.name in msg
    for w in words:
        assert w in msg, msg
    return msg


def test_missing_file(tmp_path: Path) -> None:
    _expect_error(tmp_path / "gone.territory", "does not exist")


def test_random_bytes_empty_file_and_renamed_csv_are_not_projects(tmp_path: Path) -> None:
    for name, content in (("noise.territory", bytes(random.Random(1).randrange(256) for _ in range(5000))),
                          ("empty.territory", b""),
                          ("accounts.territory", b"Account,Owner\nAcme,=cmd\n")):
        (tmp_path / name).write_bytes(content)
        _expect_error(tmp_path / name, "not a SQLite database")


def test_truncated_file_is_reported_damaged(saved: Path) -> None:
    data = saved.read_bytes()
    for keep in (len(data) // 2, 4096, 100):
        saved.write_bytes(data[:keep])
        _expect_error(saved)


def test_flipped_bytes_inside_a_column_are_caught_by_the_checksum(saved: Path) -> None:
    con = sqlite3.connect(saved)
    data = bytearray(con.execute("SELECT data FROM columns WHERE frame='accounts' AND position=12").fetchone()[0])
    data[10] ^= 0xFF
    con.execute("UPDATE columns SET data=? WHERE frame='accounts' AND position=12", (bytes(data),))
    con.commit()
    con.close()
    _expect_error(saved, "checksum", "potential")


def test_sqlite_database_of_another_application(tmp_path: Path) -> None:
    path = tmp_path / "browser.territory"
    _sql(path, "CREATE TABLE cookies (x)", "PRAGMA application_id = 1234")
    _expect_error(path, "another application")


def test_file_from_a_newer_version_names_both_schema_versions(saved: Path) -> None:
    _sql(saved, "PRAGMA user_version = 5")
    _expect_error(saved, "newer version", "schema 5", "up to schema 4", "Please update")


@pytest.mark.parametrize(("statement", "words"), [
    ("DROP TABLE territories", ("table territories is missing",)),
    ("DROP TABLE meta; DROP TABLE audit", ("tables audit, meta are missing",)),
    ("DELETE FROM columns WHERE frame='plan' AND name='\"baseline\"'", ("baseline", "missing")),
    ("DELETE FROM columns WHERE frame='accounts' AND position=17", ("named", "missing")),
    ("UPDATE meta SET value='150' WHERE key='n_accounts'", ("expected 150",)),
    ("UPDATE columns SET kind='pickle' WHERE frame='accounts' AND position=0", ("pickle",)),
    ("UPDATE columns SET dtype='|O' WHERE frame='accounts' AND position=7", ("unsupported dtype",)),
    ("UPDATE meta SET value='{broken' WHERE key='settings'", ("settings",)),
    ("UPDATE territories SET position=7 WHERE position=2", ("territory 3",)),
    ("UPDATE territories SET name='T9' WHERE position=0", ("checksum",)),
    ("UPDATE meta SET value='{}' WHERE key='settings'", ("checksum",)),
])
def test_incomplete_or_inconsistent_files_are_refused(saved: Path, statement: str, words: tuple[str, ...]) -> None:
    _sql(saved, *statement.split("; "))
    _expect_error(saved, *words)


def test_assignment_pointing_past_the_territories_is_refused(saved: Path) -> None:
    _sql(saved, "DELETE FROM territories WHERE position=3")
    _expect_error(saved, "territory that does not exist")


@pytest.fixture(scope="module")
def small_saved(tmp_path_factory: pytest.TempPathFactory) -> tuple[Plan, bytes, Path]:
    """One saved plan shared by every fuzz example (saving it each time would dominate the test's time)."""
    folder = tmp_path_factory.mktemp("fuzz")
    plan = make_plan(60, 3, seed=12)
    plan.apply(UpdateTerritory(0, {"name": "Nord-Est", "capacity_hours": 1234.5}))
    save_project(plan, folder / "good.territory")
    return plan, (folder / "good.territory").read_bytes(), folder


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_damaged_bytes_never_open_as_a_different_plan(small_saved: tuple[Plan, bytes, Path],
                                                      data: st.DataObject) -> None:
    """Whatever gets damaged (bit flips, zeroed blocks, truncation): a clear error, or exactly the saved plan."""
    plan, good, folder = small_saved
    damaged = bytearray(good)
    how = data.draw(st.sampled_from(["flip", "zero", "truncate"]))
    if how == "truncate":
        damaged = damaged[:data.draw(st.integers(0, len(good) - 1))]
    else:
        for _ in range(data.draw(st.integers(1, 4))):
            at = data.draw(st.integers(100, len(good) - 1))  # past the header, where damage is silent
            if how == "flip":
                damaged[at] ^= 1 << data.draw(st.integers(0, 7))
            else:
                damaged[at:at + data.draw(st.integers(1, 512))] = bytes(len(damaged[at:at + 512]))
    path = folder / "damaged.territory"
    path.write_bytes(bytes(damaged[:len(good)]))
    try:
        reopened = open_project(path)
    except ProjectFileError as exc:
        assert "damaged.territory" in str(exc)
    else:
        assert_same_plan(plan, reopened)


def test_text_saved_with_pyarrow_strings_opens_without_pyarrow() -> None:
    """The codec alone: a file written where pandas used pyarrow strings, read where pyarrow is missing."""
    spec = json.dumps({"storage": "pyarrow", "na_value": "nan"})
    s = decode_series(EncodedColumn("string", spec, json.dumps(["Acme", None]).encode()), 2)
    assert s.tolist()[0] == "Acme" and s.isna().tolist() == [False, True]


def test_every_territory_field_has_a_column_in_the_file() -> None:
    """When the core grows a Territory field, the project file must learn to store it (or it is lost)."""
    from dataclasses import fields

    from territory_desktop.io.project.file_format import TERRITORY_COLUMNS

    assert {f.name for f in fields(Territory)} == {name for name, _ in TERRITORY_COLUMNS}
