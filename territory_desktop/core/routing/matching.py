"""Which accounts meet a territory's criteria: the plan's columns prepared once, then decided per criterion.

Kept apart from the rule model (which never reads accounts) and from routing (which decides between
territories): `Columns` factorises a column once per routing or report, `matches` decides a criterion on the
distinct values and spreads it to the accounts, `_named_mask` marks a territory's named accounts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from territory_desktop.core.plan import Plan
from territory_desktop.core.routing.criteria import NAMED, Criterion


class Columns:
    """The plan's columns as rules compare them, factorised once per routing or report (not per rule): a
    criterion is decided on the distinct values, then spread to the accounts by their codes (100k × 200
    territories: ~0.1 s instead of seconds of string comparisons)."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self._cache: dict[str, tuple[np.ndarray, pd.Series]] = {}

    def get(self, field_: str) -> tuple[np.ndarray, pd.Series]:
        """(code per account, distinct values) of the column a field reads."""
        col = "zip" if field_ == "zip_prefix" else field_
        if col not in self._cache:
            self._cache[col] = self._factor(_column(self.plan, col).to_numpy(dtype=object))
        return self._cache[col]

    def zip_prefix(self, length: int) -> tuple[np.ndarray, pd.Series]:
        """(code per account, distinct values) of the first `length` digits of the ZIP."""
        key = f"zip[:{length}]"
        if key not in self._cache:
            codes, uniques = self.get("zip")
            self._cache[key] = self._factor(uniques.str[:length].to_numpy(dtype=object)[codes])
        return self._cache[key]

    @staticmethod
    def _factor(values: np.ndarray) -> tuple[np.ndarray, pd.Series]:
        codes, uniques = pd.factorize(values, sort=False)
        return codes.astype(np.int64), pd.Series(np.asarray(uniques, dtype=object), dtype=object)


def county_column(plan: Plan) -> pd.Series | None:
    """The accounts' county, from a `county` account column or the export's own county column (None if none)."""
    if "county" in plan.accounts.columns:
        return plan.accounts["county"]
    src = plan.source
    if src is not None and len(src) == plan.n_accounts:
        for c in src.columns:
            if "county" in str(c).casefold():
                return src[c]
    return None


def _column(plan: Plan, col: str) -> pd.Series:
    if col == "county":
        raw = county_column(plan)
        if raw is None:
            return pd.Series([""] * plan.n_accounts, dtype=object)
        s = raw.reset_index(drop=True).fillna("").astype(str).str.strip().str.casefold()
        return s.str.replace(r"\s+(county|parish|borough)$", "", regex=True)
    s = plan.accounts[col].fillna("").astype(str).str.strip()
    if col == "zip":
        digits = s.str.replace(r"[^0-9]", "", regex=True)
        return digits.str[:5].str.zfill(5).where(digits != "", "")
    if col != NAMED:
        return s.str.casefold()
    return s


def matches(plan: Plan, criteria: list[Criterion] | tuple[Criterion, ...], rows: np.ndarray | None = None,
            columns: Columns | None = None) -> np.ndarray:
    """Which accounts (of `rows`, default all) meet every criterion; no criteria meets nothing."""
    rows = np.arange(plan.n_accounts) if rows is None else np.asarray(rows, dtype=np.int64)
    if not criteria:
        return np.zeros(len(rows), dtype=bool)
    columns = columns or Columns(plan)
    ok = np.ones(len(rows), dtype=bool)
    for c in criteria:
        if c.field == "zip_prefix":
            hit = np.zeros(len(rows), dtype=bool)
            prefixes = [v.replace("-", "") for v in c.values]
            for length in sorted({len(v) for v in prefixes}):
                codes, uniques = columns.zip_prefix(length)
                on_unique = uniques.isin([v for v in prefixes if len(v) == length]).to_numpy(dtype=bool)
                hit |= on_unique[codes[rows]]
        else:
            codes, uniques = columns.get(c.field)
            if c.field == NAMED:
                want = set(c.values)
            elif c.field == "zip":
                want = {v.replace("-", "")[:5].zfill(5) for v in c.values}
            elif c.field == "county":
                want = {v.casefold().removesuffix(" county").strip() for v in c.values}
            else:
                want = {v.casefold() for v in c.values}
            hit = uniques.isin(want).to_numpy(dtype=bool)[codes[rows]]
        ok &= hit if c.operator == "in" else ~hit
    return ok


def _named_mask(plan: Plan, named: frozenset[str], rows: np.ndarray | None = None) -> np.ndarray:
    ids = plan.ids if rows is None else plan.ids[rows]
    if not named:
        return np.zeros(len(ids), dtype=bool)
    return pd.Index(ids).isin(list(named))
