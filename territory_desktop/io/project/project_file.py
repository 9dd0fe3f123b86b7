"""The `.territory` project file: a SQLite database holding a plan's scenarios, saved atomically, opened
defensively.

Layout (schema 4): `meta` (key/value text: app version, saved_at, save_id, scenario count and the active
one; per scenario its row count, settings JSON and column-name dtypes, keyed "settings" for scenario 0 and
"settings.1", "settings.2"... for the others; a scenario with an adjacency adds its pair count "n_adjacency"
and the file it was read from "adjacency_source"), `scenarios` (name, notes, created), `columns` (one row per
DataFrame column or plan array per scenario, as a typed BLOB: see column_codec; a column equal to scenario 0's
is stored once, as kind "same", and one equal to an earlier column of its own scenario, as an imported
column and the canonical column read from it often are, as kind "copy"), `territories` (one row per territory
slot per scenario, removed ones included so indices stay stable) and `audit` (every edit applied, with time,
user, label and reason). The frames of a scenario are "accounts", "source" (the columns as imported), "plan"
(assignment, baseline, locks, change notes), "departed" (accounts gone from the CRM in refreshes, kept for
the change list; its own row count "n_departed") and "adjacency" (which accounts touch on the map: text
columns "a" and "b" of account ids, a row per pair, only in a scenario that has one; a scenario sharing
scenario 0's adjacency stores it as kind "same").
Schema 3 (no adjacency), schema 2 (text as JSON, no departed accounts) and schema 1 (one plan, no scenario
column, no audit) are still read; schema 1 opens as one scenario, "Main plan".
A save writes a temporary file next to the target (next to a symlink's target) and `os.replace`s it, so a
crash or kill at any moment leaves either the old or the new file, never a mix; the replaced file's mode is
kept and a read-only file is refused (see save_project). Every way a file can be wrong ends in ProjectFileError
with the file name and a sentence a planner understands.
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
import stat
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from territory_desktop.core.adjacency import AccountAdjacency
from territory_desktop.core.audit import AuditEntry
from territory_desktop.core.change_notes import ChangeNotes
from territory_desktop.core.plan import CANONICAL_COLUMNS, Plan
from territory_desktop.core.refresh import DEPARTED_COLUMNS
from territory_desktop.core.routing import Criterion
from territory_desktop.core.scenarios import DEFAULT_NAME, Scenario, ScenarioError, ScenarioSet
from territory_desktop.core.settings import BalanceSettings
from territory_desktop.core.territory import Territory
from territory_desktop.io.project.column_codec import (
    ColumnFormatError,
    EncodedColumn,
    decode_series,
)
from territory_desktop.io.project.file_format import (
    ADJACENCY_COLUMNS,
    ADJACENCY_SINCE,
    APPLICATION_ID,
    AUDIT_FIELDS,
    COPY,
    DIGEST_KEY,
    FRAMES,
    MAX_BAND,
    MAX_RULES,
    MAX_SCENARIOS,
    NOTE_COLUMNS,
    OPTIONAL_TERRITORY_FIELDS,
    SAME,
    SCHEMA_VERSION,
    SQLITE_MAGIC,
    TERRITORY_COLUMNS,
    ProjectFileError,
    column_crc,
    content_digest,
    scenario_key,
)
from territory_desktop.io.project.opened_file import (
    OpenedFile,
    file_signature,
)
from territory_desktop.io.project.project_save import save_moves, save_project  # noqa: F401 - the public API
from territory_desktop.io.project.safe_replace import (  # noqa: F401 — the temp naming, re-exported
    STALE_TEMP_SECONDS,
    TEMP_SUFFIX,
)


# ----- open -----------------------------------------------------------------------------------------------
def open_project(path: str | os.PathLike[str], scenario: str | None = None) -> Plan:
    """Read a plan saved by save_project: the active scenario, or the one named `scenario` (case-insensitive;
    a unique prefix will do). ProjectFileError (never a traceback, never half a plan) if it can't.

    The plan knows its siblings (`plan.scenarios`), so saving it keeps every scenario of the file.
    """
    scenarios = open_scenarios(path)
    if scenario is None:
        return scenarios.current.plan
    try:
        return scenarios.scenarios[scenarios.index_of(scenario)].plan
    except ScenarioError as exc:
        raise ProjectFileError(f"{Path(path).name}: {exc}") from exc


def open_scenarios(path: str | os.PathLike[str]) -> ScenarioSet:
    """Every scenario of a project file, with the one that was active when it was saved."""
    path = Path(path)
    con = _connect_checked(path)
    try:
        try:
            signature = file_signature(os.path.realpath(path))  # before reading: a file replaced meanwhile differs
            scenarios, version, cols = _read_scenarios(con, path)
            if version == SCHEMA_VERSION:  # an older file is rewritten whole, in the current schema
                OpenedFile.record(scenarios, os.path.realpath(path), signature,
                                  [(*c[:5], None, None, *c[7:]) for c in cols if c[0] != "plan"])
            return scenarios
        except ProjectFileError:
            raise
        except sqlite3.DatabaseError as exc:
            raise ProjectFileError(f"{path.name} is damaged and cannot be opened ({exc}).") from exc
        except (ColumnFormatError, ValueError, KeyError, TypeError, IndexError, OverflowError) as exc:
            raise ProjectFileError(f"{path.name} is damaged and cannot be opened: {exc}.") from exc
        except RecursionError as exc:  # deeply nested JSON anywhere the specific checks did not expect it
            raise ProjectFileError(f"{path.name} is damaged and cannot be opened: it holds data nested too "
                                   "deeply.") from exc
    finally:
        con.close()


def read_save_id(path: str | os.PathLike[str]) -> str | None:
    """The id written by the last save of this file, or None if there is no readable project there."""
    try:
        con = _connect_checked(Path(path))
    except ProjectFileError:
        return None
    try:
        row = con.execute("SELECT value FROM meta WHERE key = 'save_id'").fetchone()
        return str(row[0]) if row else None
    except (sqlite3.Error, ValueError):
        return None
    finally:
        con.close()


def _connect_checked(path: Path) -> sqlite3.Connection:
    """Open read-only after checking it is a SQLite file of ours with a schema this version can read."""
    name = path.name
    try:
        # Checked before opening: reading a FIFO (or a device) would block or never end.
        if not stat.S_ISREG(st_mode := os.stat(path).st_mode) and not stat.S_ISDIR(st_mode):
            raise ProjectFileError(f"{name} is not a regular file (it is a pipe, device or socket), so it is not "
                                   "a Territory Desktop project.")
        with open(path, "rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except FileNotFoundError as exc:
        raise ProjectFileError(f"{name} does not exist (looked in {path.parent}).") from exc
    except IsADirectoryError as exc:
        raise ProjectFileError(f"{name} is a folder, not a project file.") from exc
    except OSError as exc:
        raise ProjectFileError(f"Cannot read {name}: {exc.strerror or exc}.") from exc
    if head != SQLITE_MAGIC:
        raise ProjectFileError(f"{name} is not a Territory Desktop project (it is not a SQLite database).")
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise ProjectFileError(f"Cannot open {name}: {exc}.") from exc
    try:
        app_id = con.execute("PRAGMA application_id").fetchone()[0]
        version = con.execute("PRAGMA user_version").fetchone()[0]
        if app_id != APPLICATION_ID:
            raise ProjectFileError(f"{name} is a SQLite database of another application, "
                                   "not a Territory Desktop project.")
        if version > SCHEMA_VERSION:
            raise ProjectFileError(f"{name} was saved by a newer version of Territory Desktop (schema {version}); "
                                   f"this version reads up to schema {SCHEMA_VERSION}. Please update.")
        if version < 1:
            raise ProjectFileError(f"{name} has no valid schema version ({version}); it is not a complete "
                                   "Territory Desktop project.")
        if con.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise ProjectFileError(f"{name} is damaged (database disk image is malformed).")
    except (sqlite3.DatabaseError, ValueError) as exc:  # ValueError: text that is not UTF-8
        con.close()
        raise ProjectFileError(f"{name} is damaged and cannot be opened ({exc}).") from exc
    except ProjectFileError:
        con.close()
        raise
    return con


def _read_scenarios(con: sqlite3.Connection, path: Path) -> tuple[ScenarioSet, int, list[tuple[Any, ...]]]:
    """The scenarios, the file's schema version and its column rows (the quick save keeps their metadata)."""
    name = path.name
    version = int(con.execute("PRAGMA user_version").fetchone()[0])
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    needed = {"meta", "columns", "territories"} | ({"scenarios", "audit"} if version >= 2 else set())
    missing = needed - tables
    if missing:
        raise ProjectFileError(f"{name} is incomplete: table(s) {', '.join(sorted(missing))} are missing.")
    meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
    for key in ("n_accounts", "settings", "save_id", DIGEST_KEY):
        if key not in meta:
            raise ProjectFileError(f"{name} is incomplete: the {key!r} entry is missing.")
    count = _count(meta.get("scenario_count", "1"), name)
    scen = "scenario" if version >= 2 else "0"
    cols = con.execute(f"SELECT frame, position, name, kind, dtype, data, mask, crc, {scen} AS sc FROM columns "
                       "ORDER BY sc, frame, position").fetchall()
    fields = _check_territory_fields(con, name)
    terr_rows = con.execute(f"SELECT position, {', '.join(fields)}, {scen} AS sc FROM territories "
                            "ORDER BY sc, position").fetchall()
    if version >= 2:
        scen_rows = con.execute("SELECT position, name, notes, created_at FROM scenarios ORDER BY position").fetchall()
        audit_rows = con.execute(f"SELECT scenario, position, {', '.join(AUDIT_FIELDS)} FROM audit "
                                 "ORDER BY scenario, position").fetchall()
    else:
        scen_rows, audit_rows = [(0, DEFAULT_NAME, "", meta.get("saved_at", ""))], []
    if [r[0] for r in scen_rows] != list(range(count)):
        raise ProjectFileError(f"{name} is damaged: it should hold {count} scenario(s), numbered in order.")
    first: dict[tuple[str, Any], pd.Series] = {}
    scenarios = []
    for k, (_pos, sc_name, notes, created) in enumerate(scen_rows):
        if not isinstance(sc_name, str) or not sc_name.strip() or not isinstance(notes, str) \
                or not isinstance(created, str):
            raise ProjectFileError(f"{name} is damaged: scenario {k + 1} has no readable name or notes.")
        plan = _read_plan(meta, [c for c in cols if c[8] == k], [r[:-1] for r in terr_rows if r[-1] == k],
                          [r[2:] for r in audit_rows if r[0] == k], k, first, f"{name}", sc_name, count, fields,
                          version)
        scenarios.append(Scenario(sc_name, plan, notes, created))
    if any(c[8] not in range(count) for c in cols) or any(r[-1] not in range(count) for r in terr_rows) \
            or any(r[0] not in range(count) for r in audit_rows):
        raise ProjectFileError(f"{name} is damaged: some rows belong to no scenario.")
    if len({s.name.casefold() for s in scenarios}) != len(scenarios):
        raise ProjectFileError(f"{name} is damaged: two scenarios have the same name.")
    active = _count(meta.get("active_scenario", "0"), name, low=0) if version >= 2 else 0
    if active >= count:
        raise ProjectFileError(f"{name} is damaged: the active scenario {active + 1} does not exist.")
    # Last, so the specific complaints above win: anything else that changed is caught here.
    extra = [scen_rows, audit_rows] if version >= 2 else None
    if version < 2:
        cols = [c[:8] for c in cols]
        terr_rows = [r[:-1] for r in terr_rows]
    if content_digest(list(meta.items()), cols, terr_rows, extra) != meta[DIGEST_KEY]:
        raise ProjectFileError(f"{name} is damaged: its names, settings or territories fail their checksum.")
    return ScenarioSet(scenarios, active), version, cols


