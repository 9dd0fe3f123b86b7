"""The capacity view in the real window: its numbers are the core's after moves and undos, a click on a row
selects the territory and its accounts everywhere, the health check selects what it names, 200 rows scroll."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from territory_desktop.core import kpis
from territory_desktop.core.edits import MoveAccounts
from tests.conftest import make_plan
from tests.ui.window_driver import make_window


def _window(qtbot, tmp_path, n=600, k=8, seed=31):
    w = make_window(qtbot, tmp_path, make_plan(n=n, k=k, seed=seed))
    w.focus_capacity()
    qtbot.waitUntil(lambda: w.capacity_panel.chart.canvas.height() > 150, timeout=3000)
    return w


def _matches_core(w) -> None:
    data = w.capacity_panel.chart.data
    table = kpis.territory_table(w.plan).loc[data.order]
    primary = w.plan.settings.primary.measure
    assert np.allclose(data.utilisation, table["utilisation"], equal_nan=True)
    assert np.allclose(data.deviation, table[f"dev_{primary}"])
    assert np.array_equal(data.segment_counts.sum(axis=1), table["accounts"])
    bars = w.capacity_panel.chart.bars  # only the rows in view have bars
    shown = bars["util"].positions()
    assert shown == w.capacity_panel.chart.window_positions().tolist() and shown
    assert np.allclose([bars["util"].width_of(p) for p in shown],
                       np.nan_to_num(table["utilisation"].to_numpy()[shown]) * 100)
    assert np.allclose([bars["dev"].width_of(p) for p in shown], table[f"dev_{primary}"].to_numpy()[shown] * 100)
    drawn = bars["util"].collection.get_paths()  # what matplotlib paints: the bar's right edge is its width
    assert np.allclose([drawn[i].vertices[:, 0].max() for i in range(len(shown))],
                       [bars["util"].width_of(p) for p in shown])


def test_numbers_follow_moves_and_undos(qtbot, tmp_path):
    w = _window(qtbot, tmp_path)
    rng = np.random.default_rng(5)
    _matches_core(w)
    for _ in range(6):
        rows = rng.choice(w.plan.n_accounts, 40, replace=False)
        w.controller.apply(MoveAccounts(rows, int(rng.integers(0, 8))))
        qtbot.waitUntil(lambda: not w.capacity_panel._due, timeout=2000)
        _matches_core(w)
    for _ in range(3):
        w.undo_group.undo()
        qtbot.waitUntil(lambda: not w.capacity_panel._due, timeout=2000)
        _matches_core(w)


def test_clicking_a_row_selects_the_territory_everywhere(qtbot, tmp_path):
    w = _window(qtbot, tmp_path)
    chart = w.capacity_panel.chart
    chart.canvas.draw()
    pos = 2
    t = int(chart.data.order[pos])
    ax = chart.axes[0]
    x, y = ax.transData.transform((50, chart._y[pos]))
    ratio = chart.canvas.devicePixelRatioF()
    click = QPoint(int(x / ratio), int(chart.canvas.height() - y / ratio))
    QTest.mouseClick(chart.canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, click)
    assert np.array_equal(w.selection.rows, np.flatnonzero(w.plan.assignment == t))
    assert w.territory_panel.current_territory() == t
    assert np.array_equal(w.map_view.canvas.selected, w.selection.rows)


def test_health_check_entries_select_what_they_name(qtbot, tmp_path):
    w = _window(qtbot, tmp_path)
    rows = np.arange(0, 30)
    w.controller.apply(MoveAccounts(rows, -1))  # 30 accounts unassigned
    qtbot.waitUntil(lambda: not w.capacity_panel._due, timeout=2000)
    health = w.capacity_panel.health
    item = next(health.item(i) for i in range(health.count()) if "unassigned" in health.item(i).text().lower())
    assert "30" in item.text()
    health.itemClicked.emit(item)
    assert np.array_equal(w.selection.rows, rows)


def test_two_hundred_territories_scroll_rather_than_squeeze(qtbot, tmp_path):
    w = _window(qtbot, tmp_path, n=2000, k=200, seed=3)
    chart = w.capacity_panel.chart
    assert chart.scroll.maximum() > 0
    shown = chart.visible_rows()
    lo, hi = sorted(chart.axes[0].get_ylim())
    assert hi - lo == shown and shown < 200
    chart.scroll.setValue(chart.scroll.maximum())
    lo, hi = sorted(chart.axes[0].get_ylim())
    assert hi >= chart._y.max()  # the last territory is reachable
