"""Saving a plan's scenarios into a `.territory` file: whole (`save_project`), or only what moves change in a
copy of the file the plans were opened from (`save_moves`). Always through `safe_replace`, so a crash leaves
the old file or the new one. The layout is described in project_file.py.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import shutil
import sqlite3
import uuid
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from territory_desktop import __version__ as app_version
from territory_desktop.core.adjacency import AccountAdjacency
from territory_desktop.core.plan import Plan
from territory_desktop.core.refresh import DEPARTED_COLUMNS
from territory_desktop.core.scenarios import ScenarioSet
from territory_desktop.core.territory import Territory
from territory_desktop.io.project.column_codec import (
    EncodedColumn,
    encode_series,
)
from territory_desktop.io.project.file_format import (
    ADJACENCY_COLUMNS,
    APPLICATION_ID,
    AUDIT_FIELDS,
    COPY,
    DIGEST_KEY,
    FRAMES,
    NOTE_COLUMNS,
    PAGE_SIZE,
    SAME,
    SCHEMA_SQL,
    SCHEMA_VERSION,
    TERRITORY_COLUMNS,
    TEXT_KINDS,
    ProjectFileError,
    column_crc,
    content_digest,
    plain_name,
    scenario_key,
)
from territory_desktop.io.project.opened_file import (
    OpenedFile,
    file_signature,
    file_signature_of,
    opened_file,
)
from territory_desktop.io.project.safe_replace import SaveRefused, replace_atomically


# ----- save -----------------------------------------------------------------------------------------------
def save_project(plan: Plan | ScenarioSet, path: str | os.PathLike[str]) -> None:
    """Write the plan to `path` atomically (old file or new file after any crash; the plan is not changed).

    A plan that is one scenario of several (`plan.scenarios`) saves them all, with this one active, so no
    caller can drop the other scenarios by saving the one it opened; a `ScenarioSet` saves as it stands.

    The save respects the file it replaces: its permission bits are kept (a 600 plan stays private), a
    read-only plan is refused (ProjectFileError naming it) rather than overwritten, and a symlink is written
    through: the link stays a link and its target (resolved with os.path.realpath) gets the new plan. A new
    file gets the umask default (0o666 & ~umask), like any file the user creates.

    Hard links are detached, on purpose: keeping the inode would mean writing in place, and a crash then could
    leave half a plan; the atomic replace of the path wins, so the other names keep the previous plan. Callers
    say so (`safe_replace.other_names` before the save, `hard_link_note` after it).
    """
    _save(plan, path, reuse=False)


def save_moves(plan: Plan | ScenarioSet, path: str | os.PathLike[str]) -> bool:
    """Save like `save_project`, but when the plans were opened from `path` and changed since only by moves
    and locks, copy the file and rewrite only what those change (the "plan" frame, territories, history,
    meta): ~0.3 s instead of ~1.7 s at 1M accounts. Otherwise a full save. True if the quick path was taken.

    For callers that change plans only through edits (the CLI's `move`, the window): a write into a column that
    bypasses `Plan.apply` is not seen (frame identities, column lists and the file's identity are)."""
    return _save(plan, path, reuse=True)


def _save(plan: Plan | ScenarioSet, path: str | os.PathLike[str], reuse: bool) -> bool:
    if isinstance(plan, ScenarioSet):
        scenarios, active = plan, plan.active
    else:
        scenarios = ScenarioSet.single(plan)
        active = scenarios.index_of_plan(plan)
    opened = opened_file(scenarios) if reuse else None
    keep = opened if opened is not None and opened.still_holds(scenarios, os.fspath(path)) else None
    quick = False

    def write(tmp: Path) -> None:
        nonlocal quick
        quick = _write_database(scenarios, active, tmp, keep)

    try:
        replace_atomically(path, write)
        if quick and keep is not None:
            keep.signature = file_signature(keep.path)  # the next save of these plans may reuse it again
        return quick
    except SaveRefused as exc:
        raise ProjectFileError(str(exc)) from exc
    except sqlite3.Error as exc:
        raise ProjectFileError(f"Cannot save {Path(path).name}: {exc}.") from exc
    except UnicodeEncodeError as exc:  # a territory name or header holding half of a surrogate pair
        raise ProjectFileError(f"Cannot save {Path(path).name}: some text cannot be stored ({exc.reason}: "
                               f"{exc.object[max(exc.start - 10, 0):exc.end + 10]!r}).") from exc


def _write_database(scenarios: ScenarioSet, active: int, tmp: Path, keep: OpenedFile | None = None) -> bool:
    """Fill `tmp` with the scenarios; with `keep`, from a copy of the file they were opened from, replacing
    only the rows moves and locks change. True if that copy was used (False: written whole)."""
    quick = keep is not None and _copy_opened(keep, tmp)
    con = sqlite3.connect(tmp, isolation_level=None)
    try:
        # The temporary file is invisible until os.replace, so it needs no rollback journal of its own.
        if not quick:
            con.execute(f"PRAGMA page_size={PAGE_SIZE}")  # before the first table: it is the file's page size
        con.execute("PRAGMA journal_mode=OFF")
        con.execute("PRAGMA synchronous=OFF")
        if not quick:
            con.execute(f"PRAGMA application_id={APPLICATION_ID}")
            con.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        con.execute("BEGIN")
        if quick:
            con.execute("DELETE FROM columns WHERE frame = 'plan'")
            for table in ("meta", "scenarios", "territories", "audit"):
                con.execute(f"DELETE FROM {table}")
        else:
            for stmt in SCHEMA_SQL.split(";"):
                if stmt.strip():
                    con.execute(stmt)
        meta = _meta_rows(scenarios, active)
        first: dict[tuple[str, Any], tuple[Any, ...]] = {}
        columns: list[tuple[Any, ...]] = []
        territories: list[tuple[Any, ...]] = []
        audit: list[tuple[Any, ...]] = []
        for k, sc in enumerate(scenarios.scenarios):
            columns += _column_rows(sc.plan, k, first, ("plan",) if quick else FRAMES)
            territories += [(*_territory_row(i, t), k) for i, t in enumerate(sc.plan.territories)]
            audit += [(k, i, *(getattr(e, f) for f in AUDIT_FIELDS)) for i, e in enumerate(sc.plan.audit)]
        rows = [(i, sc.name, sc.notes, sc.created_at) for i, sc in enumerate(scenarios.scenarios)]
        kept = keep.kept if quick and keep is not None else []
        meta.append((DIGEST_KEY, content_digest(meta, kept + columns, territories, [rows, audit])))
        con.executemany("INSERT INTO meta VALUES (?, ?)", meta)
        con.executemany("INSERT INTO scenarios VALUES (?, ?, ?, ?)", rows)
        con.executemany("INSERT INTO columns (frame, position, name, kind, dtype, data, mask, crc, scenario) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", columns)
        fields = ", ".join(c for c, _ in TERRITORY_COLUMNS)
        con.executemany(f"INSERT INTO territories (position, {fields}, scenario) "
                        f"VALUES ({', '.join('?' * (len(TERRITORY_COLUMNS) + 2))})", territories)
        con.executemany(f"INSERT INTO audit VALUES ({', '.join('?' * (len(AUDIT_FIELDS) + 2))})", audit)
        con.execute("COMMIT")
    finally:
        con.close()
    return quick


def _copy_opened(keep: OpenedFile, tmp: Path) -> bool:
    """Copy the opened file into `tmp`, if it is still the file the plans were read from (checked on the open
    handle, so a file replaced after the last check is not copied) and none of its kept rows refers to a
    column of the "plan" frame, which the quick save rewrites."""
    if any(c[3] == COPY and json.loads(c[4]).get("frame") == "plan" for c in keep.kept):
        return False
    try:
        src = open(keep.path, "rb")  # noqa: SIM115 - closed below, after the copy
    except OSError:
        return False
    with src, open(tmp, "r+b") as dst:
        if file_signature_of(os.fstat(src.fileno())) != keep.signature:
            return False
        dst.truncate(0)
        shutil.copyfileobj(src, dst, COPY_CHUNK)
    return True


COPY_CHUNK = 8 * 1024 * 1024


def _meta_rows(scenarios: ScenarioSet, active: int) -> list[tuple[str, str]]:
    rows = [
        ("app_version", str(app_version)),
        ("saved_at", dt.datetime.now(dt.UTC).isoformat(timespec="seconds")),
        ("save_id", uuid.uuid4().hex),
        ("scenario_count", str(len(scenarios))),
        ("active_scenario", str(active)),
    ]
    for k, sc in enumerate(scenarios.scenarios):
        plan = sc.plan
        rows += [
            (scenario_key("n_accounts", k), str(plan.n_accounts)),
            (scenario_key("n_departed", k), str(len(_departed(plan)))),
            (scenario_key("settings", k), json.dumps(plan.settings.to_dict())),
            (scenario_key("has_source", k), "1" if plan.source is not None else "0"),
            (scenario_key("accounts_columns_dtype", k), str(plan.accounts.columns.dtype)),
            (scenario_key("source_columns_dtype", k), str(plan.source.columns.dtype) if plan.source is not None else ""),
        ]
        if plan.adjacency is not None:  # absent keys mean "no adjacency", as in a file from before schema 4
            rows += [(scenario_key("n_adjacency", k), str(len(plan.adjacency))),
                     (scenario_key("adjacency_source", k), plan.adjacency.source)]
    return rows


def _departed(plan: Plan) -> pd.DataFrame:
    """The accounts a refresh took out of the plan (core/refresh.py keeps them in `plan.departed`)."""
    got = getattr(plan, "departed", None)
    return got if isinstance(got, pd.DataFrame) else pd.DataFrame(columns=list(DEPARTED_COLUMNS))


def _column_rows(plan: Plan, scenario: int, first: dict[tuple[str, Any], tuple[Any, ...]],
                 only: tuple[str, ...] = FRAMES) -> list[tuple[Any, ...]]:
    """The column rows of one scenario; a column equal to scenario 0's (most of the accounts, the source)
    is written as a reference, so ten scenarios of a 100k-account plan do not store the accounts ten times,
    and so is a column equal to an earlier one of the same scenario (an imported "Account Name" and the
    canonical "name" read from it: at 1M accounts a third of the file)."""
    frames: dict[str, pd.DataFrame] = {"accounts": plan.accounts}
    departed = _departed(plan)
    if len(departed):
        frames["departed"] = departed
    arrays = (("assignment", plan.assignment), ("baseline", plan.baseline), ("locked", plan.locked),
              *zip(NOTE_COLUMNS, (plan.notes.reason, plan.notes.by, plan.notes.at), strict=True))
    frames["plan"] = pd.DataFrame({name: arr for name, arr in arrays})
    if plan.source is not None:
        frames["source"] = plan.source
    if plan.adjacency is not None:
        frames["adjacency"] = _adjacency_frame(plan.adjacency)
    rows: list[tuple[Any, ...]] = []
    earlier: dict[tuple[str, str, int, int], list[tuple[str, int, EncodedColumn]]] = {}
    texts: dict[tuple[Any, ...], list[tuple[str, int, pd.Series]]] = {}  # text columns by _fingerprint
    encoded: dict[tuple[str, int], tuple[Any, ...]] = {}  # (kind, dtype, data, mask) of each column so far
    for frame in FRAMES:
        if frame not in frames or frame not in only:
            continue
        df = frames[frame]
        for pos, name in enumerate(df.columns):
            series = df.iloc[:, pos]
            key = (frame, json.dumps(plain_name(name)))
            fp = _fingerprint(series)
            # A text column equal (values and dtype) to an earlier one is a "copy" found before it is encoded:
            # an import holds ~10 such columns, and encoding them only to compare the bytes cost ~0.8 s at 1M.
            same = next((t for t in texts.get(fp, []) if series.dtype == t[2].dtype
                         and (_shares_values(series, t[2]) or series.equals(t[2]))), None) if fp is not None else None
            if same is not None:
                encoded[frame, pos] = encoded[same[0], same[1]]  # what encoding it would have given
                if scenario == 0:
                    first[key] = encoded[frame, pos]
                col = EncodedColumn(COPY, json.dumps({"frame": same[0], "position": same[1]}), b"", None)
                rows.append((*_column_row(frame, pos, name, col), scenario))
                continue
            if fp is not None:
                texts.setdefault(fp, []).append((frame, pos, series))
            col = encode_series(series)
            encoded[frame, pos] = (col.kind, col.dtype, col.data, col.mask)
            crc = column_crc(col.data, col.mask)  # once per column: at 1M accounts ~0.1 s a pass over the blobs
            if scenario == 0:
                first[key] = (col.kind, col.dtype, col.data, col.mask)
            elif first.get(key) == (col.kind, col.dtype, col.data, col.mask):
                rows.append((*_column_row(frame, pos, name, EncodedColumn(SAME, "", b"", None)), scenario))
                continue
            # same rows in the frame (a departed column never equals an account column of another length)
            like = (col.kind, col.dtype, crc, len(col.data))
            if col.kind not in TEXT_KINDS:  # numbers are cheap to store twice, and a damaged file reads clearer
                rows.append((*_column_row(frame, pos, name, col, crc), scenario))
                continue
            twin = next((c for c in earlier.get(like, []) if c[2] == col and len(frames[c[0]]) == len(df)), None)
            earlier.setdefault(like, []).append((frame, pos, col))
            if twin is None:
                rows.append((*_column_row(frame, pos, name, col, crc), scenario))
            else:
                col = EncodedColumn(COPY, json.dumps({"frame": twin[0], "position": twin[1]}), b"", None)
                rows.append((*_column_row(frame, pos, name, col), scenario))
    return rows


def _shares_values(a: pd.Series, b: pd.Series) -> bool:
    """Whether two text columns are views of one buffer, so equal without comparing their cells: an opened
    file's copies share their column until either is written (pandas' copy-on-write), and comparing the ~11
    an import holds cost ~0.2 s of every save at 1M accounts."""
    x, y = a.array, b.array
    if not (isinstance(x, pd.arrays.NumpyExtensionArray) and isinstance(y, pd.arrays.NumpyExtensionArray)):
        return False
    u, v = np.asarray(x), np.asarray(y)
    return (u.__array_interface__["data"][0] == v.__array_interface__["data"][0] and u.shape == v.shape
            and u.strides == v.strides and u.dtype == v.dtype)


def _adjacency_frame(adjacency: AccountAdjacency) -> pd.DataFrame:
    """The pairs as two text columns, so the column codec stores them as joined text (or, as ids repeat in
    many pairs, as distinct ids + codes) and a scenario sharing scenario 0's adjacency stores it once."""
    text = pd.StringDtype("python")
    return pd.DataFrame({c: pd.array([str(v) for v in ids], dtype=text)
                         for c, ids in zip(ADJACENCY_COLUMNS, (adjacency.a, adjacency.b), strict=True)})


FINGERPRINT_CELLS = 16
"""Cells (evenly spread) that tell text columns apart before comparing them in full."""


def _fingerprint(series: pd.Series) -> tuple[Any, ...] | None:
    """Length, dtype and a few cells of a text column (None for any other column): two columns with another
    fingerprint differ, two with the same one are compared in full."""
    if not isinstance(series.dtype, pd.StringDtype):
        return None
    n = len(series)
    at = np.unique(np.linspace(0, n - 1, FINGERPRINT_CELLS).astype(np.int64)) if n else np.zeros(0, np.int64)
    cells = series.iloc[at].tolist()
    return (n, series.dtype, *(v if isinstance(v, str) else None for v in cells))


def _column_row(frame: str, pos: int, name: Any, col: EncodedColumn, crc: int | None = None) -> tuple[Any, ...]:
    """One row of the columns table; `crc` when the caller already has the column's checksum."""
    return (frame, pos, json.dumps(plain_name(name)), col.kind, col.dtype, col.data, col.mask,
            column_crc(col.data, col.mask) if crc is None else crc)


def _territory_row(index: int, t: Territory) -> tuple[Any, ...]:
    vals: list[Any] = [index]
    for name, kind in TERRITORY_COLUMNS:
        v = getattr(t, name)
        if kind == "JSON":
            v = json.dumps(v or [], ensure_ascii=False, sort_keys=True)
        elif kind == "TEXT":
            v = "" if v is None else str(v)  # what SQLite's column affinity would make of it anyway
        elif isinstance(v, bool | np.bool_) or kind == "INTEGER":
            v = int(bool(v))
        elif kind == "REAL":
            v = float(v) + 0.0  # SQLite stores -0.0 as 0: normalise so the digest sees what is read back
            if not math.isfinite(v):
                v = None if math.isnan(v) else repr(v)  # SQLite has no NaN; inf is kept as text
        vals.append(v)
    return tuple(vals)

