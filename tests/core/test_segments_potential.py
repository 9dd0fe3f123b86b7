"""Segment rules and the potential model give the numbers a planner computes by hand."""

from __future__ import annotations

import numpy as np
import pytest

from territory_desktop.core.potential import PotentialModel, estimate_potential
from territory_desktop.core.segments import SegmentRules, segment_by_size
from territory_desktop.core.settings import BalanceSettings


def test_employees_first_then_revenue_at_the_industry_thresholds():
    emp = np.array([99, 100, 999, 1000, np.nan, np.nan, np.nan, np.nan, 5])
    rev = np.array([np.nan, 5e9, np.nan, np.nan, 49_999_999, 50e6, 1e9, np.nan, 2e9])
    seg, basis = segment_by_size(emp, rev, SegmentRules())
    assert seg.tolist() == ["SMB", "Mid-Market", "Mid-Market", "Enterprise", "SMB", "Mid-Market",
                            "Enterprise", "SMB", "SMB"]
    assert basis.tolist() == ["employees"] * 4 + ["revenue"] * 3 + ["none", "employees"]


def test_edited_thresholds_move_accounts_and_bad_ones_are_refused():
    seg, _ = segment_by_size(np.array([60, 600]), np.array([np.nan, np.nan]),
                             SegmentRules(mid_market_employees=50, enterprise_employees=500))
    assert seg.tolist() == ["Mid-Market", "Enterprise"]
    with pytest.raises(ValueError, match="employees"):
        SegmentRules(mid_market_employees=1000, enterprise_employees=100)


def test_potential_is_a_wallet_not_the_company_revenue():
    model = PotentialModel()
    pot, basis = estimate_potential(np.array([88, np.nan, np.nan, 200_000]), np.array([np.nan, 20e9, np.nan, 1e9]),
                                    np.array(["", "", "", ""], dtype=object), np.array(["", "", "", ""], dtype=object),
                                    model)
    assert pot.tolist() == [88 * 150.0, 2_000_000.0, 0.0, 2_000_000.0]  # 0.1% of $20B is $20M: capped at $2M
    assert basis.tolist() == ["employees", "revenue", "none", "employees"]


def test_multipliers_per_industry_and_status_ignore_case():
    model = PotentialModel(industry_multipliers=(("software", 2.0),), status_multipliers=(("customer", 1.5),))
    pot, _ = estimate_potential(np.array([100.0, 100.0, 100.0]), np.full(3, np.nan),
                                np.array(["Software", "Retail", "SOFTWARE "], dtype=object),
                                np.array(["Prospect", "customer", "Customer"], dtype=object), model)
    assert pot.tolist() == [30_000.0, 22_500.0, 45_000.0]
    assert "× 2 for software" in model.describe()


def test_rules_and_model_are_saved_with_the_settings():
    s = BalanceSettings(segment_rules=SegmentRules(enterprise_employees=2500),
                        potential_model=PotentialModel(per_employee=90.0, industry_multipliers=(("retail", 0.5),)))
    back = BalanceSettings.from_dict(s.to_dict())
    assert back == s
    assert BalanceSettings.from_dict({}) == BalanceSettings()  # a plan saved before the rules existed
