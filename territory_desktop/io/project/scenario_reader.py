"""Opening a `.territory` file for reading: the checks that it is a SQLite file of ours in a schema this
version reads (connect_checked), then every scenario read from its tables (read_scenarios), counted and
checksummed as a whole.

Split from project_file.py, the public entry, which calls these; each scenario's plan is built by
plan_reader.py. The layout is described in project_file.py.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path
from typing import Any

import pandas as pd

from territory_desktop.core.scenarios import DEFAULT_NAME, Scenario, ScenarioSet
from territory_desktop.core.wording import agree, counted
from territory_desktop.io.project.file_format import (
    APPLICATION_ID,
    AUDIT_FIELDS,
    DIGEST_KEY,
    MAX_SCENARIOS,
    SCHEMA_VERSION,
    SQLITE_MAGIC,
    ProjectFileError,
    content_digest,
)
from territory_desktop.io.project.plan_checks import check_territory_fields
from territory_desktop.io.project.plan_reader import read_plan


def connect_checked(path: Path) -> sqlite3.Connection:
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



def read_scenarios(con: sqlite3.Connection, path: Path) -> tuple[ScenarioSet, int, list[tuple[Any, ...]]]:
    """The scenarios, the file's schema version and its column rows (the quick save keeps their metadata)."""
    name = path.name
    version = int(con.execute("PRAGMA user_version").fetchone()[0])
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    needed = {"meta", "columns", "territories"} | ({"scenarios", "audit"} if version >= 2 else set())
    missing = needed - tables
    if missing:
        raise ProjectFileError(f"{name} is incomplete: {agree(len(missing), 'table')} {', '.join(sorted(missing))} "
                               f"{agree(len(missing), 'is', 'are')} missing.")
    meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
    for key in ("n_accounts", "settings", "save_id", DIGEST_KEY):
        if key not in meta:
            raise ProjectFileError(f"{name} is incomplete: the {key!r} entry is missing.")
    count = _count(meta.get("scenario_count", "1"), name)
    scen = "scenario" if version >= 2 else "0"
    cols = con.execute(f"SELECT frame, position, name, kind, dtype, data, mask, crc, {scen} AS sc FROM columns "
                       "ORDER BY sc, frame, position").fetchall()
    fields = check_territory_fields(con, name)
    terr_rows = con.execute(f"SELECT position, {', '.join(fields)}, {scen} AS sc FROM territories "
                            "ORDER BY sc, position").fetchall()
    if version >= 2:
        scen_rows = con.execute("SELECT position, name, notes, created_at FROM scenarios ORDER BY position").fetchall()
        audit_rows = con.execute(f"SELECT scenario, position, {', '.join(AUDIT_FIELDS)} FROM audit "
                                 "ORDER BY scenario, position").fetchall()
    else:
        scen_rows, audit_rows = [(0, DEFAULT_NAME, "", meta.get("saved_at", ""))], []
    if [r[0] for r in scen_rows] != list(range(count)):
        raise ProjectFileError(f"{name} is damaged: it should hold {counted(count, 'scenario')}, numbered in order.")
    first: dict[tuple[str, Any], pd.Series] = {}
    scenarios = []
    for k, (_pos, sc_name, notes, created) in enumerate(scen_rows):
        if not isinstance(sc_name, str) or not sc_name.strip() or not isinstance(notes, str) \
                or not isinstance(created, str):
            raise ProjectFileError(f"{name} is damaged: scenario {k + 1} has no readable name or notes.")
        plan = read_plan(meta, [c for c in cols if c[8] == k], [r[:-1] for r in terr_rows if r[-1] == k],
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