def _count(text: str, name: str, low: int = 1) -> int:
    try:
        value = int(text)
    except ValueError as exc:
        raise ProjectFileError(f"{name} is damaged: {text!r} is not a scenario number.") from exc
    if not low <= value <= MAX_SCENARIOS:
        raise ProjectFileError(f"{name} is damaged: {value} is not a scenario count this version can hold "
                               f"({low}-{MAX_SCENARIOS}).")
    return value


def _read_plan(meta: dict[str, str], cols: list[tuple[Any, ...]], terr_rows: list[tuple[Any, ...]],
               audit_rows: list[tuple[Any, ...]], k: int, first: dict[tuple[str, Any], pd.Series],
               name: str, scenario_name: str, count: int, fields: list[str], version: int) -> Plan:
    """Scenario k from its rows; `first` collects scenario 0's columns, which later scenarios may reference."""
    where = f" of scenario {scenario_name!r}" if count > 1 else ""
    for key in ("n_accounts", "settings"):
        if scenario_key(key, k) not in meta:
            raise ProjectFileError(f"{name} is incomplete: the {scenario_key(key, k)!r} entry is missing.")
    n = int(meta[scenario_key("n_accounts", k)])
    n_departed = int(meta.get(scenario_key("n_departed", k), "0"))
    if n_departed < 0:
        raise ProjectFileError(f"{name} is damaged: it counts {n_departed} departed accounts.")
    n_adjacency = _adjacency_count(meta, k, name, where) if version >= ADJACENCY_SINCE else None
    frames: dict[str, list[tuple[Any, pd.Series]]] = {
        f: [] for f in FRAMES if f != "adjacency" or version >= ADJACENCY_SINCE}
    decoded: dict[tuple[str, int], pd.Series] = {}
    for frame, pos, col_name, kind, dtype, data, mask, crc, _k in cols:
        try:
            key_name = col_name
            col_name = json.loads(col_name)
        except (ValueError, TypeError, RecursionError) as exc:  # RecursionError: deeply nested JSON
            raise ProjectFileError(f"{name} is damaged: a column name of the {frame}{where} is unreadable.") from exc
        if isinstance(col_name, list | dict):  # a save writes text or a number, never a structure
            raise ProjectFileError(f"{name} is damaged: a column name of the {frame}{where} is not a name.")
        label = f"column {col_name!r} of the {frame}{where}"
        if frame not in frames:
            raise ProjectFileError(f"{name} is damaged: unknown table part {frame!r}.")
        data = bytes(data) if data is not None else b""
        mask = bytes(mask) if mask is not None else None
        if column_crc(data, mask) != crc:
            raise ProjectFileError(f"{name} is damaged: {label} fails its checksum.")
        if frame == "adjacency" and n_adjacency is None:
            raise ProjectFileError(f"{name} is damaged: the adjacency (which accounts touch){where} has no pair "
                                   f"count (the {scenario_key('n_adjacency', k)!r} entry is missing).")
        rows = n_departed if frame == "departed" else n_adjacency if frame == "adjacency" else n
        if kind == SAME and k > 0:
            if (frame, key_name) not in first or len(first[frame, key_name]) != rows:
                raise ProjectFileError(f"{name} is damaged: {label} refers to a column the first scenario lacks.")
            series = first[frame, key_name].copy(deep=False)  # copy-on-write: shared until either changes
        elif kind == COPY:
            series = _copied(dtype, decoded, rows, f"{name} is damaged: {label}")
        else:
            try:
                series = decode_series(EncodedColumn(kind, dtype, data, mask), rows)
            except ColumnFormatError as exc:
                raise ProjectFileError(f"{name} is damaged: {label} {exc}.") from exc
        if k == 0:
            first[frame, key_name] = series
        decoded[frame, pos] = series
        frames[frame].append((col_name, series))
    arrays = dict(frames["plan"])
    for needed in ("assignment", "baseline", "locked"):
        if needed not in arrays:
            raise ProjectFileError(f"{name} is incomplete: the {needed}{where} is missing.")
    accounts = _frame(frames["accounts"], meta.get(scenario_key("accounts_columns_dtype", k)), n)
    lacking = [c for c in CANONICAL_COLUMNS if c not in accounts.columns]
    if lacking:
        raise ProjectFileError(f"{name} is incomplete: account column(s) {', '.join(lacking)}{where} are missing.")
    source = _frame(frames["source"], meta.get(scenario_key("source_columns_dtype", k)), n) \
        if meta.get(scenario_key("has_source", k)) == "1" else None
    territories = _territories_from(terr_rows, name, fields)
    _check_unique_names(territories, name, where)
    _check_territory_numbers(territories, name, where)
    _check_positions(accounts, name, where)
    assignment, baseline = (_territory_numbers(arrays[key], key, len(territories), name)
                            for key in ("assignment", "baseline"))
    locked = arrays["locked"]
    if locked.dtype != np.dtype(bool):
        raise ProjectFileError(f"{name} is damaged: the locked flags must be true or false, not {locked.dtype}.")
    notes = _notes(arrays, n, name)
    try:
        settings = BalanceSettings.from_dict(json.loads(meta[scenario_key("settings", k)]))
    except RecursionError as exc:
        raise ProjectFileError(f"{name} is damaged: the balance settings cannot be read (nested too "
                               "deeply).") from exc
    except (ValueError, KeyError, TypeError, AttributeError, OverflowError) as exc:
        raise ProjectFileError(f"{name} is damaged: the balance settings cannot be read ({exc}).") from exc
    _check_settings(settings, name)
    try:
        audit = [AuditEntry.from_dict(dict(zip(AUDIT_FIELDS, r, strict=True))) for r in audit_rows]
    except ValueError as exc:
        raise ProjectFileError(f"{name} is damaged: the plan history{where} cannot be read ({exc}).") from exc
    departed = _departed_frame(frames["departed"], n_departed, name, where)
    try:
        plan = Plan(accounts, territories, assignment, baseline, locked.to_numpy(), settings, source, notes, audit)
    except ValueError as exc:
        raise ProjectFileError(f"{name} is damaged: {exc}.") from exc
    plan.departed = departed  # type: ignore[attr-defined] - core/refresh.py's record of accounts gone
    if n_adjacency is not None:
        plan.adjacency = _adjacency(dict(frames["adjacency"]), n_adjacency,
                                    meta.get(scenario_key("adjacency_source", k), ""), name, where)
    return plan


