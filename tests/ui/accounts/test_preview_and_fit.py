"""The account table as a newcomer meets it: accounts selected elsewhere (a co-pilot preview) are scrolled to,
and when the filters hide them the table says so and offers to show them; the Moved column shows "from …"
whole; and at the default 1920×1080 window the Potential column is on screen."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication

from territory_desktop.core.edits import MoveAccounts
from territory_desktop.core.plan import Plan
from territory_desktop.ui.accounts.panel import AccountPanel
from territory_desktop.ui.hub.plan_controller import PlanController
from territory_desktop.ui.hub.selection import Selection
from tests.conftest import make_plan


@pytest.fixture
def settings(tmp_path) -> QSettings:
    return QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)


def _panel(qtbot, settings: QSettings, plan: Plan) -> AccountPanel:
    panel = AccountPanel(plan, Selection(), PlanController(plan), settings=settings)
    qtbot.addWidget(panel)
    panel.resize(1100, 500)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def _col(panel: AccountPanel, key: str) -> int:
    return [c.key for c in panel.model.columns].index(key)


def test_accounts_selected_elsewhere_are_scrolled_into_view(qtbot, settings) -> None:
    plan = make_plan(n=2000, k=5, seed=3)
    panel = _panel(qtbot, settings, plan)
    far = np.array([1900, 1950])
    panel.selection.set_rows(far, source="copilot")
    QApplication.processEvents()
    r = int(panel.model.view_row_of([1900])[0])
    rect = panel.view.visualRect(panel.model.index(r, _col(panel, "name")))
    assert panel.view.viewport().rect().intersects(rect), "the previewed account is off screen"
    assert not panel.hidden_notice.isVisible()


def test_a_filter_that_hides_the_selection_says_so_and_offers_to_show_it(qtbot, settings) -> None:
    plan = make_plan(n=600, k=5, seed=3)
    panel = _panel(qtbot, settings, plan)
    panel.territory_filter.set_checked([0])  # only T0 shown
    inside = np.flatnonzero(plan.assignment == 0)[:1]
    outside = np.flatnonzero(plan.assignment == 2)[:3]
    panel.selection.set_rows(np.r_[inside, outside], source="copilot")
    QApplication.processEvents()
    notice = panel.hidden_notice
    assert notice.isVisible()
    assert "3 of the 4 selected accounts are hidden" in notice.text.text()
    qtbot.mouseClick(notice.show_button, Qt.MouseButton.LeftButton)
    QApplication.processEvents()
    assert not panel.model.filters.active and not notice.isVisible()
    shown = panel.model.view_row_of(outside)
    assert (shown >= 0).all()
    assert set(panel.selected_rows().tolist()) == set(np.r_[inside, outside].tolist())


def test_the_moved_column_shows_from_and_the_whole_territory_name(qtbot, settings) -> None:
    base = make_plan(n=300, k=4, seed=2)
    terrs = [dataclasses.replace(t, name=f"Charlotte Mid-Market East {i}") for i, t in enumerate(base.territories)]
    plan = Plan(base.accounts, terrs, base.assignment)
    panel = _panel(qtbot, settings, plan)
    row = int(np.flatnonzero(plan.assignment == 0)[0])
    panel.controller.apply(MoveAccounts([row], 1))
    QApplication.processEvents()
    col = _col(panel, "moved")
    r = int(panel.model.view_row_of([row])[0])
    text = panel.model.index(r, col).data()
    assert text.startswith("from Charlotte Mid-Market East")
    need = QFontMetrics(panel.view.font()).horizontalAdvance(text) + 12
    assert panel.view.columnWidth(col) >= need, (panel.view.columnWidth(col), need)


def test_potential_is_on_screen_at_1920(qtbot, tmp_path) -> None:
    from territory_desktop.io.importing.importer import import_plan
    from territory_desktop.io.sample.generate import bundled_sample_paths
    from tests.ui.window_driver import make_window

    plan = import_plan(*bundled_sample_paths()).plan
    w = make_window(qtbot, tmp_path, plan)
    w.resize(1920, 1080)
    w.arrange_default_layout()
    for _ in range(5):
        QApplication.processEvents()
    view = w.account_panel.view
    col = _col(w.account_panel, "potential")
    h = view.horizontalHeader()
    assert not h.isSectionHidden(col)
    right = h.sectionViewportPosition(col) + h.sectionSize(col)
    assert right <= view.viewport().width(), (right, view.viewport().width())
