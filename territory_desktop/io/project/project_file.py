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
This module is the entry: opening reads through scenario_reader.py (the file checked, its scenarios read),
plan_reader.py (one scenario's plan from its columns) and plan_checks.py (what the app never saves).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from territory_desktop.core.plan import Plan
from territory_desktop.core.scenarios import ScenarioError, ScenarioSet
from territory_desktop.io.project.column_codec import ColumnFormatError
from territory_desktop.io.project.file_format import (  # noqa: F401 - APPLICATION_ID, re-exported
    APPLICATION_ID,
    SCHEMA_VERSION,
    ProjectFileError,
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
from territory_desktop.io.project.scenario_reader import connect_checked, read_scenarios


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
    con = connect_checked(path)
    try:
        try:
            signature = file_signature(os.path.realpath(path))  # before reading: a file replaced meanwhile differs
            scenarios, version, cols = read_scenarios(con, path)
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
        con = connect_checked(Path(path))
    except ProjectFileError:
        return None
    try:
        row = con.execute("SELECT value FROM meta WHERE key = 'save_id'").fetchone()
        return str(row[0]) if row else None
    except (sqlite3.Error, ValueError):
        return None
    finally:
        con.close()
