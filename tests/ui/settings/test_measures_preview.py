"""Balance Settings → Measures says what the bands mean for this plan, live: how many territories each band
leaves out (the tab used to be a few rows over empty space, and a band was a number without consequence)."""

from __future__ import annotations

from territory_desktop.core import kpis
from territory_desktop.core.settings import ACCOUNTS, WORKLOAD
from territory_desktop.ui.settings.dialog import BalanceSettingsDialog, measure_label
from tests.conftest import make_plan


def _dialog(qtbot, plan) -> BalanceSettingsDialog:
    d = BalanceSettingsDialog(plan.settings, [*plan.measure_names, ACCOUNTS, WORKLOAD], list(plan.segment_names),
                              roles=[], accounts=plan.accounts, plan=plan)
    qtbot.addWidget(d)
    d.show()
    return d


def test_the_measures_tab_counts_the_territories_each_band_leaves_out(qtbot) -> None:
    plan = make_plan(n=600, k=8, seed=9)
    d = _dialog(qtbot, plan)
    table = kpis.territory_table(plan)
    text = d.band_preview.text()
    assert d.band_preview.isVisible()
    for m in plan.settings.measures:
        out = int((table[f"status_{m.measure}"] == "out").sum())
        assert f"{out} of 8 out" in text.split(f"<b>{measure_label(m.measure)}</b>")[1][:120]
    # widen the primary band to 100%: nothing is out on it any more, and the preview says so at once
    row = d._rows[0]  # noqa: SLF001 - the primary measure's row, as the planner sees it first
    row.band.setValue(100.0)
    assert "0 of 8 out" in d.band_preview.text().split("<b>Potential</b>")[1][:120]
