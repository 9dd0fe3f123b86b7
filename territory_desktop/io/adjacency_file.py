"""Reading a map adjacency file (a CSV of `a,b` account id pairs: which counties or ZIPs touch) for a plan.

The file is read row by row with the csv module rather than pandas, so a malformed row is named by the row
number a spreadsheet shows; the rows are then parsed by `core.adjacency.adjacency_from_rows`, the same parser
the command line uses, so the window and `solve` word a bad row the same way. Every problem is an
`AdjacencyError` whose message starts with the file's name, never a traceback.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING

from territory_desktop.core.adjacency import AccountAdjacency, AdjacencyError, adjacency_from_rows

if TYPE_CHECKING:
    from territory_desktop.core.plan import Plan

MAX_BYTES = 200 * 1024 * 1024
"""A national ZIP adjacency is ~10 MB; a file past this is not a pairs file and would only stall the window."""


def read_adjacency_csv(path: str | Path, plan: Plan) -> AccountAdjacency:
    """The adjacency of `plan`'s accounts from the pairs CSV at `path` (UTF-8, a header row, then `a,b`)."""
    path = Path(path)
    name = path.name or str(path)
    if path.is_dir():
        raise AdjacencyError(f"{name}: is a folder; choose a CSV file of a,b account id pairs")
    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise AdjacencyError(f"{name}: file not found ({path.parent})") from exc
    except OSError as exc:
        raise AdjacencyError(f"{name}: cannot be read ({exc.strerror or exc})") from exc
    if size > MAX_BYTES:
        raise AdjacencyError(f"{name}: {size / 1e6:,.0f} MB is too large for a pairs file (at most "
                             f"{MAX_BYTES // (1024 * 1024)} MB); it needs only two columns of account ids")
    rows: list[list[str]] = []
    reader = None
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            reader = csv.reader(f)
            rows = list(reader)
    except UnicodeDecodeError as exc:
        raise AdjacencyError(f"{name}: not a UTF-8 text file ({exc.reason} at byte {exc.start:,}); save it "
                             "as CSV UTF-8") from exc
    except csv.Error as exc:
        row = f"row {reader.line_num}: " if reader is not None and reader.line_num else ""
        raise AdjacencyError(f"{name}: {row}not a readable CSV ({exc})") from exc
    except OSError as exc:
        raise AdjacencyError(f"{name}: cannot be read ({exc.strerror or exc})") from exc
    if not any(any(cell.strip() for cell in row) for row in rows):
        rows = []  # blank lines only: the parser's "empty" message, not "the header has 0 columns"
    return adjacency_from_rows(rows, plan, name)
