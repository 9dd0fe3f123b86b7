"""Balance Settings carries the co-pilot's change budget and "Balance within region" (issues 17 and 18): both
come back in the one undoable settings edit, the budget says what it means in accounts, and the band preview
judges territories against the very peer groups the core uses."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QDialogButtonBox

from territory_desktop.core import kpis
from territory_desktop.core.band_words import deviation_text
from territory_desktop.core.plan import Plan
from territory_desktop.core.settings import ACCOUNTS, WORKLOAD, BalanceSettings
from territory_desktop.ui.settings.dialog import BalanceSettingsDialog, measure_label
from tests.conftest import make_plan
from tests.ui.window_driver import make_window


def _dialog(qtbot, plan: Plan | None = None, settings: BalanceSettings | None = None) -> BalanceSettingsDialog:
    s = settings or (plan.settings if plan is not None else BalanceSettings())
    measures = [*plan.measure_names, ACCOUNTS, WORKLOAD] if plan is not None else ["potential", ACCOUNTS, WORKLOAD]
    d = BalanceSettingsDialog(s, measures, ["SMB", "Mid-Market", "Enterprise"], plan=plan)
    qtbot.addWidget(d)
    d.show()
    return d


def _type_into(qtbot, spin: QAbstractSpinBox, text: str) -> None:
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin.lineEdit(), text)
    spin.interpretText()


def _two_region_plan() -> Plan:
    """Six territories, West books three times the East ones: across the plan West is ~+50%, East ~−50%;
    within its own region each is near 0."""
    plan = make_plan(900, 6, seed=4)
    rng = np.random.default_rng(1)
    plan.assignment[:] = np.where(rng.random(900) < 3 / 4, rng.integers(0, 3, 900), rng.integers(3, 6, 900))
    for i, t in enumerate(plan.territories):
        t.region = "West" if i < 3 else "East"
    return Plan(plan.accounts, plan.territories, plan.assignment,
                settings=replace(plan.settings, balance_within_role=False))


def _core_line(plan: Plan, settings: BalanceSettings, measure: str) -> tuple[int, str]:
    """What the core says under `settings`: out-of-band count and the widest deviation, worded."""
    shown = plan.settings
    plan.settings = settings
    try:
        table = kpis.territory_table(plan)
    finally:
        plan.settings = shown
    band = next(m.band for m in settings.measures if m.measure == measure)
    dev = table[f"dev_{measure}"].to_numpy()
    widest = float(dev[np.argmax(np.abs(dev))])
    return int((table[f"status_{measure}"] == "out").sum()), deviation_text(widest, band, settings.near_fraction)


def _preview_line(d: BalanceSettingsDialog, measure: str) -> str:
    return d.band_preview.text().split(f"<b>{measure_label(measure)}</b>")[1].split("<br>")[0]


def test_the_change_budget_is_a_setting_worded_in_accounts(qtbot):
    plan = make_plan(400, 4, seed=2)
    plan.assignment[:7] = (plan.baseline[:7] + 1) % 4  # seven accounts already away from their baseline owner
    plan = Plan(plan.accounts, plan.territories, plan.assignment, baseline=plan.baseline)
    d = _dialog(qtbot, plan)
    d.tabs.setCurrentIndex(next(i for i in range(d.tabs.count()) if d.tabs.widget(i).isAncestorOf(d.budget)))
    assert d.budget.isVisible() and d.budget_words.isVisible()
    words = " ".join(d.budget_words.text().split())
    assert "At most 20 of 400 accounts away from their baseline owner in all · 7 now, 13 left" in words
    _type_into(qtbot, d.budget, "1")
    assert "At most 4 of 400" in d.budget_words.text() and "(used up)" in d.budget_words.text()
    _type_into(qtbot, d.budget, "0")
    assert d.budget.text() == "none" and "any number of accounts" in " ".join(d.budget_words.text().split())
    _type_into(qtbot, d.budget, "2.5")
    qtbot.mouseClick(d.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    assert d.result_settings is not None and d.result_settings.copilot_change_budget == 0.025
    assert BalanceSettings.from_dict(d.result_settings.to_dict()).copilot_change_budget == 0.025  # saved as set


def test_an_unshown_budget_digit_and_restore_defaults(qtbot):
    odd = replace(BalanceSettings(), copilot_change_budget=0.0333, balance_within_region=True)
    d = _dialog(qtbot, settings=odd)
    assert d.current()[0] == odd  # the spin shows 3.3 %: opening and pressing OK must not make an undo step
    assert d.within_region.isChecked()
    d.restore_defaults()
    assert d.budget.value() == 5.0 and not d.within_region.isChecked()
    assert d.current()[0] == BalanceSettings()


def test_within_region_changes_the_preview_exactly_as_the_core_judges(qtbot):
    plan = _two_region_plan()
    d = _dialog(qtbot, plan)
    assert d.within_region.isVisible() and not d.within_region.isChecked()
    seen = {}
    for on in (False, True):
        if on:
            qtbot.mouseClick(d.within_region, Qt.MouseButton.LeftButton)
        settings = d.current()[0]
        assert settings is not None and settings.balance_within_region is on
        for m in (m.measure for m in plan.settings.measures):
            out, widest = _core_line(plan, settings, m)
            line = _preview_line(d, m)
            assert f"{out} of 6 out" in line and f"widest {widest} " in line, (on, m, line)
            seen[on, m] = (out, widest)
        assert ("2 groups of the same region" in d.band_preview.text()) is on
    assert seen[False, ACCOUNTS] != seen[True, ACCOUNTS]  # the tick is visible in the numbers
    assert seen[False, ACCOUNTS][0] == 6 and seen[True, ACCOUNTS][0] == 0


def test_a_plan_without_regions_says_where_regions_come_from(qtbot):
    d = _dialog(qtbot, make_plan(100, 3, seed=1))
    notes = [w.text() for w in d.findChildren(type(d.error_label)) if "names a region" in w.text()]
    assert notes and "Set Region" in notes[0]


def test_the_window_applies_budget_and_region_as_one_undoable_step(qtbot, tmp_path):
    plan = _two_region_plan()
    w = make_window(qtbot, tmp_path, plan)
    panel_toggle = w.territory_panel.actions_by_name["within_region"]
    assert not panel_toggle.isChecked()
    out_before = kpis.plan_health(plan).out_of_band

    def edit() -> None:
        dlg = QApplication.activeModalWidget()
        assert isinstance(dlg, BalanceSettingsDialog)
        qtbot.mouseClick(dlg.within_region, Qt.MouseButton.LeftButton)
        dlg.tabs.setCurrentIndex(next(i for i in range(dlg.tabs.count())
                                      if dlg.tabs.widget(i).isAncestorOf(dlg.budget)))
        _type_into(qtbot, dlg.budget, "8")
        qtbot.mouseClick(dlg.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)

    steps = w.doc.controller.stack.count()
    QTimer.singleShot(0, edit)
    assert w.open_balance_settings()
    assert plan.settings.balance_within_region and plan.settings.copilot_change_budget == 0.08
    assert w.doc.controller.stack.count() == steps + 1
    assert panel_toggle.isChecked()  # the territories panel's toggle is the same setting
    assert kpis.plan_health(plan).out_of_band < out_before
    w.actions_by_name["undo"].trigger()
    assert not plan.settings.balance_within_region and plan.settings.copilot_change_budget == 0.05
    assert not panel_toggle.isChecked() and kpis.plan_health(plan).out_of_band == out_before


def test_many_segments_scroll_so_the_dialog_fits_a_laptop_screen(qtbot):
    """Seven segments × six roles made the dialog ~800 px tall: on a 1280×800 laptop OK fell off the screen."""
    roles = ["SMB AE", "Mid-Market AE", "Enterprise AE", "Public AE", "Edu AE", "Health AE"]
    segments = ["SMB", "Mid-Market", "Enterprise", "Public Sector", "Education", "Healthcare", "Strategic"]
    d = BalanceSettingsDialog(BalanceSettings(), ["potential", ACCOUNTS, WORKLOAD], segments, roles=roles)
    qtbot.addWidget(d)
    d.show()
    d.tabs.setCurrentIndex(2)
    assert d.height() <= 720  # + a title bar stays inside 800 px
    table = d.eligibility.table
    assert table.verticalScrollBar().maximum() > 0 and table.verticalScrollBar().isVisible()
    last = table.rowCount() - 1
    table.scrollToBottom()
    assert table.visualRect(table.model().index(last, 0)).bottom() <= table.viewport().height()
    assert table.horizontalScrollBar().maximum() == 0  # every role column still shows
