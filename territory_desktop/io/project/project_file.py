"""The `.territory` project file: a SQLite database holding one plan, saved atomically, opened defensively.

Layout (schema 1): `meta` (key/value text: app version, saved_at, save_id, row count, settings JSON),
`columns` (one row per DataFrame column or plan array, as a typed BLOB: see project_columns) and
`territories` (one row per territory slot, removed ones included so indices stay stable).
A save writes a temporary file next to the target (next to a symlink's target) and `os.replace`s it, so a
crash or kill at any moment leaves either the old or the new file, never a mix; the replaced file's mode is
kept and a read-only file is refused (see save_project). Every way a file can be wrong ends in ProjectFileError
with the file name and a sentence a planner understands.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
import sqlite3
import stat
import uuid
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from territory_desktop import __version__ as app_version
from territory_desktop.core.plan import CANONICAL_COLUMNS, Plan
from territory_desktop.core.settings import BalanceSettings
from territory_desktop.core.territory import Territory
from territory_desktop.io.project.column_codec import (
    ColumnFormatError,
    EncodedColumn,
    decode_series,
    encode_series,
)
from territory_desktop.io.project.safe_replace import (  # noqa: F401 — the temp naming, re-exported
    STALE_TEMP_SECONDS,
    TEMP_SUFFIX,
    SaveRefused,
    replace_atomically,
)

APPLICATION_ID = 0x54455252  # "TERR"
SCHEMA_VERSION = 1
SQLITE_MAGIC = b"SQLite format 3\x00"
DIGEST_KEY = "content_sha256"
MAX_BAND = 10.0
"""The widest tolerance band a file may hold (±1000% of the mean); beyond it a file is refused as damaged."""

_TERRITORY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", "TEXT"), ("rep", "TEXT"), ("role", "TEXT"), ("region", "TEXT"), ("home_lat", "REAL"),
    ("home_lon", "REAL"), ("capacity_hours", "REAL"), ("color", "TEXT"), ("locked", "INTEGER"),
    ("target_share", "REAL"), ("removed", "INTEGER"),
)
_SCHEMA = f"""
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE columns (frame TEXT NOT NULL, position INTEGER NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL,
                      dtype TEXT NOT NULL, data BLOB NOT NULL, mask BLOB, crc INTEGER NOT NULL,
                      PRIMARY KEY (frame, position));
CREATE TABLE territories (position INTEGER PRIMARY KEY,
                          {", ".join(f"{name} {kind}" for name, kind in _TERRITORY_COLUMNS)});
