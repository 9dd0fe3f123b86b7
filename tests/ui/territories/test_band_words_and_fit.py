"""The territories panel as a newcomer reads it: a deviation and its band word agree, and nothing is clipped
(the workload "1097% over", the sort arrow next to a header such as "Potential")."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QStyleOptionViewItem

from territory_desktop.core.plan import Plan, accounts_frame
from territory_desktop.core.settings import BalancedMeasure, BalanceSettings
from territory_desktop.core.territory import Territory
from territory_desktop.ui.hub.plan_controller import PlanController
from territory_desktop.ui.territories.panel import TerritoryPanel
from territory_desktop.ui.theme.style import WORKLOAD_ROLE


def edge_plan(capacity: float = 1600.0) -> Plan:
    """Two peers whose potential is +15.3% / −15.3% of their mean (one account each), band ±15%."""
    acc = accounts_frame({"account_id": ["A", "B"], "name": ["Alpha", "Beta"], "lat": [40.0, 41.0],
                          "lon": [-100.0, -101.0], "potential": [1153.0, 847.0], "segment": ["SMB", "SMB"]})
    terrs = [Territory("North", rep="Ann", home_lat=40.0, home_lon=-100.0, capacity_hours=capacity),
             Territory("South", rep="Bob", home_lat=41.0, home_lon=-101.0, capacity_hours=capacity)]
    plan = Plan(acc, terrs, np.array([0, 1]))
    plan.settings = BalanceSettings(measures=(BalancedMeasure("potential", 0.15, primary=True),))
    return plan


def make_panel(qtbot, plan: Plan, width: int = 1000) -> TerritoryPanel:
    panel = TerritoryPanel(plan, PlanController(plan))
    qtbot.addWidget(panel)
    panel.resize(width, 300)
    panel.show()
    return panel


def _cell(panel: TerritoryPanel, territory: int, key: str):
    m = panel.model
    return panel.proxy.mapFromSource(m.index(m.row_of(territory), m.column_of(key)))


def test_a_deviation_just_past_the_band_shows_the_decimal_that_makes_it_out(qtbot) -> None:
    panel = make_panel(qtbot, edge_plan())
    text = _cell(panel, 0, "dev_potential").data()
    assert text == "+15.3% · out"
    assert _cell(panel, 1, "dev_potential").data() == "-15.3% · out"
    assert "15.3%" in _cell(panel, 0, "dev_potential").data(Qt.ItemDataRole.ToolTipRole)


def test_the_painted_pill_reads_the_same_number_as_the_word(qtbot) -> None:
    from territory_desktop.ui.territories.delegates import BAND_TEXT_ROLE
    panel = make_panel(qtbot, edge_plan())
    assert _cell(panel, 0, "dev_potential").data(BAND_TEXT_ROLE) == ("+15.3%", "out")


def _fits(panel: TerritoryPanel, key: str, territory: int) -> tuple[int, int]:
    idx = _cell(panel, territory, key)
    delegate = panel.view.itemDelegateForColumn(idx.column()) or panel.view.itemDelegate()
    opt = QStyleOptionViewItem()
    opt.initFrom(panel.view)
    opt.font = panel.view.font()
    need = delegate.sizeHint(opt, idx).width()
    return need, panel.view.columnWidth(idx.column())


def test_workload_far_over_capacity_is_not_clipped(qtbot) -> None:
    plan = edge_plan(capacity=0.05)  # a handful of hours against half an hour: thousands of percent over
    panel = make_panel(qtbot, plan)
    util = float(plan.kpis.workload[0]) / 1000 / 0.05
    assert util > 50
    need, width = _fits(panel, "workload", 0)
    assert need <= width, f"workload needs {need}px, column is {width}px"
    from territory_desktop.ui.territories.delegates import bar_and_text, workload_text
    for t in (0, 1):  # what the painter leaves for the words is enough for them: no "1097% ove…"
        work, cap, util = _cell(panel, t, "workload").data(WORKLOAD_ROLE)
        text = workload_text(work, cap, util)[0]
        text_w = QFontMetrics(panel.view.font()).horizontalAdvance(text)
        assert bar_and_text(width, text_w)[1] >= text_w + 1, text


def test_every_header_leaves_room_for_the_sort_arrow(qtbot) -> None:
    panel = make_panel(qtbot, edge_plan(), width=700)
    header = panel.view.horizontalHeader()
    bold = header.font()
    bold.setBold(True)
    fm = QFontMetrics(bold)
    for c in range(panel.model.columnCount()):
        title = panel.model.headerData(c, Qt.Orientation.Horizontal)
        panel.view.sortByColumn(c, Qt.SortOrder.DescendingOrder)
        # text + padding 6px each side + the indicator (~16px): the title must not run under the arrow
        assert header.sectionSize(c) >= fm.horizontalAdvance(title) + 12 + 16, title


def test_an_edit_that_lengthens_a_cell_widens_its_column(qtbot) -> None:
    from territory_desktop.core.edits import UpdateTerritory

    plan = edge_plan()
    panel = make_panel(qtbot, plan)
    col = panel.model.column_of("workload")
    before = panel.view.columnWidth(col)
    panel.controller.apply(UpdateTerritory(1, {"capacity_hours": 0.01}))  # South: thousands of percent over
    need, width = _fits(panel, "workload", 1)
    assert width > before and need <= width
    panel.controller.apply(UpdateTerritory(1, {"capacity_hours": 1600.0}))
    assert panel.view.columnWidth(col) == width  # never narrowed under the planner