def _adjacency_count(meta: dict[str, str], k: int, name: str, where: str) -> int | None:
    """The pair count of scenario k's adjacency, or None when it has none (no "n_adjacency" entry)."""
    text = meta.get(scenario_key("n_adjacency", k))
    if text is None:
        return None
    try:
        count = int(text)
    except ValueError as exc:
        raise ProjectFileError(f"{name} is damaged: the adjacency (which accounts touch){where} counts {text!r} "
                               "pairs, not a number.") from exc
    if count < 0:
        raise ProjectFileError(f"{name} is damaged: the adjacency (which accounts touch){where} counts {count} "
                               "pairs.")
    return count


def _adjacency(columns: dict[Any, pd.Series], n: int, source: str, name: str, where: str) -> AccountAdjacency:
    """The adjacency from its two id columns (already checked to hold `n` values each): both present, text."""
    what = f"the adjacency (which accounts touch){where}"
    ids: list[np.ndarray] = []
    for c in ADJACENCY_COLUMNS:
        if c not in columns:
            raise ProjectFileError(f"{name} is incomplete: column {c!r} of {what} is missing.")
        series = columns[c]
        values = series.to_numpy(dtype=object)
        text = isinstance(series.dtype, pd.StringDtype) and not series.isna().any()
        if not text and not all(isinstance(v, str) for v in values):
            raise ProjectFileError(f"{name} is damaged: column {c!r} of {what} must hold account ids as text, "
                                   f"not {series.dtype}.")
        ids.append(values)
    if not isinstance(source, str):
        raise ProjectFileError(f"{name} is damaged: the file name of {what} is not text.")
    return AccountAdjacency(ids[0], ids[1], source)


