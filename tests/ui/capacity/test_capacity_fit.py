"""The capacity view at a small laptop window (1280×800): panel titles and ticks never run into each other,
and long health-check entries wrap instead of being cut at the dock's edge."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from territory_desktop.ui.capacity.panel import CapacityPanel
from territory_desktop.ui.hub.selection import Selection
from tests.conftest import make_plan


def _panel(qtbot, width: int, height: int = 320) -> CapacityPanel:
    panel = CapacityPanel(make_plan(n=600, k=8, seed=31), Selection())
    qtbot.addWidget(panel)
    panel.resize(width, height)
    panel.show()
    qtbot.waitExposed(panel)
    qtbot.waitUntil(lambda: panel.chart.canvas.width() > 100, timeout=3000)
    panel.chart.canvas.draw()
    return panel


def _overlap(a, b) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def _check_no_collisions(panel: CapacityPanel) -> None:
    chart = panel.chart
    renderer = chart.canvas.get_renderer()
    shown = [(ax, t) for ax, t in zip(chart.axes, chart._title_texts, strict=True) if ax.get_visible()]
    titles = [t.get_window_extent(renderer) for _ax, t in shown]
    for (ax, _t), box in zip(shown, titles, strict=True):
        assert box.x1 <= ax.get_window_extent(renderer).x1 + 2, "a panel title runs past its panel"
    for a, b in zip(titles, titles[1:], strict=False):
        assert not _overlap(a, b), f"titles collide: {chart.panel_titles()}"
    ticks = [t.get_window_extent(renderer) for ax, _t in shown for t in ax.get_xticklabels()
             if t.get_visible() and t.get_text()]
    for i, a in enumerate(ticks):
        for b in ticks[i + 1:]:
            assert not _overlap(a, b), "two tick labels run together"


def test_titles_and_ticks_fit_in_a_small_window(qtbot):
    narrow = _panel(qtbot, 975)  # the capacity dock's width in a 1280×800 window
    _check_no_collisions(narrow)
    assert narrow.chart.panel_titles()[0] == "Workload"  # the short title, not a clipped long one
    assert len([t for t in narrow.chart.axes[1].get_xticklabels() if t.get_text()]) >= 3  # − / 0 / +
    wide = _panel(qtbot, 1500)
    _check_no_collisions(wide)
    assert wide.chart.panel_titles()[0] == "Workload / capacity"


def test_long_health_entries_wrap_instead_of_being_cut(qtbot):
    panel = _panel(qtbot, 975)
    health = panel.health
    long_text = "10 books outside the account norm for their role (4 above, 6 below)"
    health.set_texts(["19 territories out of band", long_text])
    health.setFixedWidth(260)
    QApplication.processEvents()
    health.wrap()
    fm = health.fontMetrics()
    assert fm.horizontalAdvance(long_text) > health.viewport().width()  # it cannot fit on one line
    one, two = (health.item(i).sizeHint().height() for i in range(2))
    assert two >= one + fm.lineSpacing() - 1  # the long entry takes (at least) a second line


def test_a_dock_squeezed_by_a_wide_co_pilot_keeps_the_chart_readable(qtbot):
    """A newcomer widened the co-pilot until the capacity dock was ~670 px: the chart got ~340 px, four
    panels of ~36 px, and titles and ticks ran together ("0%100%"). Squeezed, it shows workload and potential
    only, readable; with room again, all four."""
    panel = _panel(qtbot, 670)
    _check_no_collisions(panel)
    assert [ax.get_visible() for ax in panel.chart.axes] == [True, True, False, False]
    panel.resize(1400, 320)
    QApplication.processEvents()
    panel.chart.canvas.draw()
    qtbot.waitUntil(lambda: all(ax.get_visible() for ax in panel.chart.axes), timeout=3000)
    _check_no_collisions(panel)
