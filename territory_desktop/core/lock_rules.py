"""Locks kept as rules: "lock every account with open pipeline over $250k", "named Enterprise accounts".

A lock rule is a name and one or more conditions `field operator value` on account columns; an account is
locked by the rule when it meets every condition (AND), and by the rules when it meets any rule (OR). The
settings keep them as flat rows (`BalanceSettings.lock_rules`: (name, field, operator, value), the rows of one
name forming one rule), so a refreshed export, whose new accounts never saw a lock, can be locked by the same
rules (`locked_by_rules`).

Fields are the plan's account columns. Numeric columns (pipeline, potential, employees, revenue, score) compare
as numbers and accept how planners write amounts ("250k", "$1.2M", "1,500"); the named flag takes yes / no;
every other column compares as case-insensitive text (ISO dates in `last_activity` compare in date order).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from territory_desktop.core.plan import Plan

OPERATORS = ("=", "!=", ">", ">=", "<", "<=", "in", "not in", "contains")
"""What a condition can ask; `in` / `not in` take comma-separated values, `contains` a piece of text."""
ORDERED = (">", ">=", "<", "<=")
BOOL_WORDS = {"true": True, "yes": True, "y": True, "1": True, "false": False, "no": False, "n": False, "0": False}
FIELD_LABELS = {"pipeline": "open pipeline", "potential": "potential", "named": "named account",
                "account_id": "account id", "last_activity": "last activity", "zip": "ZIP"}
"""How fields read in sentences; others read as their column name with spaces."""

_AMOUNT = re.compile(r"^([+-]?\d+(?:\.\d*)?|[+-]?\.\d+)\s*([kmb]|bn|mm)?$", re.IGNORECASE)
_SCALE = {"": 1.0, "k": 1e3, "m": 1e6, "mm": 1e6, "b": 1e9, "bn": 1e9}


class LockRuleError(ValueError):
    """A lock rule that cannot be used; the message names the rule (and its row) and what is wrong."""


@dataclass(frozen=True)
class LockCondition:
    """One condition of a lock rule, validated against the plan's columns (see `parse_lock_rules`)."""

    field: str
    operator: str
    value: str

    def words(self) -> str:
        name = FIELD_LABELS.get(self.field, self.field.replace("_", " "))
        op = {"=": "is", "!=": "is not", "contains": "contains", "in": "is one of",
              "not in": "is none of"}.get(self.operator, self.operator)
        return f"{name} {op} {self.value}"


@dataclass(frozen=True)
class LockRule:
    """A named lock rule: an account meeting every condition is locked."""

    name: str
    conditions: tuple[LockCondition, ...]

    def words(self) -> str:
        return f"{self.name}: " + " and ".join(c.words() for c in self.conditions)

    def rows(self) -> list[tuple[str, str, str, str]]:
        """The rule as the settings keep it."""
        return [(self.name, c.field, c.operator, c.value) for c in self.conditions]


def parse_amount(text: str) -> float | None:
    """A number as planners write one: 250000, 250,000, $250k, 1.2M, 2bn (None if it is not one)."""
    s = str(text).strip().replace(",", "").replace("$", "").replace("€", "").replace("£", "").replace(" ", "")
    m = _AMOUNT.match(s)
    if not m:
        return None
    return float(m.group(1)) * _SCALE[(m.group(2) or "").lower()]


def column_kind(accounts: pd.DataFrame, field: str) -> str:
    """"number", "flag" or "text": how a column's values are compared."""
    dtype = accounts[field].dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "flag"
    if pd.api.types.is_numeric_dtype(dtype):
        return "number"
    return "text"


def normalise_operator(op: str) -> str:
    """Accept the spellings people type: ==, <>, ≥, not_in, "not in", upper case."""
    s = " ".join(str(op).strip().lower().replace("_", " ").split())
    return {"==": "=", "is": "=", "<>": "!=", "≠": "!=", "is not": "!=", "≥": ">=", "=>": ">=", "≤": "<=",
            "=<": "<=", "notin": "not in"}.get(s, s)


