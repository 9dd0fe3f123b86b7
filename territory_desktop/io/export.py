"""Files for the CRM: the assignment of every account and the change list (who moves where, from when).

Account names come from CRM exports and may start with "=", "+", "-" or "@": a spreadsheet would run such a
cell as a formula (CSV injection). Every text cell that could be read that way (also behind leading spaces or
control characters) gets a leading apostrophe, in CSV and XLSX alike, by the rule every file the app writes
shares (`io/cell_text.neutralise`), and XLSX cells are written as explicit strings. Numbers stay numbers. Files are written
to a temporary name and renamed, so a failed export never leaves half a file where the old one was.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import math
import os
import re
import stat
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from territory_desktop.core.change_notes import default_effective_date
from territory_desktop.core.plan import Plan
from territory_desktop.core.quota import suggest_quotas
from territory_desktop.core.refresh import departed_of
from territory_desktop.io.cell_text import FORMULA_START as FORMULA_START  # re-exported: the rule lives there
from territory_desktop.io.cell_text import neutralise

_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
"""Control characters XML (and so XLSX) cannot hold."""

ASSIGNMENT_HEADERS = ("Account ID", "Account Name", "City", "State", "Segment", "Potential", "Territory", "Rep",
                      "Baseline Territory", "Baseline Rep", "Moved", "Territory Quota")
CHANGE_HEADERS = ("Account ID", "Account Name", "From Territory", "From Rep", "To Territory", "To Rep",
                  "Effective Date", "Reason", "Changed By", "Changed At")


class ExportError(Exception):
    """An export that could not be written; the message names the file and says what to do."""


# ----- tables ----------------------------------------------------------------------------------------------
def _text(plan: Plan, column: str) -> np.ndarray:
    return plan.accounts[column].astype(object).where(plan.accounts[column].notna(), "").astype(str) \
        .to_numpy(dtype=object)


def _by_territory(plan: Plan, assignment: np.ndarray, field: str) -> np.ndarray:
    """Territory field per account; the extra last slot is "" for unassigned accounts."""
    values = np.array([str(getattr(t, field)) for t in plan.territories] + [""], dtype=object)
    a = assignment.astype(np.int64)
    return values[np.where(a < 0, len(plan.territories), a)]


def assignment_table(plan: Plan) -> tuple[tuple[str, ...], list[np.ndarray]]:
    """Headers and columns of the assignment file, one row per account."""
    potential = pd.to_numeric(plan.accounts["potential"], errors="coerce").to_numpy(dtype=np.float64)
    moved = np.where(plan.assignment != plan.baseline, "yes", "no").astype(object)
    return ASSIGNMENT_HEADERS, [
        _text(plan, "account_id"), _text(plan, "name"), _text(plan, "city"), _text(plan, "state"),
        _text(plan, "segment"), potential, _by_territory(plan, plan.assignment, "name"),
        _by_territory(plan, plan.assignment, "rep"), _by_territory(plan, plan.baseline, "name"),
        _by_territory(plan, plan.baseline, "rep"), moved, _territory_quota(plan),
    ]


def _territory_quota(plan: Plan) -> np.ndarray:
    """The owning territory's suggested quota (settings' quota share × its potential); NaN when unassigned."""
    quotas = np.full(plan.n_territories + 1, np.nan)
    share = plan.settings.quota_share
    q = suggest_quotas(plan, share, min(0.2, share), max(0.4, share))
    quotas[q.index.to_numpy()] = q.to_numpy()
    a = plan.assignment.astype(np.int64)
    return np.round(quotas[np.where(a < 0, plan.n_territories, a)], 2)


def change_table(plan: Plan, effective_date: dt.date | str | None = None,
                 reason: str = "") -> tuple[tuple[str, ...], list[np.ndarray]]:
    """Headers and columns of the change list: accounts whose territory differs from the baseline, then the
    accounts a refresh took out of the plan (gone from the CRM: from their territory to nobody).

    Each row says why (the reason its move carried: the co-pilot's sentence, the planner's note, "Rep
    departure: ..."; `reason` fills in for moves that carried none), who moved it and when (UTC). The
    effective date defaults to the notice period ahead (`default_effective_date`, 30 days).
    """
    rows = np.flatnonzero(plan.assignment != plan.baseline)
    n = len(rows)
    base, now = plan.baseline[rows], plan.assignment[rows]
    when = default_effective_date() if effective_date is None else _as_date(effective_date)
    own = plan.notes.reason[rows]
    reasons = np.where(own == "", str(reason).strip(), own).astype(object) if n else np.empty(0, dtype=object)
    gone = departed_of(plan)
    g = len(gone)
    reps = {t.name: t.rep for t in plan.territories}

    def col(name: str) -> np.ndarray:
        return gone[name].fillna("").astype(str).to_numpy(dtype=object) if g else np.empty(0, dtype=object)

    empty = np.full(g, "", dtype=object)
    return CHANGE_HEADERS, [
        np.concatenate([_text(plan, "account_id")[rows], col("account_id")]),
        np.concatenate([_text(plan, "name")[rows], col("name")]),
        np.concatenate([_by_territory(plan, base, "name"), col("territory")]),
        np.concatenate([_by_territory(plan, base, "rep"),
                        np.array([reps.get(t, "") for t in col("territory")], dtype=object)]),
        np.concatenate([_by_territory(plan, now, "name"), empty]),
        np.concatenate([_by_territory(plan, now, "rep"), empty]),
        np.full(n + g, when.isoformat(), dtype=object),
        np.concatenate([reasons, col("reason")]),
        np.concatenate([plan.notes.by[rows].astype(object), empty]),
        np.concatenate([np.array([_stamp(t) for t in plan.notes.at[rows]], dtype=object), empty]),
    ]


def _stamp(iso: str) -> str:
    """"2026-12-03 08:21 UTC" from a stored ISO time: what a person reads in a spreadsheet ("" if unknown)."""
    try:
        t = dt.datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return ""
    if t.tzinfo is not None:
        t = t.astimezone(dt.UTC)
    return f"{t:%Y-%m-%d %H:%M} UTC"


def _as_date(value: dt.date | str) -> dt.date:
    """A date from a date, a datetime or "YYYY-MM-DD" text (the CLI passes text)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise ExportError(f"The effective date {value!r} is not a date: write it as YYYY-MM-DD.") from exc


# ----- public API ------------------------------------------------------------------------------------------
def export_assignments(plan: Plan, path: str | os.PathLike[str]) -> int:
    """Write every account with its territory and rep (.csv or .xlsx by suffix); returns the rows written."""
    headers, columns = assignment_table(plan)
    return _write(Path(path), "Assignments", headers, columns)


def export_changes(plan: Plan, path: str | os.PathLike[str], effective_date: dt.date | str | None = None,
                   reason: str = "") -> int:
    """Write the change list against the baseline (.csv or .xlsx by suffix); returns the rows written.

    `reason` is used for moves that carry no reason of their own; the date defaults to 30 days ahead."""
    headers, columns = change_table(plan, effective_date, reason)
    return _write(Path(path), "Changes", headers, columns)


# ----- writers ---------------------------------------------------------------------------------------------
def _write(path: Path, sheet: str, headers: Sequence[str], columns: list[np.ndarray]) -> int:
    suffix = path.suffix.lower()
    writers: dict[str, Callable[[Path, str, Sequence[str], list[np.ndarray]], None]] = {
        ".csv": _write_csv, ".xlsx": _write_xlsx}
    if suffix not in writers:
        raise ExportError(f"Cannot export to {path.name}: use a file name ending in .csv or .xlsx.")
    if not path.parent.is_dir():
        raise ExportError(f"Cannot export to {path.name}: the folder {path.parent} does not exist.")
    # Like a project save: through a symlink to its target (the link stays a link), keeping the replaced
    # file's permission bits (a private 600 export stays private), never over a device or pipe.
    target = Path(os.path.realpath(path))
    try:
        old = os.stat(target)
    except OSError:
        old = None
    if old is not None and not stat.S_ISREG(old.st_mode):
        raise ExportError(f"Cannot export to {path.name}: it is not a regular file (a folder, device or pipe).")
    tmp = target.with_name(f".{target.stem}.{uuid.uuid4().hex[:8]}{suffix}.tmp")
    try:
        # created private when it replaces a file, so a 600 export's rows are never readable by others midway
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666 if old is None else 0o600))
        writers[suffix](tmp, sheet, headers, columns)
        if old is not None:
            os.chmod(tmp, stat.S_IMODE(old.st_mode))
        os.replace(tmp, target)
    except PermissionError as exc:
        raise ExportError(f"Cannot write {path.name}: it is open in another program or the folder is "
                          "read-only. Close it and try again.") from exc
    except OSError as exc:
        raise ExportError(f"Cannot write {path.name}: {exc.strerror or exc}.") from exc
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
    return len(columns[0]) if columns else 0


