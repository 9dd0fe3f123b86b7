"""Accounts nobody has touched for a while: the playbook's monthly check on coverage.

The CRM's last-activity date (ISO text, "" when blank) is the evidence. Blank counts as untouched only when the
plan has activity dates at all: in an export with the column, a blank means no activity was ever logged; in
an export without it, nothing is known and nothing is flagged.
"""

from __future__ import annotations

import datetime as dt
import weakref

import numpy as np
import pandas as pd

from territory_desktop.core.plan import Plan

UNTOUCHED_DAYS = 90
"""The playbook's threshold: an account without activity for a quarter needs an owner's attention."""


def has_activity_dates(plan: Plan) -> bool:
    """True when the plan knows when any account was last worked (so 'untouched' means something)."""
    if plan.accounts.get("last_activity") is None or not plan.n_accounts:
        return False
    return _parsed(plan)[1]


def untouched_mask(plan: Plan, days: int = UNTOUCHED_DAYS, today: dt.date | None = None) -> np.ndarray:
    """Accounts whose last activity is `days` or more before `today` (or never logged, see module doc)."""
    n = plan.n_accounts
    if not has_activity_dates(plan):
        return np.zeros(n, dtype=bool)
    today = today or dt.date.today()
    when = _parsed(plan)[0]
    cutoff = np.datetime64(today - dt.timedelta(days=days), "D")
    return np.isnat(when) | (when <= cutoff)


_PARSED: weakref.WeakKeyDictionary[Plan, tuple[tuple, np.ndarray, bool]] = weakref.WeakKeyDictionary()


def _parsed(plan: Plan) -> tuple[np.ndarray, bool]:
    """(the last-activity dates as datetime64[D], whether any date text is there at all), worked out once per
    plan: no edit changes them, and the health check asks after every move (reading 100k strings takes
    ~20 ms)."""
    col = plan.accounts["last_activity"]
    key = (id(plan.accounts), plan.n_accounts, str(col.iat[0]), str(col.iat[-1]))
    hit = _PARSED.get(plan)
    if hit is not None and hit[0] == key:
        return hit[1], hit[2]
    text = col.fillna("").astype(str)
    when = pd.to_datetime(text, errors="coerce", format="ISO8601").to_numpy(dtype="datetime64[D]")
    any_text = bool((text != "").any())
    _PARSED[plan] = (key, when, any_text)
    return when, any_text
