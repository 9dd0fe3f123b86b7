"""Reps needed per role, by workload and by quota: hand-computed on a plan without travel."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from territory_desktop.core.headcount import HeadcountSettings, RoleHeadcount, headcount, ramped_capacity
from territory_desktop.core.plan import Plan, accounts_frame
from territory_desktop.core.settings import BalanceSettings
from territory_desktop.core.territory import Territory
from tests.conftest import make_plan


def _plan() -> Plan:
    """10 SMB accounts (4.5 h, $100 each) in two SMB territories of 20 h and 30 h; 2 Enterprise accounts
    (22 h, $1,500 each) in one Enterprise territory of 40 h. No homes, no travel: workload = service hours."""
    seg = ["SMB"] * 10 + ["Enterprise"] * 2
    acc = accounts_frame({"segment": seg, "potential": [100.0] * 10 + [1500.0] * 2,
                          "lat": np.full(12, 40.0), "lon": np.full(12, -90.0)})
    terrs = [Territory("S1", role="SMB AE", capacity_hours=20.0),
             Territory("S2", role="SMB AE", capacity_hours=30.0),
             Territory("E1", role="Enterprise AE", capacity_hours=40.0)]
    return Plan(acc, terrs, np.array([0] * 4 + [1] * 6 + [2] * 2))


def _by_role(rows: list[RoleHeadcount]) -> dict[str, RoleHeadcount]:
    return {h.role: h for h in rows}


def test_by_workload():
    # SMB: 45 h ÷ (25 h × 0.75) = 2.4 -> 3 reps; Enterprise: 44 h ÷ (40 h × 0.75) = 1.47 -> 2 reps
    rows = headcount(_plan(), HeadcountSettings(target_utilisation=0.75))
    assert [h.role for h in rows] == ["Enterprise AE", "SMB AE"]
    smb, ent = _by_role(rows)["SMB AE"], _by_role(rows)["Enterprise AE"]
    assert smb.current == 2 and smb.by_workload == pytest.approx(2.4) and smb.by_quota is None
    assert (smb.needed, smb.gap) == (3, 1)
    assert smb.words == "SMB AE: 2 reps, 3 needed by workload (1 more)"
    assert ent.by_workload == pytest.approx(44 / 30) and (ent.needed, ent.gap) == (2, 1)


def test_exact_fit_needs_no_extra_rep_and_spare_reps_are_said():
    # SMB: 45 h ÷ (25 h × 0.9) = 2.0 exactly: 2 reps, not 3
    smb = _by_role(headcount(_plan(), HeadcountSettings(target_utilisation=0.9)))["SMB AE"]
    assert smb.by_workload == pytest.approx(2.0) and (smb.needed, smb.gap) == (2, 0)
    assert smb.words.endswith("(enough)")
    # 45 h ÷ (25 h × 4.0) = 0.45 -> 1 rep of 2
    smb = _by_role(headcount(_plan(), HeadcountSettings(target_utilisation=4.0)))["SMB AE"]
    assert (smb.needed, smb.gap) == (1, -1) and smb.words.endswith("(1 fewer would do)")


def test_by_quota_uses_the_roles_share_of_potential():
    # potential SMB $1,000, Enterprise $3,000: shares 0.25 / 0.75 of a $1,200 target; quota $100 at 80%
    s = HeadcountSettings(target_utilisation=0.75, revenue_target=1200.0, quota_per_rep=100.0, attainment=0.8)
    rows = _by_role(headcount(_plan(), s))
    smb, ent = rows["SMB AE"], rows["Enterprise AE"]
    assert smb.by_quota == pytest.approx(1200 * 0.25 / 80)  # 3.75
    assert (smb.needed, smb.gap) == (4, 2)
    assert smb.words == "SMB AE: 2 reps, 4 needed by quota (2 more)"
    assert ent.by_quota == pytest.approx(11.25) and (ent.needed, ent.gap) == (12, 11)
    # no quota planned when either number is 0
    assert _by_role(headcount(_plan(), replace(s, quota_per_rep=0.0)))["SMB AE"].by_quota is None


def test_roles_group_case_insensitively_and_no_role_is_named():
    plan = make_plan(200, 4)
    plan.territories[0].role = "SMB AE"
    plan.territories[1].role = "smb ae "
    rows = headcount(plan, HeadcountSettings())
    assert [(h.role, h.current) for h in rows] == [("SMB AE", 2), ("No role", 2)]
    total = plan.kpis.workload[:-1].sum() / 1000
    per_rep = 20000.0 * 0.85
    assert sum(h.by_workload for h in rows) == pytest.approx(total / per_rep)


def test_ramp():
    s = HeadcountSettings()
    assert ramped_capacity(3, 1, s) == pytest.approx(0.75)
    assert ramped_capacity(3, 2, s) == pytest.approx(1.5)
    assert ramped_capacity(3, 4, s) == pytest.approx(3.0)
    assert ramped_capacity(3, 9, s) == pytest.approx(3.0)  # past the ramp: fully productive
    assert ramped_capacity(2, 2, HeadcountSettings(ramp=(0.0, 0.3))) == pytest.approx(0.6)
    with pytest.raises(ValueError, match="quarter"):
        ramped_capacity(1, 0, s)
    with pytest.raises(ValueError, match="negative"):
        ramped_capacity(-1, 1, s)


def test_settings_validate_and_are_saved():
    with pytest.raises(ValueError, match="utilisation"):
        HeadcountSettings(target_utilisation=0.0)
    with pytest.raises(ValueError, match="ramp"):
        HeadcountSettings(ramp=(0.5, 1.5))
    with pytest.raises(ValueError, match="negative"):
        HeadcountSettings(revenue_target=-1.0)
    h = HeadcountSettings(target_utilisation=0.8, revenue_target=5e6, quota_per_rep=8e5, attainment=0.85,
                          ramp=(0.2, 0.6, 1.0))
    assert HeadcountSettings.from_dict(h.to_dict()) == h
    s = replace(BalanceSettings(), headcount=h)
    assert BalanceSettings.from_dict(s.to_dict()) == s
    old = s.to_dict()
    del old["headcount"]
    assert BalanceSettings.from_dict(old).headcount == HeadcountSettings()


def test_no_territories_no_lines():
    plan = _plan()
    for t in plan.territories:
        t.removed = True
    assert headcount(plan, HeadcountSettings()) == []
