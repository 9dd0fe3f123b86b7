"""Which table of the accounts file holds the accounts, and how its columns map.

A CRM report saved from Excel often opens on a cover or summary sheet, or on an empty one. When the planner
names no sheet and the first holds no accounts (no account id or name column, or no rows), the import reads
the first sheet that does and says so; when none does, the message lists the workbook's sheets and how to name
one (`--sheet NAME`, or Sheet in the import dialog), rather than only "cannot find an account id column".
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from territory_desktop.io.importing.columns import ACCOUNT_FIELDS, guess_mapping, resolve_mapping
from territory_desktop.io.importing.errors import ImportFailed
from territory_desktop.io.importing.table_reader import read_table
from territory_desktop.io.importing.xlsx_reader import workbook_sheets


def read_accounts_table(path: str | Path, sheet: str | None, mapping: dict[str, str] | None,
                        file: str) -> tuple[pd.DataFrame, dict[str, str], str | None]:
    """(table, {field: column}, a note naming the sheet taken instead of the first, or None)."""
    try:
        df: pd.DataFrame | None = read_table(path, sheet=sheet)
        failure: ImportFailed | None = None
    except ImportFailed as exc:
        if sheet is not None:
            raise
        df, failure = None, exc
    if df is not None:
        used = _account_mapping(df, mapping, file)
        if len(df) and used is not None:
            return df, used, None
    sheets = workbook_sheets(path) if sheet is None else []
    for other in sheets[1:]:
        try:
            candidate = read_table(path, sheet=other)
        except ImportFailed:
            continue
        used = _account_mapping(candidate, mapping, file) if len(candidate) else None
        if used is not None:
            return candidate, used, (f"took the sheet {other!r}: the first sheet {sheets[0]!r} holds no accounts "
                                     "(no account id or name column, or no rows); name a sheet to read another")
    hint = (f"; the workbook's sheets are {', '.join(map(repr, sheets))}: name the one with the accounts "
            "(--sheet NAME, or Sheet in the import dialog)") if len(sheets) > 1 else ""
    if failure is not None:
        raise ImportFailed(f"{failure}{hint}") from failure
    assert df is not None
    if len(df) == 0 and _account_mapping(df, mapping, file) is not None:
        raise ImportFailed(f"{file}: has a header row but no data rows{hint}")
    columns = list(df.columns)
    shown = ", ".join(map(repr, columns[:30])) + (" ..." if len(columns) > 30 else "")
    raise ImportFailed(f"{file}: cannot find an account id or account name column (the columns are "
                       f"{shown}); map 'account_id' or 'name' by hand{hint}")


def _account_mapping(df: pd.DataFrame, mapping: dict[str, str] | None, file: str) -> dict[str, str] | None:
    """The resolved mapping of a table, or None when it maps neither an account id nor a name."""
    columns = list(df.columns)
    used = resolve_mapping(mapping, columns, ACCOUNT_FIELDS, file, guess_mapping(columns))
    return used if "account_id" in used or "name" in used else None
