"""Group by region: the tree's totals are the core roll-up's, after a move and its undo; judging balance
within a region is one undoable step that changes the deviations shown."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSettings

from territory_desktop.core import format as fmt
from territory_desktop.core import kpis
from territory_desktop.core.edits import UpdateTerritory
from territory_desktop.core.hierarchy import roll_up
from territory_desktop.ui.hub.plan_controller import PlanController
from territory_desktop.ui.territories.model import BAND_ROLE
from territory_desktop.ui.territories.panel import TerritoryPanel
from tests.conftest import make_plan


def regional_plan():
    plan = make_plan(n=400, k=6, seed=5)
    for i, region in enumerate(["West", "West", "West", "East", "East", ""]):
        plan.territories[i].region = region
    return plan


def make_panel(qtbot, plan, settings=None):
    ctl = PlanController(plan)
    panel = TerritoryPanel(plan, ctl, settings=settings)
    qtbot.addWidget(panel)
    panel.resize(1000, 500)
    panel.show()
    return panel, ctl


def shown_groups(panel) -> dict[str, tuple[str, str, int]]:
    """Each group row as the planner reads it: name -> (accounts, potential, children)."""
    p, m = panel.tree_proxy, panel.model
    acc, pot = m.column_of("accounts"), m.column_of("potential")
    out = {}
    for r in range(p.rowCount()):
        top = p.index(r, 0)
        out[str(top.data())] = (str(p.index(r, acc).data()), str(p.index(r, pot).data()), p.rowCount(top))
    return out


def core_groups(plan) -> dict[str, tuple[str, str, int]]:
    return {g.name: (fmt.count(float(g.totals.accounts)), fmt.money(g.totals.measures["potential"]),
                     len(g.territories)) for g in roll_up(plan).groups}


def test_tree_totals_equal_the_core_roll_up_after_a_move_a_region_edit_and_undo(qtbot):
    plan = regional_plan()
    panel, ctl = make_panel(qtbot, plan)
    panel.actions_by_name["group"].trigger()
    assert panel.grouped
    assert set(shown_groups(panel)) == {"West", "East", "No region"}
    assert shown_groups(panel) == core_groups(plan)
    before = shown_groups(panel)

    rows = np.flatnonzero(plan.assignment == 0)[:20]  # West -> East
    assert panel.move_rows_to(rows, 3)
    assert shown_groups(panel) == core_groups(plan) != before

    panel.select_territory(5)
    assert panel.set_region(5, "East")  # No region -> East: the tree moves it, it stays selected
    assert shown_groups(panel) == core_groups(plan)
    assert "No region" not in shown_groups(panel) and shown_groups(panel)["East"][2] == 3
    assert panel.current_territory() == 5

    ctl.stack.undo()
    ctl.stack.undo()
    assert shown_groups(panel) == core_groups(plan) == before


def test_balance_within_region_changes_the_deviations_and_undoes(qtbot):
    plan = regional_plan()
    panel, ctl = make_panel(qtbot, plan)
    m = panel.model
    col = m.column_of(f"dev_{plan.settings.primary.measure}")

    def shown():
        return [m.index(m.row_of(t), col).data(BAND_ROLE)[0] for t in range(6)]

    across = shown()
    panel.actions_by_name["within_region"].trigger()
    assert plan.settings.balance_within_region
    within = shown()
    assert within != across
    assert within == kpis.territory_table(plan)[f"dev_{plan.settings.primary.measure}"].tolist()
    assert within[5] == 0.0  # alone in "No region" (and its role): its own peer
    ctl.stack.undo()
    assert not plan.settings.balance_within_region
    assert not panel.actions_by_name["within_region"].isChecked()
    assert shown() == across


def test_group_by_region_is_remembered_and_group_rows_take_no_drop(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    plan = regional_plan()
    panel, _ = make_panel(qtbot, plan, settings)
    panel.set_grouped(True)
    again, _ = make_panel(qtbot, plan, settings)
    assert again.grouped
    top = again.tree_proxy.index(0, 0)
    assert again.tree.visualRect(top).isValid()
    assert again.tree._territory_at(again.tree.visualRect(top).center())[1] == -1
    plan.apply(UpdateTerritory(0, {"area": "Americas"}))
    assert again.tree_model.hierarchy.has_areas


def test_the_grouped_tree_paints_pills_and_bars_as_the_flat_table_does_after_an_edit(qtbot):
    """Grouped by region, the deviation and workload columns keep their pills and bars (not plain text),
    also after a move widens the columns and after switching back and forth."""
    from territory_desktop.ui.territories.delegates import BandDelegate, WorkloadBarDelegate

    plan = regional_plan()
    panel, ctl = make_panel(qtbot, plan)
    m = panel.model
    band_cols = [c for c in range(m.columnCount()) if m.column_key(c).startswith("dev_")]
    bar_col = m.column_of("workload")
    assert band_cols

    def painters(view):
        return ([type(view.itemDelegateForColumn(c)) for c in band_cols], type(view.itemDelegateForColumn(bar_col)))

    assert painters(panel.view) == ([BandDelegate] * len(band_cols), WorkloadBarDelegate)
    panel.actions_by_name["group"].trigger()
    assert panel.grouped
    assert painters(panel.tree) == painters(panel.view)
    rows = np.flatnonzero(plan.assignment == 0)[:20]
    assert panel.move_rows_to(rows, 3)
    assert painters(panel.tree) == ([BandDelegate] * len(band_cols), WorkloadBarDelegate)
    panel.actions_by_name["group"].trigger()
    panel.actions_by_name["group"].trigger()
    assert painters(panel.tree) == ([BandDelegate] * len(band_cols), WorkloadBarDelegate)
