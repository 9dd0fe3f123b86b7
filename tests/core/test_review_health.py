"""Plan health of a plan without territories (an import with no reps yet) is a number, not NaN."""

from __future__ import annotations

import math
import warnings

from territory_desktop.core import kpis
from territory_desktop.core.plan import Plan, accounts_frame


def test_health_of_a_plan_without_territories_has_a_zero_cv() -> None:
    plan = Plan(accounts_frame({"potential": [10.0, 20.0, 30.0]}), [], [-1, -1, -1])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Degrees of freedom <= 0" must not reach the planner's console
        health = kpis.plan_health(plan)
    assert health.cv == 0.0 and not math.isnan(health.max_deviation)
    assert health.unassigned == 3
