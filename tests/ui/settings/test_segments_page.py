"""Balance Settings → Segments: new thresholds re-segment the plan in one undoable step, and every view follows."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from territory_desktop.core.edits import resegment
from territory_desktop.core.plan import Plan, accounts_frame
from territory_desktop.core.segments import SegmentRules
from territory_desktop.core.territory import Territory
from territory_desktop.ui.settings.dialog import BalanceSettingsDialog
from tests.ui.window_driver import make_window


def _sized_plan() -> Plan:
    rng = np.random.default_rng(5)
    n = 240
    acc = accounts_frame({"account_id": [f"S{i}" for i in range(n)], "lat": rng.uniform(35, 42, n),
                          "lon": rng.uniform(-100, -85, n), "employees": rng.choice([30.0, 150.0, 700.0, 4000.0], n),
                          "potential": rng.uniform(1e4, 1e5, n)})
    terrs = [Territory(f"T{i}", rep=f"R{i}", home_lat=38.0, home_lon=-92.0 + i) for i in range(3)]
    plan = Plan(acc, terrs, rng.integers(0, 3, n))
    first = resegment(plan, SegmentRules())
    plan.apply(first)
    return plan


def test_raising_the_mid_market_threshold_resegments_and_undo_restores(qtbot, tmp_path):
    plan = _sized_plan()
    w = make_window(qtbot, tmp_path, plan)
    before_segments = plan.accounts["segment"].tolist()
    before_workload = w.territory_panel.model.plan.kpis.workload.copy()
    seen = {}

    def edit_the_rules() -> None:
        dlg = QApplication.activeModalWidget()
        assert isinstance(dlg, BalanceSettingsDialog)
        dlg.tabs.setCurrentWidget(dlg.segments)
        seen["before"] = dlg.segments.counts.text()
        dlg.segments.mm_emp.setValue(200)  # the 150-employee accounts become SMB
        seen["after"] = dlg.segments.counts.text()
        dlg.accept()

    QTimer.singleShot(0, edit_the_rules)
    assert w.open_balance_settings()
    assert seen["before"] != seen["after"] and "SMB" in seen["after"]  # the live count moved before OK
    emp = plan.accounts["employees"].to_numpy()
    assert (plan.accounts["segment"][emp == 150] == "SMB").all()
    assert plan.settings.segment_rules.mid_market_employees == 200
    assert not np.array_equal(plan.kpis.workload, before_workload)
    # the table shows the new segment of a 150-employee account, in the cell a planner reads
    model = w.account_panel.model
    model.flush()
    row = int(np.flatnonzero(emp == 150)[0])
    view_row = int(model.view_row_of([row])[0])
    col = model._col_of["segment"]
    assert model.data(model.index(view_row, col), Qt.ItemDataRole.DisplayRole) == "SMB"
    assert w.doc.controller.stack.count() == 1  # settings and segments: one step
    w.actions_by_name["undo"].trigger()
    assert plan.accounts["segment"].tolist() == before_segments
    assert np.array_equal(plan.kpis.workload, before_workload)
    assert plan.settings.segment_rules == SegmentRules()