def _copied(ref: str, decoded: dict[tuple[str, int], pd.Series], rows: int, damaged: str) -> pd.Series:
    """A column stored as a reference to an earlier column of its scenario (kind "copy")."""
    try:
        target = json.loads(ref)
        key = (str(target["frame"]), int(target["position"]))
    except (ValueError, TypeError, KeyError, RecursionError) as exc:
        raise ProjectFileError(f"{damaged} refers to an unreadable column.") from exc
    if key not in decoded or len(decoded[key]) != rows:
        raise ProjectFileError(f"{damaged} is a copy of column {key[1] + 1} of the {key[0]}, which is missing.")
    # a shallow copy: pandas' copy-on-write keeps the two columns apart once either is changed, and a deep
    # copy of the ~12 columns an import holds twice cost ~0.3 s at 1M accounts
    return decoded[key].copy(deep=False)


def _departed_frame(columns: list[tuple[Any, pd.Series]], rows: int, name: str, where: str) -> pd.DataFrame:
    """The departed accounts (an empty frame of core/refresh.py's columns in a file from before refreshes)."""
    if not columns:
        if rows:
            raise ProjectFileError(f"{name} is incomplete: the {rows:,} departed accounts{where} are missing.")
        return pd.DataFrame(columns=list(DEPARTED_COLUMNS))
    frame = _frame(columns, None, rows)
    lacking = [c for c in DEPARTED_COLUMNS if c not in frame.columns]
    if lacking:
        raise ProjectFileError(f"{name} is incomplete: departed account column(s) {', '.join(lacking)}{where} "
                               "are missing.")
    return frame