def _csv_number(x: float) -> str:
    if not math.isfinite(x):
        return ""
    text = repr(float(x))
    return text[:-2] if text.endswith(".0") else text


def _write_csv(path: Path, _sheet: str, headers: Sequence[str], columns: list[np.ndarray]) -> None:
    cells = [[_csv_number(v) for v in col.tolist()] if col.dtype.kind == "f" else [neutralise(v) for v in col]
             for col in columns]
    # utf-8-sig: Excel opens the file with the right accents instead of guessing a code page.
    # errors="replace": a name with undecodable bytes from the source file becomes "?" instead of failing
    with open(path, "w", encoding="utf-8-sig", errors="replace", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([neutralise(h) for h in headers])
        writer.writerows(zip(*cells, strict=True))


def _write_xlsx(path: Path, sheet: str, headers: Sequence[str], columns: list[np.ndarray]) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet)

    def text_cell(value: str) -> Any:
        value = _XLSX_ILLEGAL.sub("", value)
        if not value.isascii():  # a lone surrogate (undecodable source byte) would corrupt the XML: "?"
            value = value.encode("utf-8", "replace").decode("utf-8")
        safe = neutralise(value)
        if safe is value and not value.startswith("="):
            return value
        cell = WriteOnlyCell(ws, value=safe)
        cell.data_type = "s"  # never let openpyxl take it for a formula
        return cell

    cells = [[None if not math.isfinite(v) else v for v in col.tolist()] if col.dtype.kind == "f"
             else [text_cell(v) for v in col] for col in columns]
    ws.append([text_cell(h) for h in headers])
    for row in zip(*cells, strict=True):
        ws.append(list(row))
    wb.save(path)
