"""The plan workbook: Summary, Territories, Accounts and Changes sheets for planners who work in Excel.

Numbers stay numbers with a display format ($#,##0, 0.0%, #,##0 h), every sheet's header row is frozen and
filtered, and no cell is ever a formula: text that starts like one (= + - @, from a CRM export) goes through
`io/export.neutralise` and is written as an explicit string, as the assignment export does. The Accounts and
Changes sheets are the export's own tables (`assignment_table`, `change_table`) with a few columns added.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from territory_desktop.core.change_notes import default_effective_date
from territory_desktop.io.export import assignment_table, change_table, neutralise
from territory_desktop.io.reports.tables import ReportContext, headline_values, label, peer_order

MONEY = '"$"#,##0'
COUNT = "#,##0"
HOURS = '#,##0" h"'
PERCENT = "0.0%"
SIGNED_PERCENT = "+0.0%;-0.0%;0.0%"
DECIMAL = "0.00"
FORMATS = {"money": MONEY, "count": COUNT, "hours": HOURS, "percent": PERCENT, "signed": SIGNED_PERCENT,
           "decimal": DECIMAL, "text": None}
HEADER_FONT = Font(bold=True, color="1F2328")
HEADER_FILL = PatternFill("solid", fgColor="E9EDF2")
TITLE_FONT = Font(bold=True, size=14)


class Sheet:
    """A write-only sheet with typed columns: header styled, frozen and filtered, cells formatted by kind."""

    def __init__(self, wb: Workbook, title: str, columns: Sequence[tuple[str, str, float]],
                 preamble: Sequence[Sequence[Any]] = ()) -> None:
        self.ws: WriteOnlyWorksheet = wb.create_sheet(title)
        self.kinds = [k for _h, k, _w in columns]
        for j, (_h, _k, width) in enumerate(columns, start=1):
            self.ws.column_dimensions[get_column_letter(j)].width = width
        self.header_row = len(preamble) + 1
        self.ws.freeze_panes = f"A{self.header_row + 1}"
        for i, row in enumerate(preamble):
            self.ws.append([self._title(v) if i == 0 else self.text(v) for v in row])
        self.ws.append([self._header(h) for h, _k, _w in columns])
        self.rows = 0
        self._cells = {k: f for k, f in FORMATS.items()}

    def _title(self, value: Any) -> Any:
        cell = self.text(value)
        if cell is None or isinstance(cell, str):
            cell = WriteOnlyCell(self.ws, value=cell)
        cell.font = TITLE_FONT
        return cell

    def _header(self, text: str) -> Any:
        cell = WriteOnlyCell(self.ws, value=neutralise(text))
        cell.data_type = "s"
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        return cell

    def text(self, value: Any) -> Any:
        """A text cell that can never run: illegal XML characters dropped, formula starts neutralised and
        forced to string type."""
        if value is None:
            return None
        if not isinstance(value, str):
            value = str(value)
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if not value.isascii():  # a lone surrogate would corrupt the XML
            value = value.encode("utf-8", "replace").decode("utf-8")
        safe = neutralise(value)
        if safe is value and not value.startswith("="):
            return value
        cell = WriteOnlyCell(self.ws, value=safe)
        cell.data_type = "s"
        return cell

    def number(self, value: Any, kind: str) -> Any:
        try:
            v = float(value)
        except (TypeError, ValueError):
            return self.text(value)
        if not math.isfinite(v):
            return None
        cell = WriteOnlyCell(self.ws, value=v)
        cell.number_format = FORMATS[kind]
        return cell

    def append(self, values: Sequence[Any]) -> None:
        self.ws.append([self.text(v) if k == "text" else self.number(v, k)
                        for v, k in zip(values, self.kinds, strict=True)])
        self.rows += 1

    def finish(self) -> None:
        last = get_column_letter(len(self.kinds))
        self.ws.auto_filter.ref = f"A{self.header_row}:{last}{self.header_row + max(self.rows, 1)}"


def write_workbook(ctx: ReportContext, path: Path, effective_date: dt.date | None = None,
                   tick: Callable[[], None] = lambda: None) -> None:
    """Write the four sheets to `path` (the caller writes into a staging folder: see writer.py)."""
    effective = effective_date or default_effective_date(ctx.date)
    wb = Workbook(write_only=True)
    _summary(wb, ctx, effective)
    tick()
    _territories(wb, ctx)
    tick()
    _accounts(wb, ctx, tick)
    tick()
    _changes(wb, ctx, effective, tick)
    tick()
    wb.save(path)


def _summary(wb: Workbook, ctx: ReportContext, effective: dt.date) -> None:
    sheet = Sheet(wb, "Summary", [("Figure", "text", 34), ("Value", "decimal", 16), ("Group", "text", 22),
                                  ("Territories", "count", 12), ("Max ÷ min", "decimal", 12), ("CV", "percent", 10),
                                  ("Gini", "decimal", 10), ("Balance index", "decimal", 14)],
                  preamble=[[ctx.plan_name], [f"Prepared {ctx.date.isoformat()} · changes effective "
                                              f"{effective.isoformat()}"], []])
    for name, value, kind in headline_values(ctx):
        sheet.kinds[1] = kind
        sheet.append([name, value, None, None, None, None, None, None])
    sheet.kinds[1] = "text"
    for f in ctx.fairness:
        sheet.append([f"Fairness: {label(f.measure)}", None, f.group, f.territories,
                      f.max_min_ratio if math.isfinite(f.max_min_ratio) else None, f.cv, f.gini,
                      f.balance_index])
    sheet.finish()


def _territories(wb: Workbook, ctx: ReportContext) -> None:
    plan, t = ctx.plan, ctx.table
    measures = [m.measure for m in plan.settings.measures]
    cols: list[tuple[str, str, float]] = [
        ("Territory", "text", 24), ("Rep", "text", 20), ("Role", "text", 16), ("Region", "text", 14),
        ("Accounts", "count", 10), ("Potential", "money", 14), ("Open pipeline", "money", 14),
        ("Workload", "hours", 12), ("Capacity", "hours", 12), ("Capacity used", "percent", 12),
        ("Over capacity", "text", 11), ("Target share", "decimal", 11)]
    cols += [(f"{label(m)} vs peers", "signed", 14) for m in measures]
    cols += [(f"{label(m)} band", "text", 11) for m in measures]
    cols += [("Joining", "count", 9), ("Leaving", "count", 9), ("Suggested quota", "money", 15)]
    sheet = Sheet(wb, "Territories", cols)
    from territory_desktop.core.quota import suggest_quotas

    share = plan.settings.quota_share
    quota = suggest_quotas(plan, share, min(0.2, share), max(0.4, share))
    joining = np.bincount(np.where(plan.assignment != plan.baseline, plan.assignment, -1) + 1,
                          minlength=plan.n_territories + 1)[1:]
    leaving = np.bincount(np.where(plan.assignment != plan.baseline, plan.baseline, -1) + 1,
                          minlength=plan.n_territories + 1)[1:]
    for i in peer_order(ctx):
        r = t.loc[i]
        terr = plan.territories[i]
        sheet.append([r["name"], r["rep"], terr.role, r["region"], r["accounts"], r["potential"], r["pipeline"],
                      r["workload"], r["capacity"], r["utilisation"], "yes" if r["over_capacity"] else "no",
                      terr.target_share,
                      *[r[f"dev_{m}"] for m in measures], *[r[f"status_{m}"] for m in measures],
                      joining[i], leaving[i], quota.get(i, math.nan)])
    sheet.finish()


TICK_ROWS = 1000
"""Rows between two progress ticks (and cancel checks) on the long sheets."""


def _accounts(wb: Workbook, ctx: ReportContext, tick: Callable[[], None]) -> None:
    plan = ctx.plan
    headers, columns = assignment_table(plan)
    extra = {
        "Open Pipeline": pd.to_numeric(plan.accounts["pipeline"], errors="coerce").to_numpy(np.float64),
        "Tier": plan.accounts["tier"].fillna("").astype(str).to_numpy(object),
        "Score": pd.to_numeric(plan.accounts["score"], errors="coerce").to_numpy(np.float64),
        "Named": np.where(plan.named, "yes", "no").astype(object),
        "Locked": np.where(plan.locked, "yes", "no").astype(object),
    }
    all_headers = [*headers, *extra]
    all_columns = [*columns, *extra.values()]
    kinds = {"Potential": "money", "Open Pipeline": "money", "Territory Quota": "money", "Score": "decimal"}
    widths = {"Account Name": 34, "Account ID": 16, "Territory": 22, "Baseline Territory": 22, "Rep": 20,
              "Baseline Rep": 20, "City": 16}
    sheet = Sheet(wb, "Accounts", [(h, kinds.get(h, "text"), widths.get(h, 12)) for h in all_headers])
    for i, row in enumerate(zip(*(c.tolist() for c in all_columns), strict=True), start=1):
        sheet.append(row)
        if i % TICK_ROWS == 0:
            tick()
    sheet.finish()


def _changes(wb: Workbook, ctx: ReportContext, effective: dt.date, tick: Callable[[], None]) -> None:
    plan = ctx.plan
    headers, columns = change_table(plan, effective, "")
    ids = columns[0]
    rows = plan.rows_of(ids) if len(ids) else np.empty(0, dtype=np.int64)
    extra = {
        "Potential": pd.to_numeric(plan.accounts["potential"], errors="coerce").to_numpy(np.float64)[rows],
        "Open Pipeline": pd.to_numeric(plan.accounts["pipeline"], errors="coerce").to_numpy(np.float64)[rows],
    }
    widths = {"Account Name": 34, "Account ID": 16, "From Territory": 22, "To Territory": 22, "From Rep": 20,
              "To Rep": 20, "Reason": 40, "Effective Date": 14}
    cols = [(h, "text", widths.get(h, 14)) for h in headers] + [(h, "money", 14) for h in extra]
    sheet = Sheet(wb, "Changes", cols)
    for i, row in enumerate(zip(*(c.tolist() for c in [*columns, *extra.values()]), strict=True), start=1):
        sheet.append(row)
        if i % TICK_ROWS == 0:
            tick()
    sheet.finish()
