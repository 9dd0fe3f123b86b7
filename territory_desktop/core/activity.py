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
    col = plan.accounts.get("last_activity")
    return col is not None and bool((col.fillna("").astype(str) != "").any())


def untouched_mask(plan: Plan, days: int = UNTOUCHED_DAYS, today: dt.date | None = None) -> np.ndarray:
    """Accounts whose last activity is `days` or more before `today` (or never logged, see module doc)."""
    n = plan.n_accounts
    if not has_activity_dates(plan):
        return np.zeros(n, dtype=bool)
    today = today or dt.date.today()
    when = _activity_dates(plan)
    cutoff = np.datetime64(today - dt.timedelta(days=days), "D")
    return np.isnat(when) | (when <= cutoff)


_PARSED: weakref.WeakKeyDictionary[Plan, tuple[tuple, np.ndarray]] = weakref.WeakKeyDictionary()


def _activity_dates(plan: Plan) -> np.ndarray:
    """The last-activity dates as datetime64[D], parsed once per plan (no edit changes them; the health
    check asks after every move and parsing 100k strings takes ~20 ms)."""
    col = plan.accounts["last_activity"]
    key = (id(plan.accounts), plan.n_accounts, str(col.iat[0]), str(col.iat[-1]))
    hit = _PARSED.get(plan)
    if hit is not None and hit[0] == key:
        return hit[1]
    when = pd.to_datetime(plan.accounts["last_activity"].fillna("").astype(str), errors="coerce",
                          format="ISO8601").to_numpy(dtype="datetime64[D]")
    _PARSED[plan] = (key, when)
    return when
