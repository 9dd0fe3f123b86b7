"""The capacity view's side lists in a dock of ordinary height (a 1280×800 laptop window): each list gets the
dock's whole height in its own tab, the health tab says how many entries it holds, and the fairness table's
balance index is never the column cut off at the right."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from territory_desktop.core.edits import MoveAccounts
from territory_desktop.core.fairness import fairness
from territory_desktop.core.health_check import health_check
from tests.conftest import make_plan
from tests.ui.window_driver import make_window


def _window(qtbot, tmp_path):
    plan = make_plan(n=600, k=9, seed=31)
    for i, t in enumerate(plan.territories):  # peer groups named as a CRM names roles, as in the sample
        t.role = ("Enterprise AE", "Mid-Market AE", "SMB Account Executive")[i % 3]
    w = make_window(qtbot, tmp_path, plan)
    w.resize(1280, 800)  # a laptop
    w.focus_capacity()
    qtbot.waitUntil(lambda: w.capacity_panel.chart.canvas.height() > 150, timeout=3000)
    QApplication.processEvents()
    return w


def test_each_side_list_has_the_docks_height_and_the_health_tab_counts(qtbot, tmp_path):
    w = _window(qtbot, tmp_path)
    panel = w.capacity_panel
    tabs = panel.side_tabs
    assert [tabs.tabText(i).split(" (")[0] for i in range(tabs.count())] == ["Health", "Fairness", "Headcount"]
    n = len(health_check(w.plan))
    assert tabs.tabText(0) == f"Health ({n})"
    # the health list is not squeezed under two other lists: it takes most of the side column's height
    assert panel.health.height() > 0.6 * tabs.height()
    bar = tabs.tabBar()  # every title whole in the side column, no scroll arrows
    assert bar.tabRect(tabs.count() - 1).right() <= bar.width()
    w.controller.apply(MoveAccounts(list(range(30)), -1))  # 30 accounts unassigned: one entry more
    qtbot.waitUntil(lambda: not panel._due, timeout=2000)
    assert tabs.tabText(0) == f"Health ({len(health_check(w.plan))})" and len(health_check(w.plan)) > n
    tabs.setCurrentIndex(1)
    QApplication.processEvents()
    assert panel.fair.height() > 0.6 * tabs.height()
    assert panel.fair.rowCount() == len(fairness(w.plan))


def test_a_narrow_table_keeps_the_group_readable_and_the_index_in_view(qtbot, tmp_path):
    """Six columns in the ~300 px side column squeezed "Enterprise AE" to one letter: the spread figures a
    narrow table cannot show give way (their numbers stay in every row's tooltip), and come back with room."""
    w = _window(qtbot, tmp_path)
    panel = w.capacity_panel
    panel.side_tabs.setCurrentIndex(1)
    QApplication.processEvents()
    table = panel.fair
    header = table.horizontalHeader()
    labels = [table.horizontalHeaderItem(i).text() for i in range(table.columnCount())]
    shown = [labels[i] for i in range(len(labels)) if not table.isColumnHidden(i)]
    assert shown[:3] == ["Measure", "Group", "Index"]
    longest = max(table.fontMetrics().horizontalAdvance(table.item(i, 1).text()) for i in range(table.rowCount()))
    assert header.sectionSize(1) > longest, "a peer group's name is elided"
    index = labels.index("Index")
    assert header.sectionViewportPosition(index) + header.sectionSize(index) <= table.viewport().width()
    row = next(i for i in range(table.rowCount()) if table.item(i, 1).text() == "Enterprise AE")
    tip = table.item(row, 0).toolTip()
    assert "CV" in tip and "Gini" in tip and table.item(row, labels.index("Gini")).text() in tip
    panel._split.setSizes([300, 900])  # the planner drags the splitter: room for every figure
    QApplication.processEvents()
    assert not any(table.isColumnHidden(i) for i in range(len(labels)))