def _notes(arrays: dict[Any, pd.Series], n: int, name: str) -> ChangeNotes:
    """The change notes (absent in schema 1: every account "never moved with a reason")."""
    have = [c for c in NOTE_COLUMNS if c in arrays]
    if not have:
        return ChangeNotes(n)
    if len(have) != len(NOTE_COLUMNS):
        raise ProjectFileError(f"{name} is incomplete: some of the change notes are missing.")
    cols: list[np.ndarray] = []
    for c in NOTE_COLUMNS:
        series = arrays[c]
        values = series.to_numpy(dtype=object)
        text = isinstance(series.dtype, pd.StringDtype) and not series.isna().any()  # str by its dtype
        if not text and not all(isinstance(v, str) for v in values):
            raise ProjectFileError(f"{name} is damaged: the change notes ({c}) must be text.")
        cols.append(values)
    # Most accounts were never moved with a reason: the notes start as ChangeNotes' own all-blank columns
    # (made at once) and only the accounts that have one are written in; handing the full columns to
    # ChangeNotes would re-check a million values one by one (~0.5 s a column at 1M accounts).
    notes = ChangeNotes(n)
    if n:
        rows = np.flatnonzero((cols[0] != "") | (cols[1] != "") | (cols[2] != ""))
        if len(rows):
            notes.put(rows, *(v[rows] for v in cols))
    return notes


