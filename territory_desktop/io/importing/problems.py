"""What an import could not take, and why: one record per problem, with the place a user can find it."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import astuple, dataclass, fields
from pathlib import Path

import numpy as np

from territory_desktop.io.cell_text import neutralise

ERROR = "error"
"""The row was rejected (it is not in the plan)."""
WARNING = "warning"
"""The row was kept, but something in it was set blank or guessed."""
NOTE = "note"
"""Not an account — a blank line or a report's footer ("Grand Totals", "Copyright (c) ... salesforce.com") —
left out; nothing is lost. Counted as skipped, never as rejected."""
SEVERITIES = (ERROR, WARNING, NOTE)


@dataclass(frozen=True)
class ImportProblem:
    """One problem. `row` is the row number a spreadsheet shows (header = row 1); None for file-level notes."""

    file: str
    row: int | None
    column: str | None
    value: str
    reason: str
    severity: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column!r}")
        return f"{', '.join(where)}: {self.reason}"


def sheet_row(index: int, header_row: int = 1) -> int:
    """The spreadsheet row of the data record at 0-based position `index` (the header is usually row 1)."""
    return int(index) + header_row + 1


def problems_for(file: str, rows: np.ndarray, column: str | None, values: Iterable[object], reason: str,
                 severity: str, header_row: int = 1) -> list[ImportProblem]:
    """One problem per row; `reason` may use {value} for the cell text (kept short)."""
    out = []
    for r, v in zip(rows.tolist(), values, strict=True):
        text = "" if v is None else str(v)
        shown = text if len(text) <= 60 else text[:57] + "..."
        out.append(ImportProblem(file, sheet_row(r, header_row), column, text, reason.format(value=shown),
                                 severity))
    return out


def write_problems_csv(problems: list[ImportProblem], path: str | Path) -> None:
    """Write the problems as a CSV a planner can open in Excel (UTF-8 with BOM so accents survive).

    Cells that a spreadsheet would run as formulas get a leading apostrophe by the exports' own rule
    (`io/cell_text.neutralise`: = + - @ also behind spaces or control characters). A file name or value that
    is not valid Unicode (a Linux file name with a Windows-1252 byte) is written with "?" for the bad
    character, as the CSV export does, instead of failing half-way.
    """
    def safe(v: object) -> str:
        return neutralise("" if v is None else str(v))

    with Path(path).open("w", encoding="utf-8-sig", errors="replace", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([f.name for f in fields(ImportProblem)])
        for p in problems:
            w.writerow([safe(v) for v in astuple(p)])