"""


class ProjectFileError(Exception):
    """A project file that cannot be saved or opened; the message names the file and says why."""


# ----- save -----------------------------------------------------------------------------------------------
def save_project(plan: Plan, path: str | os.PathLike[str]) -> None:
    """Write the plan to `path` atomically (old file or new file after any crash; the plan is not changed).

    The save respects the file it replaces: its permission bits are kept (a 600 plan stays private), a
    read-only plan is refused (ProjectFileError naming it) rather than overwritten, and a symlink is written
    through: the link stays a link and its target (resolved with os.path.realpath) gets the new plan. A new
    file gets the umask default (0o666 & ~umask), like any file the user creates.

    Hard links are detached, on purpose: keeping the inode would mean writing in place, and a crash then could
    leave half a plan; the atomic replace of the path wins, so the other names keep the previous plan.
    """
    try:
        replace_atomically(path, lambda tmp: _write_database(plan, tmp))
    except SaveRefused as exc:
        raise ProjectFileError(str(exc)) from exc
    except sqlite3.Error as exc:
        raise ProjectFileError(f"Cannot save {Path(path).name}: {exc}.") from exc
    except UnicodeEncodeError as exc:  # a territory name or header holding half of a surrogate pair
        raise ProjectFileError(f"Cannot save {Path(path).name}: some text cannot be stored ({exc.reason}: "
                               f"{exc.object[max(exc.start - 10, 0):exc.end + 10]!r}).") from exc


def _write_database(plan: Plan, tmp: Path) -> None:
    con = sqlite3.connect(tmp, isolation_level=None)
    try:
        # The temporary file is invisible until os.replace, so it needs no rollback journal of its own.
        con.execute("PRAGMA journal_mode=OFF")
        con.execute("PRAGMA synchronous=OFF")
        con.execute(f"PRAGMA application_id={APPLICATION_ID}")
        con.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        con.execute("BEGIN")
        for stmt in _SCHEMA.split(";"):
            if stmt.strip():
                con.execute(stmt)
        meta, columns = _meta_rows(plan), _column_rows(plan)
        territories = [_territory_row(i, t) for i, t in enumerate(plan.territories)]
        meta.append((DIGEST_KEY, _digest(meta, columns, territories)))
        con.executemany("INSERT INTO meta VALUES (?, ?)", meta)
        con.executemany("INSERT INTO columns VALUES (?, ?, ?, ?, ?, ?, ?, ?)", columns)
        con.executemany(f"INSERT INTO territories VALUES ({', '.join('?' * (len(_TERRITORY_COLUMNS) + 1))})",
                        territories)
        con.execute("COMMIT")
    finally:
        con.close()


def _meta_rows(plan: Plan) -> list[tuple[str, str]]:
    return [
        ("app_version", str(app_version)),
        ("saved_at", dt.datetime.now(dt.UTC).isoformat(timespec="seconds")),
        ("save_id", uuid.uuid4().hex),
        ("n_accounts", str(plan.n_accounts)),
        ("settings", json.dumps(plan.settings.to_dict())),
        ("has_source", "1" if plan.source is not None else "0"),
        ("accounts_columns_dtype", str(plan.accounts.columns.dtype)),
        ("source_columns_dtype", str(plan.source.columns.dtype) if plan.source is not None else ""),
    ]


def _column_rows(plan: Plan) -> list[tuple[Any, ...]]:
    frames: list[tuple[str, pd.DataFrame]] = [("accounts", plan.accounts)]
    if plan.source is not None:
        frames.append(("source", plan.source))
    rows: list[tuple[Any, ...]] = []
    for frame, df in frames:
        for pos, name in enumerate(df.columns):
            rows.append(_column_row(frame, pos, name, encode_series(df.iloc[:, pos])))
    for pos, (name, arr) in enumerate((("assignment", plan.assignment), ("baseline", plan.baseline),
                                       ("locked", plan.locked))):
        rows.append(_column_row("plan", pos, name, encode_series(pd.Series(arr))))
    return rows


def _column_row(frame: str, pos: int, name: Any, col: EncodedColumn) -> tuple[Any, ...]:
    return (frame, pos, json.dumps(_plain(name)), col.kind, col.dtype, col.data, col.mask,
            _crc(col.data, col.mask))


def _plain(name: Any) -> Any:
    return name.item() if isinstance(name, np.generic) else name


def _crc(data: bytes, mask: bytes | None) -> int:
    """A checksum per column: SQLite does not notice a flipped bit inside a BLOB, this does."""
    return zlib.crc32(mask or b"", zlib.crc32(data))


def _territory_row(index: int, t: Territory) -> tuple[Any, ...]:
    vals: list[Any] = [index]
    for name, kind in _TERRITORY_COLUMNS:
        v = getattr(t, name)
        if kind == "TEXT":
            v = "" if v is None else str(v)  # what SQLite's column affinity would make of it anyway
        elif isinstance(v, bool | np.bool_) or kind == "INTEGER":
            v = int(bool(v))
        elif kind == "REAL":
            v = float(v) + 0.0  # SQLite stores -0.0 as 0: normalise so the digest sees what is read back
            if not math.isfinite(v):
                v = None if math.isnan(v) else repr(v)  # SQLite has no NaN; inf is kept as text
        vals.append(v)
    return tuple(vals)


def _digest(meta: list[tuple[str, str]], columns: list[tuple[Any, ...]], territories: list[tuple[Any, ...]]) -> str:
    """A hash of everything but the column bytes (those have their own CRC): a flipped bit in a name,
    a setting or a territory field must not open as a silently different plan."""
    canon = [sorted((k, v) for k, v in meta if k != DIGEST_KEY),
             sorted([*c[:5], c[7]] for c in columns), [list(t) for t in territories]]
    return hashlib.sha256(json.dumps(canon, ensure_ascii=False).encode("utf-8", "surrogatepass")).hexdigest()


# ----- open -----------------------------------------------------------------------------------------------
def open_project(path: str | os.PathLike[str]) -> Plan:
    """Read a plan saved by save_project; ProjectFileError (never a traceback, never half a plan) if it can't."""
    path = Path(path)
    con = _connect_checked(path)
    try:
        try:
            return _read_plan(con, path)
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


