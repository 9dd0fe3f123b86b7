"""The co-pilot's "if you accept every suggestion" line: worded from the core's numbers, band words honest."""

from __future__ import annotations

import numpy as np

from territory_desktop.core import kpis
from territory_desktop.core.band_summary import projected_summary
from territory_desktop.core.edits import MoveAccounts
from territory_desktop.core.plan import Plan, accounts_frame
from territory_desktop.core.settings import BalancedMeasure, BalanceSettings
from territory_desktop.core.territory import Territory
from tests.conftest import make_plan


def test_the_projection_equals_the_plan_after_the_moves() -> None:
    plan = make_plan(n=400, k=5, seed=7)
    target = np.where(plan.assignment == 0, 1, plan.assignment)
    text = projected_summary(plan, target)
    before = plan.assignment.copy()
    rows = np.flatnonzero(target != plan.assignment)
    plan.apply(MoveAccounts(rows, target[rows]))
    table = kpis.territory_table(plan)
    n_out = int((~table["in_band"]).sum())
    assert (f"{n_out} territories out of band" in text) if n_out > 1 else ("in band" in text or "1 territory" in text)
    assert f"{len(rows):,} accounts moved" in text
    plan.assignment[:] = before  # the projection never touched the plan
    assert projected_summary(plan, plan.assignment).endswith("0 accounts moved.")


def test_a_territory_just_past_its_band_is_worded_with_the_decimal() -> None:
    acc = accounts_frame({"account_id": list("ABC"), "name": list("ABC"), "lat": [40.0] * 3,
                          "lon": [-100.0] * 3, "potential": [1153.0, 847.0, 500.0]})
    plan = Plan(acc, [Territory("North"), Territory("South")], np.array([0, 1, 1]))
    plan.settings = BalanceSettings(measures=(BalancedMeasure("potential", 0.15, primary=True),))
    text = projected_summary(plan, np.array([0, 1, -1]))  # C leaves South: North +15.3%, South −15.3%
    assert text.startswith("2 territories out of band (worst: North +15.3% potential)") or \
        text.startswith("2 territories out of band (worst: South -15.3% potential)"), text