def check_condition(accounts: pd.DataFrame, field: str, operator: str, value: str, where: str = "",
                    ) -> LockCondition:
    """Validate one condition against the accounts' columns; errors start with `where` and say the fix."""
    f = str(field).strip().lower().replace(" ", "_")
    op = normalise_operator(operator)
    v = str(value).strip()
    if f not in accounts.columns:
        raise LockRuleError(f"{where}unknown field {field!r} (use an account column: "
                            f"{', '.join(map(str, accounts.columns))})")
    if op not in OPERATORS:
        raise LockRuleError(f"{where}unknown operator {operator!r} (use one of: {' '.join(OPERATORS)})")
    if not v:
        raise LockRuleError(f"{where}the condition on {f!r} has no value")
    kind = column_kind(accounts, f)
    parts = _values(v) if op in ("in", "not in") else [v]
    if kind == "number" and op != "contains":
        bad = [p for p in parts if parse_amount(p) is None]
        if bad:
            raise LockRuleError(f"{where}{f} is a number, and {', '.join(map(repr, bad))} is not one "
                                "(write e.g. 250000, 250k or $1.2M)")
    if kind == "flag":
        if op not in ("=", "!="):
            raise LockRuleError(f"{where}{f} is yes or no: use = or != (not {op!r})")
        if v.lower() not in BOOL_WORDS:
            raise LockRuleError(f"{where}{f} is yes or no, not {v!r}")
    return LockCondition(f, op, v)


def parse_lock_rules(rows: Iterable[Sequence[str]], accounts: pd.DataFrame) -> list[LockRule]:
    """The settings' (name, field, operator, value) rows as rules, in the order their names first appear.

    Every problem is a LockRuleError naming the rule and its row (1-based, as the dialog and a file count).
    """
    order: dict[str, list[LockCondition]] = {}
    for i, row in enumerate(rows, 1):
        if len(row) != 4:
            raise LockRuleError(f"lock rule row {i}: needs name, field, operator and value, not {list(row)!r}")
        name, field, op, value = (str(x) for x in row)
        name = name.strip()
        if not name:
            raise LockRuleError(f"lock rule row {i}: the rule has no name")
        cond = check_condition(accounts, field, op, value, f"lock rule {name!r} (row {i}): ")
        order.setdefault(name, []).append(cond)
    return [LockRule(n, tuple(c)) for n, c in order.items()]


def rule_rows(rules: Iterable[LockRule]) -> tuple[tuple[str, str, str, str], ...]:
    """Rules back to the settings' rows (`BalanceSettings.lock_rules`)."""
    return tuple(r for rule in rules for r in rule.rows())


def _values(text: str) -> list[str]:
    return [p.strip() for p in str(text).split(",") if p.strip()]


def condition_mask(accounts: pd.DataFrame, c: LockCondition) -> np.ndarray:
    """Which accounts meet one (validated) condition; a blank cell meets only `!=` and `not in`."""
    col = accounts[c.field]
    kind = column_kind(accounts, c.field)
    if kind == "flag":
        hit = col.fillna(False).astype(bool).to_numpy() == BOOL_WORDS[c.value.lower()]
        return hit if c.operator == "=" else ~hit
    if kind == "number" and c.operator != "contains":
        x = pd.to_numeric(col, errors="coerce").to_numpy(dtype=np.float64)
        with np.errstate(invalid="ignore"):
            if c.operator in ("in", "not in"):
                hit = np.isin(x, [parse_amount(p) for p in _values(c.value)])
                return hit if c.operator == "in" else ~hit
            v = parse_amount(c.value)
            return {"=": x == v, "!=": ~(x == v), ">": x > v, ">=": x >= v, "<": x < v, "<=": x <= v}[c.operator]
    text = col.fillna("").astype(str).str.strip().str.casefold()
    s = text.to_numpy(dtype=object)
    v = c.value.casefold()
    if c.operator == "contains":
        return text.str.contains(v, regex=False).to_numpy(dtype=bool)
    if c.operator in ("in", "not in"):
        hit = text.isin([p.casefold() for p in _values(c.value)]).to_numpy(dtype=bool)
        return hit if c.operator == "in" else ~hit
    if c.operator == "=":
        return s == v
    if c.operator == "!=":
        return s != v
    filled = s != ""
    cmp = {">": s > v, ">=": s >= v, "<": s < v, "<=": s <= v}[c.operator]
    return np.asarray(cmp, dtype=bool) & filled


def rule_mask(accounts: pd.DataFrame, rule: LockRule) -> np.ndarray:
    """Accounts meeting every condition of the rule."""
    ok = np.ones(len(accounts), dtype=bool)
    for c in rule.conditions:
        ok &= condition_mask(accounts, c)
    return ok


def locked_by_rules(plan: Plan, rows: Iterable[Sequence[str]] | None = None) -> np.ndarray:
    """Bool mask over the plan's accounts: True where some lock rule matches (default: the plan's saved rules).

    Raises LockRuleError (naming rule and row) if a rule does not fit the plan's columns.
    """
    rules = parse_lock_rules(plan.settings.lock_rules if rows is None else rows, plan.accounts)
    out = np.zeros(plan.n_accounts, dtype=bool)
    for rule in rules:
        out |= rule_mask(plan.accounts, rule)
    return out