def _territory_numbers(series: pd.Series, what: str, k: int, name: str) -> np.ndarray:
    """The assignment or baseline as int32, refused unless every value is a whole number naming a territory
    slot (or -1): a float, a date or a masked column would otherwise be cast into a plausible, wrong plan, and
    a wide integer would wrap into a valid territory."""
    dtype = series.dtype
    if not (isinstance(dtype, np.dtype) and dtype.kind in "iu"):
        raise ProjectFileError(f"{name} is damaged: the {what} must hold whole numbers (territory numbers), "
                               f"not {dtype}.")
    values = series.to_numpy()
    if len(values) and (int(values.min()) < -1 or int(values.max()) >= k):
        raise ProjectFileError(f"{name} is damaged: the {what} refers to a territory that does not exist.")
    return values.astype(np.int32)


def _check_settings(settings: BalanceSettings, name: str) -> None:
    """Settings the app could never have saved: a band that is negative, above MAX_BAND or not a number."""
    for m in settings.measures:
        if not 0.0 <= m.band <= MAX_BAND:
            raise ProjectFileError(f"{name} is damaged: the band of the measure {m.measure!r} is {m.band!r}; a "
                                   f"band lies between 0 and {MAX_BAND:g} (0% to {MAX_BAND:.0%} of the mean).")


def _frame(columns: list[tuple[Any, pd.Series]], columns_dtype: str | None, n: int) -> pd.DataFrame:
    # copy=False: the decoded columns are this frame's own (a deep copy of 1M accounts' columns took ~0.9 s)
    df = pd.DataFrame({i: s for i, (_, s) in enumerate(columns)}, index=pd.RangeIndex(n), copy=False)
    names = [c for c, _ in columns]
    df.columns = pd.Index(names, dtype=object) if columns_dtype == "object" else pd.Index(names)
    return df


def _check_territory_fields(con: sqlite3.Connection, name: str) -> list[str]:
    """The territory fields the file holds (a file older than an optional field lacks it)."""
    have = [r[1] for r in con.execute("PRAGMA table_info(territories)")]
    lacking = [c for c, _ in TERRITORY_COLUMNS if c not in have and c not in OPTIONAL_TERRITORY_FIELDS]
    if lacking:
        raise ProjectFileError(f"{name} is incomplete: territory field(s) {', '.join(lacking)} are missing.")
    return [c for c, _ in TERRITORY_COLUMNS if c in have]


def _territories_from(rows: list[tuple[Any, ...]], name: str, fields: list[str]) -> list[Territory]:
    """The territories of one scenario from its stored rows (position, fields...)."""
    out: list[Territory] = []
    for i, row in enumerate(rows):
        if row[0] != i:
            raise ProjectFileError(f"{name} is damaged: territory {i + 1} is missing.")
        d = {**OPTIONAL_TERRITORY_FIELDS, **dict(zip(fields, row[1:], strict=True))}
        try:
            out.append(Territory(
                name=str(d["name"]), rep=str(d["rep"] or ""), role=str(d["role"] or ""),
                region=str(d["region"] or ""), home_lat=_real(d["home_lat"]), home_lon=_real(d["home_lon"]),
                capacity_hours=_real(d["capacity_hours"]), color=str(d["color"] or ""),
                locked=bool(d["locked"]), target_share=_real(d["target_share"]), removed=bool(d["removed"]),
                rules=_rules(d["rules"], name, i), area=str(d["area"] or "")))
        except (TypeError, ValueError) as exc:
            raise ProjectFileError(f"{name} is damaged: territory {i + 1} ({exc}).") from exc
    return out


