"""Saving respects the file it replaces (mode, read-only, symlinks, hard links), stale temporary files of killed
saves are cleared, and crafted project files with impossible contents are refused with one clear sentence
(issue 19, items 3, 6, 8 and 10)."""

from __future__ import annotations

import json
import math
import os
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from territory_desktop.core.territory import Territory
from territory_desktop.io.project import file_format, project_file
from territory_desktop.io.project.column_codec import (
    ColumnFormatError,
    EncodedColumn,
    decode_series,
    encode_series,
)
from territory_desktop.io.project.project_file import (
    ProjectFileError,
    open_project,
    read_save_id,
    save_project,
)
from territory_desktop.io.project.safe_replace import hard_link_note, other_names
from tests.conftest import make_plan
from tests.io.project._save_victim import victim_plans

VICTIM = Path(__file__).with_name("_save_victim.py")
posix_only = pytest.mark.skipif(os.name == "nt", reason="POSIX file modes and links")


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


# ----- saving respects the file ----------------------------------------------------------------------------
@posix_only
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(mode=st.sampled_from([0o600, 0o640, 0o644, 0o660, 0o664, 0o604, 0o700]))
def test_save_keeps_the_mode_of_the_file_it_replaces(mode: int, tmp_path: Path) -> None:
    path = tmp_path / f"plan-{mode:o}.territory"
    plan = make_plan(20, 2)
    save_project(plan, path)
    os.chmod(path, mode)
    save_project(plan, path)
    assert _mode(path) == mode
    assert read_save_id(path)


