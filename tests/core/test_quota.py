"""Suggested quotas: a share of each active territory's potential, within the editable range."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from territory_desktop.core import kpis
from territory_desktop.core.edits import RemoveTerritory
from territory_desktop.core.quota import suggest_quotas
from territory_desktop.core.settings import BalanceSettings
from tests.conftest import make_plan


def test_share_of_potential_per_active_territory():
    plan = make_plan(300, 5)
    plan.apply(RemoveTerritory(2, to=0))
    q = suggest_quotas(plan)
    assert q.index.tolist() == [0, 1, 3, 4] and q.index.name == "territory" and q.name == "quota"
    pot = kpis.measure_totals(plan, "potential")
    assert np.allclose(q.to_numpy(), 0.3 * pot[[0, 1, 3, 4]])
    assert np.allclose(suggest_quotas(plan, 0.25, 0.25, 0.25).to_numpy(), 0.25 * pot[[0, 1, 3, 4]])
    assert q.sum() == pytest.approx(0.3 * plan.accounts["potential"][plan.assignment >= 0].sum())


@pytest.mark.parametrize(("share", "low", "high", "why"), [
    (0.5, 0.2, 0.4, "outside the editable range"),
    (0.1, 0.2, 0.4, "outside the editable range"),
    (0.3, 0.4, 0.2, "range is empty"),
    (0.0, -0.1, 0.4, "negative"),
    (float("nan"), 0.2, 0.4, "must be a number"),
])
def test_bad_ranges_say_why(share, low, high, why):
    with pytest.raises(ValueError, match=why):
        suggest_quotas(make_plan(50, 2), share, low, high)


def test_quota_share_is_saved():
    s = replace(BalanceSettings(), quota_share=0.35)
    assert BalanceSettings.from_dict(s.to_dict()).quota_share == 0.35
    old = s.to_dict()
    del old["quota_share"]
    assert BalanceSettings.from_dict(old).quota_share == 0.3