def _check_unique_names(territories: list[Territory], name: str, where: str) -> None:
    """Two open territories with one name (trimmed, case-folded, as the core's edits compare them) cannot be
    told apart in the change list, a rules file or `move --to`; the app never saves that, so it is damage. A
    removed territory may share the name of a later one (the core allows it: the slot only keeps history)."""
    seen: dict[str, int] = {}
    for i, t in enumerate(territories):
        if t.removed:
            continue
        key = t.name.strip().casefold()
        if key in seen:
            j = seen[key]
            raise ProjectFileError(f"{name} is damaged: territories {j + 1} and {i + 1}{where} have the same name "
                                   f"({territories[j].name!r} and {t.name!r}); a plan never holds two "
                                   "territories of one name.")
        seen[key] = i


LARGEST = 1e15
"""A capacity or target share beyond this (1e300) is no real quantity: damage, as in a recovery journal."""


def _check_territory_numbers(territories: list[Territory], name: str, where: str) -> None:
    """Numbers the app never saves: a negative, infinite or absurd capacity or target share, a home off the
    globe (a missing home, NaN, is a rep with no address yet, and fine)."""
    for i, t in enumerate(territories):
        label = f"territory {i + 1} ({t.name!r}){where}"
        for what, v in (("capacity", t.capacity_hours), ("target share", t.target_share)):
            if not (math.isfinite(v) and 0.0 <= v <= LARGEST):
                raise ProjectFileError(f"{name} is damaged: the {what} of {label} is {_shown(v)}; a plan holds "
                                       f"a number from 0 to {LARGEST:.0e}.")
        for what, v, limit in (("latitude", t.home_lat, 90.0), ("longitude", t.home_lon, 180.0)):
            if not math.isnan(v) and not -limit <= v <= limit:
                raise ProjectFileError(f"{name} is damaged: the home {what} of {label} is {_shown(v)}, off the "
                                       f"globe (-{limit:g} to {limit:g}).")


def _check_positions(accounts: pd.DataFrame, name: str, where: str) -> None:
    """Account positions off the globe or infinite (the importer never keeps one; NaN is an unplaced
    account): distances and the map would be nonsense, so the file is damaged."""
    for col, what, limit in (("lat", "latitude", 90.0), ("lon", "longitude", 180.0)):
        values = pd.to_numeric(accounts[col], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
        with np.errstate(invalid="ignore"):
            bad = np.flatnonzero(~np.isnan(values) & ~(np.abs(values) <= limit))
        if len(bad):
            r = int(bad[0])
            more = f" (and {len(bad) - 1:,} more)" if len(bad) > 1 else ""
            raise ProjectFileError(f"{name} is damaged: the {what} of account {r + 1} "
                                   f"({accounts['account_id'].iloc[r]!s}){where} is {_shown(values[r])}{more}, "
                                   f"off the globe (-{limit:g} to {limit:g}).")


def _shown(v: float) -> str:
    """A number as a planner reads it ("inf", "-5", "400"), not numpy's repr."""
    return f"{float(v):g}"


def _rules(text: Any, name: str, i: int) -> list[dict[str, Any]]:
    """A territory's routing rules from their JSON, each criterion checked by the core's own rule reader."""
    try:
        raw = json.loads(text if isinstance(text, str) else "[]")
    except (ValueError, RecursionError) as exc:
        raise ProjectFileError(f"{name} is damaged: the rules of territory {i + 1} are unreadable.") from exc
    if not isinstance(raw, list) or len(raw) > MAX_RULES or not all(isinstance(r, dict) for r in raw):
        raise ProjectFileError(f"{name} is damaged: the rules of territory {i + 1} are not a list of criteria.")
    try:
        return [Criterion.from_dict(r).to_dict() for r in raw]
    except ValueError as exc:
        raise ProjectFileError(f"{name} is damaged: a rule of territory {i + 1} cannot be used ({exc}).") from exc


def _real(v: Any) -> float:
    return math.nan if v is None else float(v)
