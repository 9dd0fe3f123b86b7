"""The rules as a CRM admin's table, both ways: territory, field, operator, value — written, parsed and read.

`rules_frame` writes every territory's criteria as rows; `rules_from_frame` parses such a table (or one a person
wrote, with "State", "ZIP prefix", "=") into rules per territory, naming file and row on error;
`read_rules_table` reads the CSV as text. Kept apart from routing: it only converts between the table and the
rule model.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from territory_desktop.core.plan import Plan
from territory_desktop.core.routing.criteria import Criterion, RuleError, criteria_of
from territory_desktop.core.wording import agree

COLUMNS = ["territory", "field", "operator", "value"]


def rules_frame(plan: Plan, rules: Mapping[int, list[dict[str, Any]]] | None = None) -> pd.DataFrame:
    """Every rule as rows a CRM admin can load: territory, field, operator, value (values comma-separated)."""
    rows = []
    for t in plan.active_territories().tolist():
        for c in criteria_of(plan, t, rules):
            rows.append({"territory": plan.territories[t].name, "field": c.field,
                         "operator": c.operator.replace("_", " "), "value": ",".join(c.values)})
    return pd.DataFrame(rows, columns=COLUMNS)


def rules_from_frame(plan: Plan, df: pd.DataFrame, source: str = "rules file",
                     ) -> dict[int, list[dict[str, object]]]:
    """Parse a rules table (as `rules_frame` writes it, or as a person writes one: "State", "ZIP prefix",
    "Named account", "=") into rules per territory index; every error names the file and row."""
    cols = {str(c).strip().lower(): c for c in df.columns}
    missing = [c for c in COLUMNS if c not in cols]
    if missing:
        raise RuleError(f"{source}: missing {agree(len(missing), 'column')} {', '.join(missing)} "
                        "(need territory, field, operator, value)")
    out: dict[int, list[dict[str, object]]] = {}
    for i, rec in enumerate(df.to_dict("records")):
        cells = {c: ("" if rec[cols[c]] is None or rec[cols[c]] != rec[cols[c]] else str(rec[cols[c]]).strip())
                 for c in COLUMNS}
        if not any(cells.values()):
            continue
        where = f"{source}: row {i + 2}: "
        if not cells["territory"]:
            raise RuleError(f"{where}no territory given")
        try:
            t = plan.territory_index(cells["territory"])
        except KeyError:
            raise RuleError(f"{where}no territory called {cells['territory']!r}") from None
        crit = Criterion.from_dict({"field": cells["field"], "operator": cells["operator"] or "in",
                                    "values": cells["value"]}, where)
        out.setdefault(t, []).append(crit.to_dict())
    return out


MAX_RULES_FILE = 20_000_000
"""Bytes a rules file may have (a real one is a few KB; this refuses a wrong file fast)."""


def read_rules_table(path: str | Path) -> pd.DataFrame:
    """A rules CSV read as text (no value is guessed a number: ZIP prefix 021 stays 021); RuleError names the
    file when it cannot be read."""
    p = Path(path)
    try:
        if p.stat().st_size > MAX_RULES_FILE:
            raise RuleError(f"{p.name}: too large for a rules file ({p.stat().st_size:,} bytes)")
        return pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig", skipinitialspace=True)
    except FileNotFoundError:
        raise RuleError(f"rules file not found: {p}") from None
    except IsADirectoryError:
        raise RuleError(f"{p} is a folder, not a rules file") from None
    except UnicodeDecodeError:
        raise RuleError(f"{p.name}: not a UTF-8 text file (save it as CSV UTF-8)") from None
    except pd.errors.EmptyDataError:
        raise RuleError(f"{p.name}: the file is empty (need columns territory, field, operator, value)") from None
    except (pd.errors.ParserError, OSError) as exc:
        raise RuleError(f"{p.name}: not a readable CSV ({exc})") from None