def _read_plan(con: sqlite3.Connection, path: Path) -> Plan:
    name = path.name
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    missing = {"meta", "columns", "territories"} - tables
    if missing:
        raise ProjectFileError(f"{name} is incomplete: table(s) {', '.join(sorted(missing))} are missing.")
    meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
    for key in ("n_accounts", "settings", "save_id", DIGEST_KEY):
        if key not in meta:
            raise ProjectFileError(f"{name} is incomplete: the {key!r} entry is missing.")
    n = int(meta["n_accounts"])
    cols = con.execute("SELECT frame, position, name, kind, dtype, data, mask, crc FROM columns "
                       "ORDER BY frame, position").fetchall()
    frames: dict[str, list[tuple[Any, pd.Series]]] = {"accounts": [], "source": [], "plan": []}
    for frame, _pos, col_name, kind, dtype, data, mask, crc in cols:
        try:
            col_name = json.loads(col_name)
        except (ValueError, TypeError, RecursionError) as exc:  # RecursionError: deeply nested JSON
            raise ProjectFileError(f"{name} is damaged: a column name of the {frame} is unreadable.") from exc
        if isinstance(col_name, list | dict):  # a save writes text or a number, never a structure
            raise ProjectFileError(f"{name} is damaged: a column name of the {frame} is not a name.")
        label = f"column {col_name!r} of the {frame}"
        if frame not in frames:
            raise ProjectFileError(f"{name} is damaged: unknown table part {frame!r}.")
        data = bytes(data) if data is not None else b""
        mask = bytes(mask) if mask is not None else None
        if _crc(data, mask) != crc:
            raise ProjectFileError(f"{name} is damaged: {label} fails its checksum.")
        try:
            series = decode_series(EncodedColumn(kind, dtype, data, mask), n)
        except ColumnFormatError as exc:
            raise ProjectFileError(f"{name} is damaged: {label} {exc}.") from exc
        frames[frame].append((col_name, series))
    arrays = dict(frames["plan"])
    for needed in ("assignment", "baseline", "locked"):
        if needed not in arrays:
            raise ProjectFileError(f"{name} is incomplete: the {needed} is missing.")
    accounts = _frame(frames["accounts"], meta.get("accounts_columns_dtype"), n)
    lacking = [c for c in CANONICAL_COLUMNS if c not in accounts.columns]
    if lacking:
        raise ProjectFileError(f"{name} is incomplete: account column(s) {', '.join(lacking)} are missing.")
    source = _frame(frames["source"], meta.get("source_columns_dtype"), n) \
        if meta.get("has_source") == "1" else None
    raw_territories, territories = _read_territories(con, name)
    assignment, baseline = (_territory_numbers(arrays[k], k, len(territories), name)
                            for k in ("assignment", "baseline"))
    locked = arrays["locked"]
    if locked.dtype != np.dtype(bool):
        raise ProjectFileError(f"{name} is damaged: the locked flags must be true or false, not {locked.dtype}.")
    try:
        settings = BalanceSettings.from_dict(json.loads(meta["settings"]))
    except RecursionError as exc:
        raise ProjectFileError(f"{name} is damaged: the balance settings cannot be read (nested too "
                               "deeply).") from exc
    except (ValueError, KeyError, TypeError, AttributeError, OverflowError) as exc:
        raise ProjectFileError(f"{name} is damaged: the balance settings cannot be read ({exc}).") from exc
    _check_settings(settings, name)
    try:
        plan = Plan(accounts, territories, assignment, baseline, locked.to_numpy(), settings, source)
    except ValueError as exc:
        raise ProjectFileError(f"{name} is damaged: {exc}.") from exc
    # Last, so the specific complaints above win: anything else that changed is caught here.
    if _digest(list(meta.items()), cols, raw_territories) != meta[DIGEST_KEY]:
        raise ProjectFileError(f"{name} is damaged: its names, settings or territories fail their checksum.")
    return plan


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
    df = pd.DataFrame({i: s for i, (_, s) in enumerate(columns)}, index=pd.RangeIndex(n))
    names = [c for c, _ in columns]
    df.columns = pd.Index(names, dtype=object) if columns_dtype == "object" else pd.Index(names)
    return df


def _read_territories(con: sqlite3.Connection, name: str) -> tuple[list[tuple[Any, ...]], list[Territory]]:
    """The stored rows (for the digest) and the territories built from them."""
    have = [r[1] for r in con.execute("PRAGMA table_info(territories)")]
    lacking = [c for c, _ in _TERRITORY_COLUMNS if c not in have]
    if lacking:
        raise ProjectFileError(f"{name} is incomplete: territory field(s) {', '.join(lacking)} are missing.")
    fields = [c for c, _ in _TERRITORY_COLUMNS]
    rows = con.execute(f"SELECT position, {', '.join(fields)} FROM territories ORDER BY position").fetchall()
    out: list[Territory] = []
    for i, row in enumerate(rows):
        if row[0] != i:
            raise ProjectFileError(f"{name} is damaged: territory {i + 1} is missing.")
        d = dict(zip(fields, row[1:], strict=True))
        try:
            out.append(Territory(
                name=str(d["name"]), rep=str(d["rep"] or ""), role=str(d["role"] or ""),
                region=str(d["region"] or ""), home_lat=_real(d["home_lat"]), home_lon=_real(d["home_lon"]),
                capacity_hours=_real(d["capacity_hours"]), color=str(d["color"] or ""),
                locked=bool(d["locked"]), target_share=_real(d["target_share"]), removed=bool(d["removed"])))
        except (TypeError, ValueError) as exc:
            raise ProjectFileError(f"{name} is damaged: territory {i + 1} ({exc}).") from exc
    return rows, out


def _real(v: Any) -> float:
    return math.nan if v is None else float(v)
