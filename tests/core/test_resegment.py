"""Re-segmenting by edited rules is one undoable edit that every number follows, exactly."""

from __future__ import annotations

import numpy as np

from territory_desktop.core import kpis
from territory_desktop.core.edits import Edit, resegment
from territory_desktop.core.kpi_state import KpiState
from territory_desktop.core.plan import Plan, accounts_frame
from territory_desktop.core.segments import SegmentRules
from territory_desktop.core.territory import Territory


def _plan() -> Plan:
    rng = np.random.default_rng(3)
    n = 200
    emp = rng.choice([20.0, 150.0, 600.0, 3000.0, np.nan], n)
    acc = accounts_frame({"lat": rng.uniform(35, 40, n), "lon": rng.uniform(-100, -90, n), "employees": emp,
                          "revenue": np.where(np.isnan(emp), rng.choice([1e7, 2e8, 5e9], n), np.nan)})
    rules = SegmentRules()
    edit = resegment(Plan(acc, [Territory("A"), Territory("B")], np.zeros(n, dtype=int)), rules)
    acc["segment"], acc["segment_basis"] = edit.segments, edit.basis
    acc.loc[:9, ["segment", "segment_basis"]] = ["Strategic", "column"]  # from the export: never re-segmented
    return Plan(acc, [Territory("A", home_lat=37, home_lon=-95), Territory("B", home_lat=38, home_lon=-92)],
                rng.integers(0, 2, n))


def test_new_thresholds_move_accounts_workload_follows_and_undo_is_exact():
    plan = _plan()
    before = (plan.accounts["segment"].tolist(), plan.kpis.workload.copy(), plan.settings)
    rules = SegmentRules(mid_market_employees=500, enterprise_employees=2000)
    inverse = plan.apply(resegment(plan, rules))
    seg = plan.accounts["segment"]
    emp = plan.accounts["employees"]
    assert (seg[(emp == 150) & (plan.accounts["segment_basis"] == "employees")] == "SMB").all()
    assert (seg[:10] == "Strategic").all()  # the export's own segment stays
    assert plan.settings.segment_rules == rules
    assert plan.kpis.equals(KpiState.full(plan))
    assert not np.array_equal(plan.kpis.workload, before[1])  # fewer Mid-Market hours
    assert kpis.territory_table(plan)["workload"].sum() == plan.kpis.workload[:-1].sum() / 1000
    plan.apply(inverse)
    assert plan.accounts["segment"].tolist() == before[0]
    assert np.array_equal(plan.kpis.workload, before[1]) and plan.settings == before[2]


def test_the_edit_survives_the_recovery_journal():
    plan = _plan()
    edit = resegment(plan, SegmentRules(enterprise_employees=5000))
    again = Edit.from_dict(edit.to_dict())
    assert again.segments.tolist() == edit.segments.tolist() and again.rules == edit.rules