@posix_only
def test_a_new_file_gets_the_umask_default(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        save_project(make_plan(10, 2), tmp_path / "new.territory")
    finally:
        os.umask(old)
    assert _mode(tmp_path / "new.territory") == 0o666 & ~0o027


@posix_only
def test_a_read_only_plan_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "frozen.territory"
    save_project(make_plan(20, 2), path)
    before = read_save_id(path)
    os.chmod(path, 0o444)
    with pytest.raises(ProjectFileError, match=r"frozen\.territory.*read-only"):
        save_project(make_plan(20, 3), path)
    assert read_save_id(path) == before and _mode(path) == 0o444
    assert [p.name for p in tmp_path.iterdir()] == ["frozen.territory"]


@posix_only
def test_save_writes_through_a_symlink_to_its_target(tmp_path: Path) -> None:
    real_dir = tmp_path / "real"
    real_dir.mkdir()
    target = real_dir / "plan.territory"
    save_project(make_plan(20, 2), target)
    os.chmod(target, 0o600)
    link = tmp_path / "link.territory"
    link.symlink_to(target)
    plan = make_plan(30, 3, seed=5)
    save_project(plan, link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert _mode(target) == 0o600
    assert np.array_equal(open_project(target).assignment, plan.assignment)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.territory", "real"]
    assert [p.name for p in real_dir.iterdir()] == ["plan.territory"]


@posix_only
def test_a_chain_of_symlinks_and_a_link_to_a_file_not_yet_saved(tmp_path: Path) -> None:
    target = tmp_path / "target.territory"
    first = tmp_path / "first.territory"
    second = tmp_path / "second.territory"
    first.symlink_to(target.name)  # relative, dangling until the save
    second.symlink_to(first.name)
    save_project(make_plan(10, 2), second)
    assert first.is_symlink() and second.is_symlink() and target.is_file() and not target.is_symlink()
    assert read_save_id(second) == read_save_id(target)


@posix_only
def test_a_hard_linked_plan_is_replaced_atomically_and_the_other_name_keeps_the_old_plan(tmp_path: Path) -> None:
    """Documented choice: atomic replace over keeping the inode (writing in place could leave half a plan)."""
    path = tmp_path / "plan.territory"
    save_project(make_plan(20, 2), path)
    other = tmp_path / "other.territory"
    os.link(path, other)
    old_id = read_save_id(other)
    save_project(make_plan(20, 3), path)
    assert read_save_id(other) == old_id != read_save_id(path)
    assert os.stat(path).st_nlink == 1


@posix_only
def test_the_other_names_of_a_plan_are_counted_so_a_save_can_say_they_keep_the_old_plan(tmp_path: Path) -> None:
    path = tmp_path / "plan.territory"
    assert other_names(path) == 0 and hard_link_note("plan.territory", 0) == ""  # not yet saved
    save_project(make_plan(20, 2), path)
    assert other_names(path) == 0
    os.link(path, tmp_path / "copy1.territory")
    os.link(path, tmp_path / "copy2.territory")
    link = tmp_path / "via-symlink.territory"
    link.symlink_to(path.name)
    assert other_names(path) == other_names(link) == 2  # the file a save through the symlink replaces
    assert "its 2 other names (hard links) keep the previous plan" in hard_link_note("plan.territory", 2)
    assert "its other name (a hard link) keeps the previous plan" in hard_link_note("plan.territory", 1)


@posix_only
def test_killing_a_save_through_a_symlink_to_a_600_plan(tmp_path: Path) -> None:
    n = 20_000
    expected = victim_plans(n)
    target = tmp_path / "private" / "victim.territory"
    target.parent.mkdir()
    save_project(expected[0], target)
    os.chmod(target, 0o600)
    link = tmp_path / "victim.territory"
    link.symlink_to(target)
    for delay in (0.05, 0.3):
        proc = subprocess.Popen([sys.executable, str(VICTIM), str(link), str(n)], stdout=subprocess.PIPE, text=True)
        try:
            assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
            time.sleep(delay)
        finally:
            proc.kill()
            proc.wait(timeout=30)
        assert link.is_symlink() and _mode(target) == 0o600
        got = open_project(link)
        assert any(np.array_equal(got.assignment, p.assignment) for p in expected)


# ----- stale temporary files -------------------------------------------------------------------------------
def _temp_name(project: str) -> str:
    return f".{project}.0123456789ab{project_file.TEMP_SUFFIX}"


def test_stale_temp_files_of_this_project_are_removed_on_save_but_not_recent_or_foreign_ones(
        tmp_path: Path) -> None:
    path = tmp_path / "plan.territory"
    old = time.time() - 10 * 60
    assert project_file.STALE_TEMP_SECONDS <= 5 * 60
    stale, recent = tmp_path / _temp_name("plan.territory"), tmp_path / ".plan.territory.fedcba987654.saving"
    foreign = tmp_path / _temp_name("plan.territory.x.territory")  # another project's, same prefix
    odd = tmp_path / ".plan.territory.notatemp.saving"  # not of the module's naming
    for p in (stale, recent, foreign, odd):
        p.write_bytes(b"half a save")
    for p in (stale, foreign, odd):
        os.utime(p, (old, old))
    save_project(make_plan(10, 2), path)
    assert not stale.exists()
    assert recent.exists() and foreign.exists() and odd.exists()


@pytest.mark.skipif(os.name == "nt", reason="advisory locks are POSIX")
def test_an_old_temp_file_still_being_written_is_not_removed(tmp_path: Path) -> None:
    import fcntl

    busy = tmp_path / _temp_name("plan.territory")
    busy.write_bytes(b"a slow save on a network share")
    old = time.time() - 3600
    os.utime(busy, (old, old))
    with open(busy, "rb") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)  # what a running save holds
        save_project(make_plan(10, 2), tmp_path / "plan.territory")
        assert busy.exists()
    save_project(make_plan(10, 2), tmp_path / "plan.territory")
    assert not busy.exists()


# ----- crafted files ---------------------------------------------------------------------------------------
@pytest.fixture
def saved(tmp_path: Path) -> Path:
    path = tmp_path / "crafted.territory"
    save_project(make_plan(60, 4), path)
    return path


def _rehash(path: Path) -> None:
    """Recompute the column CRCs and the digest, as a careful forger (or a buggy writer) would."""
    con = sqlite3.connect(path)
    rows = con.execute("SELECT frame, position, data, mask FROM columns").fetchall()
    for frame, pos, data, mask in rows:
        con.execute("UPDATE columns SET crc=? WHERE frame=? AND position=?",
                    (file_format.column_crc(bytes(data), None if mask is None else bytes(mask)), frame, pos))
    meta = con.execute("SELECT key, value FROM meta").fetchall()
    cols = con.execute("SELECT frame, position, name, kind, dtype, data, mask, crc, scenario FROM columns "
                       "ORDER BY scenario, frame, position").fetchall()
    fields = ", ".join(c for c, _ in file_format.TERRITORY_COLUMNS)
    terrs = con.execute(f"SELECT position, {fields}, scenario FROM territories ORDER BY scenario, position").fetchall()
    scenarios = con.execute("SELECT position, name, notes, created_at FROM scenarios ORDER BY position").fetchall()
    audit = con.execute("SELECT * FROM audit ORDER BY scenario, position").fetchall()
    con.execute("UPDATE meta SET value=? WHERE key=?",
                (file_format.content_digest(meta, cols, terrs, [scenarios, audit]), file_format.DIGEST_KEY))
    con.commit()
    con.close()


def _set_plan_column(path: Path, name: str, series: pd.Series) -> None:
    col = encode_series(series)
    con = sqlite3.connect(path)
    con.execute("UPDATE columns SET kind=?, dtype=?, data=?, mask=? WHERE frame='plan' AND name=?",
                (col.kind, col.dtype, col.data, col.mask, json.dumps(name)))
    con.commit()
    con.close()


def _expect_error(path: Path, *words: str) -> str:
    with pytest.raises(ProjectFileError) as info:
        open_project(path)
    msg = str(info.value)
    assert path.name in msg and "\n" not in msg
    for w in words:
        assert w in msg, msg
    return msg


def _deep(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("depth", [10_000, 200_000])
def test_deeply_nested_settings_are_one_clear_error(saved: Path, depth: int) -> None:
    con = sqlite3.connect(saved)
    con.execute("UPDATE meta SET value=? WHERE key='settings'", ('{"measures": ' + _deep(depth) + "}",))
    con.commit()
    con.close()
    _rehash(saved)
    _expect_error(saved, "settings")


@pytest.mark.parametrize("frame", ["accounts", "plan"])
def test_a_deeply_nested_column_name_is_one_clear_error(saved: Path, frame: str) -> None:
    con = sqlite3.connect(saved)
    con.execute("UPDATE columns SET name=? WHERE frame=? AND position=0", (_deep(100_000), frame))
    con.commit()
    con.close()
    _rehash(saved)
    _expect_error(saved, "column name")


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(depth=st.integers(1, 300_000), where=st.sampled_from(["name", "settings"]))
def test_any_nesting_depth_is_refused_without_a_traceback(tmp_path: Path, depth: int, where: str) -> None:
    path = tmp_path / f"deep-{where}.territory"
    save_project(make_plan(8, 2), path)
    con = sqlite3.connect(path)
    if where == "name":
        con.execute("UPDATE columns SET name=? WHERE frame='accounts' AND position=1", (_deep(depth),))
    else:
        con.execute("UPDATE meta SET value=? WHERE key='settings'", (_deep(depth),))
    con.commit()
    con.close()
    _rehash(path)
    _expect_error(path)


def test_deeply_nested_json_inside_a_column_is_a_format_error() -> None:
    with pytest.raises(ColumnFormatError):
        decode_series(EncodedColumn("object", "object", ("[" + _deep(200_000) + "]").encode()), 1)
    with pytest.raises(ColumnFormatError):
        decode_series(EncodedColumn("string", _deep(200_000), b"[]"), 0)


@pytest.mark.parametrize("name", ["assignment", "baseline"])
@pytest.mark.parametrize("kind", ["float", "datetime", "masked", "text"])
def test_assignment_and_baseline_of_the_wrong_type_are_refused(saved: Path, name: str, kind: str) -> None:
    good = open_project(saved)
    arr = getattr(good, name)
    series = {"float": pd.Series(arr.astype(np.float64) + 0.25),
              "datetime": pd.Series(arr.astype("datetime64[ns]")),
              "masked": pd.Series(arr, dtype="Int64"),
              "text": pd.Series(arr.astype(str), dtype=object)}[kind]
    _set_plan_column(saved, name, series)
    _rehash(saved)
    _expect_error(saved, name, "whole numbers")


def test_an_integral_float_assignment_is_refused_too(saved: Path) -> None:
    """1.0 is as wrong as 1.5: the file does not say which territory the writer meant."""
    _set_plan_column(saved, "assignment", pd.Series(open_project(saved).assignment.astype(np.float64)))
    _rehash(saved)
    _expect_error(saved, "assignment", "whole numbers")


def test_a_wide_integer_that_would_wrap_into_a_valid_territory_is_refused(saved: Path) -> None:
    arr = open_project(saved).assignment.astype(np.int64)
    arr[0] = 2**32 + 1  # int32 would make this territory 1
    _set_plan_column(saved, "assignment", pd.Series(arr))
    _rehash(saved)
    _expect_error(saved, "assignment", "territory that does not exist")


def test_locks_that_are_not_true_or_false_are_refused(saved: Path) -> None:
    _set_plan_column(saved, "locked", pd.Series(np.full(60, 2, dtype=np.int8)))
    _rehash(saved)
    _expect_error(saved, "locked", "true or false")


def test_a_wider_integer_assignment_in_range_still_opens(saved: Path) -> None:
    """Integers of any width are fine when every value names a territory (an older or other writer)."""
    good = open_project(saved)
    _set_plan_column(saved, "baseline", pd.Series(good.baseline.astype(np.int64)))
    _rehash(saved)
    assert np.array_equal(open_project(saved).baseline, good.baseline)


@pytest.mark.parametrize(("first", "second"), [("North", "North"), ("North", "north "), ("Straße", "STRASSE")])
def test_duplicate_territory_names_are_refused(saved: Path, first: str, second: str) -> None:
    con = sqlite3.connect(saved)
    con.execute("UPDATE territories SET name=? WHERE position=0", (first,))
    con.execute("UPDATE territories SET name=? WHERE position=2", (second,))
    con.commit()
    con.close()
    _rehash(saved)
    msg = _expect_error(saved, "territories 1 and 3", "same name")
    assert first in msg


def test_a_removed_territory_may_share_a_name_with_an_active_one(tmp_path: Path) -> None:
    """What the core allows (a territory removed, a new one given its name) must save and open."""
    plan = make_plan(20, 2)
    plan.territories.append(Territory("T0", removed=True))
    save_project(plan, tmp_path / "p.territory")
    assert [t.name for t in open_project(tmp_path / "p.territory").territories] == ["T0", "T1", "T0"]


@pytest.mark.parametrize("band", [-0.1, -1e-9, 10.5, 1e300, float("inf"), float("nan")])
def test_a_band_below_zero_or_above_ten_is_refused(saved: Path, band: float) -> None:
    con = sqlite3.connect(saved)
    cfg = json.loads(con.execute("SELECT value FROM meta WHERE key='settings'").fetchone()[0])
    cfg["measures"][1]["band"] = band
    con.execute("UPDATE meta SET value=? WHERE key='settings'", (json.dumps(cfg),))
    con.commit()
    con.close()
    _rehash(saved)
    _expect_error(saved, "band", cfg["measures"][1]["measure"])


@pytest.mark.parametrize("band", [0.0, 0.15, 10.0])
def test_bands_from_zero_to_ten_open(saved: Path, band: float) -> None:
    con = sqlite3.connect(saved)
    cfg = json.loads(con.execute("SELECT value FROM meta WHERE key='settings'").fetchone()[0])
    cfg["measures"][0]["band"] = band
    con.execute("UPDATE meta SET value=? WHERE key='settings'", (json.dumps(cfg),))
    con.commit()
    con.close()
    _rehash(saved)
    assert open_project(saved).settings.measures[0].band == band


def test_the_rehash_helper_alone_leaves_a_good_file_good(saved: Path) -> None:
    before = open_project(saved)
    _rehash(saved)
    assert np.array_equal(open_project(saved).assignment, before.assignment)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_neither_opened_nor_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.territory"
    os.mkfifo(fifo)
    _expect_error(fifo, "not a regular file")  # would block reading the pipe
    assert read_save_id(fifo) is None
    with pytest.raises(ProjectFileError, match=r"pipe\.territory.*not a regular file"):
        save_project(make_plan(5, 2), fifo)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    link = tmp_path / "devnull.territory"
    link.symlink_to(os.devnull)
    with pytest.raises(ProjectFileError, match="not a regular file"):
        save_project(make_plan(5, 2), link)


@pytest.mark.skipif(os.name == "nt" or os.geteuid() != 0, reason="needs root to give a file away")
def test_the_owner_of_the_replaced_plan_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "theirs.territory"
    save_project(make_plan(5, 2), path)
    os.chown(path, 12345, 23456)
    save_project(make_plan(5, 2), path)
    assert (os.stat(path).st_uid, os.stat(path).st_gid) == (12345, 23456)


def _set_account_column(path: Path, name: str, values: np.ndarray) -> None:
    col = encode_series(pd.Series(values))
    con = sqlite3.connect(path)
    con.execute("UPDATE columns SET kind=?, dtype=?, data=?, mask=? WHERE frame='accounts' AND name=?",
                (col.kind, col.dtype, col.data, col.mask, json.dumps(name)))
    con.commit()
    con.close()
    _rehash(path)


@pytest.mark.parametrize(("column", "bad", "words"), [
    ("lat", np.inf, ("latitude", "account")), ("lat", 400.0, ("latitude", "-90")),
    ("lon", -np.inf, ("longitude", "account")), ("lon", 181.0, ("longitude", "-180")),
])
def test_an_account_position_off_the_globe_is_refused(saved: Path, column: str, bad: float,
                                                       words: tuple[str, ...]) -> None:
    """Issue 19, defect 8: an impossible position (not a missing one: NaN is an unplaced account) is damage."""
    values = open_project(saved).accounts[column].to_numpy(dtype=np.float64).copy()
    values[3] = bad
    values[5] = np.nan  # unplaced: fine
    _set_account_column(saved, column, values)
    msg = _expect_error(saved, *words)
    assert "account 4" in msg


@pytest.mark.parametrize(("field", "bad", "words"), [
    ("capacity_hours", -5.0, ("capacity", "territory 2")), ("capacity_hours", float("inf"), ("capacity",)),
    ("target_share", -1.0, ("target share",)), ("home_lat", 95.0, ("home", "latitude")),
    ("home_lon", float("-inf"), ("home", "longitude")),
])
def test_a_territory_number_no_plan_can_hold_is_refused(saved: Path, field: str, bad: float,
                                                         words: tuple[str, ...]) -> None:
    con = sqlite3.connect(saved)
    con.execute(f"UPDATE territories SET {field}=? WHERE position=1", (bad,))
    con.commit()
    con.close()
    _rehash(saved)
    _expect_error(saved, *words)


def test_a_territory_without_a_home_still_opens(saved: Path) -> None:
    con = sqlite3.connect(saved)
    con.execute("UPDATE territories SET home_lat=NULL, home_lon=NULL WHERE position=1")
    con.commit()
    con.close()
    _rehash(saved)
    assert math.isnan(open_project(saved).territories[1].home_lat)
