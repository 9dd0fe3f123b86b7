"""A plan worth reporting: two peer groups, accounts moved against the baseline with reasons, and account
names a spreadsheet would run as formulas (shared by the io, ui and e2e report tests)."""

from __future__ import annotations

import numpy as np

from territory_desktop.core.edits import MoveAccounts
from territory_desktop.core.plan import Plan
from tests.conftest import make_plan

HOSTILE_NAMES = ("=HYPERLINK(\"http://x\",\"click\")", "+1 555 0100 Corp", "-Minus Industries", "@Handle LLC")


def report_plan(n: int = 400, k: int = 6, seed: int = 3) -> Plan:
    plan = make_plan(n, k, seed)
    for i, t in enumerate(plan.territories):
        t.role = "SMB AE" if i % 2 == 0 else "Enterprise AE"
        t.capacity_hours = 500.0 if i == 0 else 4000.0  # territory 0 is over capacity
    names = plan.accounts["name"].astype(object).to_numpy().copy()
    names[:len(HOSTILE_NAMES)] = HOSTILE_NAMES
    plan.accounts["name"] = names
    plan.accounts["city"] = "Springfield"
    plan.accounts["state"] = "IL"
    rng = np.random.default_rng(seed)
    rows = rng.choice(n, n // 10, replace=False)
    rows = np.r_[np.arange(len(HOSTILE_NAMES)), rows[~np.isin(rows, np.arange(len(HOSTILE_NAMES)))]]
    to = (plan.assignment[rows] + 1) % k
    reasons = np.where(np.arange(len(rows)) % 2 == 0, "Closer to the rep's home", "=cmd|' /C calc'!A0")
    plan.apply(MoveAccounts(rows, to.astype(np.int32), check_locks=False, reason=reasons))
    return plan
