"""'Untouched for 90 days' counts what the playbook flags, and nothing when the export has no dates."""

from __future__ import annotations

import datetime as dt

import numpy as np

from territory_desktop.core import kpis
from territory_desktop.core.activity import untouched_mask
from tests.conftest import make_plan

TODAY = dt.date(2026, 12, 3)


def test_untouched_counts_old_and_never_logged_activity():
    plan = make_plan(n=6, k=2, seed=1)
    plan.accounts["last_activity"] = ["2026-12-01", "2026-09-04", "2026-09-05", "", "2025-01-01", "2026-11-30"]
    # 2026-09-04 is exactly 90 days before TODAY: a quarter without contact is flagged
    assert untouched_mask(plan, today=TODAY).tolist() == [False, True, False, True, True, False]
    assert untouched_mask(plan, days=800, today=TODAY).tolist() == [False, False, False, True, False, False]


def test_no_activity_column_flags_nothing():
    plan = make_plan(n=20, k=2, seed=2)
    plan.accounts["last_activity"] = ""
    assert not untouched_mask(plan, today=TODAY).any()
    assert kpis.plan_health(plan).untouched == 0


def test_health_reports_untouched_against_today():
    plan = make_plan(n=10, k=2, seed=3)
    today = dt.date.today()
    recent, old = (today - dt.timedelta(days=d) for d in (10, 200))
    plan.accounts["last_activity"] = np.where(np.arange(10) < 3, old.isoformat(), recent.isoformat())
    assert kpis.plan_health(plan).untouched == 3
