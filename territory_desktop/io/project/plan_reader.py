"""One scenario's Plan from its stored rows: each column's bytes checked and decoded (or taken from scenario
0's or an earlier column's, kinds "same" and "copy"), assembled into the accounts, source, departed and
adjacency frames and the plan arrays, with the change notes, settings and history.

Split from project_file.py: scenario_reader.py calls read_plan once per scenario; the checks of what the
app never saves (territories, positions, bands) are in plan_checks.py. The layout is described in
project_file.py.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd

from territory_desktop.core.adjacency import AccountAdjacency
from territory_desktop.core.audit import AuditEntry
from territory_desktop.core.change_notes import ChangeNotes
from territory_desktop.core.plan import CANONICAL_COLUMNS, Plan
from territory_desktop.core.refresh import DEPARTED_COLUMNS
from territory_desktop.core.settings import BalanceSettings
from territory_desktop.core.wording import agree
from territory_desktop.io.project.column_codec import (
    ColumnFormatError,
    EncodedColumn,
    decode_series,
)
from territory_desktop.io.project.file_format import (
    ADJACENCY_COLUMNS,
    ADJACENCY_SINCE,
    AUDIT_FIELDS,
    COPY,
    FRAMES,
    NOTE_COLUMNS,
    SAME,
    ProjectFileError,
    column_crc,
    scenario_key,
)
from territory_desktop.io.project.plan_checks import (
    check_positions,
    check_settings,
    check_territory_numbers,
    check_unique_names,
    territories_from,
    territory_numbers,
)


def read_plan(meta: dict[str, str], cols: list[tuple[Any, ...]], terr_rows: list[tuple[Any, ...]],
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
        raise ProjectFileError(f"{name} is incomplete: account {agree(len(lacking), 'column')} {', '.join(lacking)}{where} "
                               f"{agree(len(lacking), 'is', 'are')} missing.")
    source = _frame(frames["source"], meta.get(scenario_key("source_columns_dtype", k)), n) \
        if meta.get(scenario_key("has_source", k)) == "1" else None
    territories = territories_from(terr_rows, name, fields)
    check_unique_names(territories, name, where)
    check_territory_numbers(territories, name, where)
    check_positions(accounts, name, where)
    assignment, baseline = (territory_numbers(arrays[key], key, len(territories), name)
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
    check_settings(settings, name)
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
        raise ProjectFileError(f"{name} is incomplete: departed account {agree(len(lacking), 'column')} "
                               f"{', '.join(lacking)}{where} {agree(len(lacking), 'is', 'are')} missing.")
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



def _frame(columns: list[tuple[Any, pd.Series]], columns_dtype: str | None, n: int) -> pd.DataFrame:
    # copy=False: the decoded columns are this frame's own (a deep copy of 1M accounts' columns took ~0.9 s)
    df = pd.DataFrame({i: s for i, (_, s) in enumerate(columns)}, index=pd.RangeIndex(n), copy=False)
    names = [c for c, _ in columns]
    df.columns = pd.Index(names, dtype=object) if columns_dtype == "object" else pd.Index(names)
    return df
