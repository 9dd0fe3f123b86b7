"""The co-pilot's change budget and the words of its suggestions (numbers that read as their band word)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from territory_desktop.core.band_words import status_of
from territory_desktop.solver.copilot.suggestions import (
    KpiDelta,
    _Model,
    budget_cost,
    change_budget,
    make_suggestions,
    suggestion_edit,
)
from tests.conftest import make_plan


def test_the_list_stays_within_the_change_budget_and_fixes_come_first():
    plan = make_plan(400, 4, seed=5)
    plan.settings = dataclasses.replace(plan.settings, copilot_change_budget=0.05, copilot_min_gain=0.0)
    solution = np.where(plan.assignment == 0, 1, plan.assignment)  # every T0 account to T1: far over budget
    budget = change_budget(plan)
    assert budget.limit == 20 and budget.used == int(((plan.assignment != plan.baseline) & (plan.baseline >= 0)).sum())
    offered = make_suggestions(plan, solution, plan.version)
    everything = make_suggestions(plan, solution, plan.version, budget=0)
    assert 0 < len(offered) < len(everything)
    assert int(budget_cost(plan, offered).sum()) <= budget.left
    plan.apply(suggestion_edit(offered))
    assert change_budget(plan).used <= budget.limit
    again = make_suggestions(plan, solution, plan.version)
    assert int(budget_cost(plan, again).sum()) <= change_budget(plan).left


def test_no_budget_offers_the_whole_plan():
    plan = make_plan(200, 3, seed=2)
    plan.settings = dataclasses.replace(plan.settings, copilot_change_budget=0.0, copilot_min_gain=0.0)
    solution = np.roll(plan.assignment, 5)
    assert change_budget(plan).limit is None
    offered = sum(s.n_accounts for s in make_suggestions(plan, solution, plan.version))
    assert offered == sum(s.n_accounts for s in make_suggestions(plan, solution, plan.version, budget=0))


@pytest.mark.parametrize("before, after, band, expect", [
    (-0.22, -0.153, 0.15, "from -22% to -15.3% potential (still out)"),   # rounding would hide "out"
    (-0.22, -0.149, 0.15, "from -22% to -15% potential (into its band)"),  # in: whole percent is honest
    (0.1504, 0.02, 0.15, "from +15.04% to +2% potential (into its band)"),
    (0.40, 0.30, 0.15, "from +40% to +30% potential (still out)"),
])
def test_a_reason_says_the_number_its_band_word_needs(before, after, band, expect):
    plan = make_plan(60, 3, seed=1)
    measures = tuple(dataclasses.replace(m, band=band) if m.measure == "potential" else m
                     for m in plan.settings.measures)
    plan.settings = dataclasses.replace(plan.settings, measures=measures)
    model = _Model(plan)
    d = KpiDelta(0, "potential", 100.0, 90.0, before, after)
    s = make_suggestions(plan, np.roll(plan.assignment, 1), plan.version, min_gain=0, budget=0)[0]
    s.improvement = 1.0
    reason = model._reason((d,), s, away=1)
    assert expect in reason, reason
    shown = float(reason.split(" to ")[1].split("%")[0]) / 100
    near = plan.settings.near_fraction
    assert (status_of(shown, band, near) == "out") == (status_of(after, band, near) == "out")
