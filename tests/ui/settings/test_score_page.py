"""Balance Settings → Score: the spin boxes move the live tier counts, refuse invalid models, and OK gives the
model back in the settings, ready to re-score the plan as one undoable step."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QSpinBox

from territory_desktop.core.edits import Batch, SetSettings, rescore
from territory_desktop.core.plan import Plan
from territory_desktop.core.settings import ACCOUNTS, WORKLOAD
from territory_desktop.ui.settings.dialog import BalanceSettingsDialog
from tests.conftest import make_plan


def _dialog(qtbot, plan: Plan, **kw) -> BalanceSettingsDialog:
    d = BalanceSettingsDialog(plan.settings, [*plan.measure_names, ACCOUNTS, WORKLOAD], list(plan.segment_names),
                              accounts=plan.accounts, **kw)
    qtbot.addWidget(d)
    d.show()
    d.tabs.setCurrentWidget(d.score)
    return d


def _ok(d: BalanceSettingsDialog):
    return d.buttons.button(QDialogButtonBox.StandardButton.Ok)


def _type_into(qtbot, spin: QSpinBox, text: str) -> None:
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin.lineEdit(), text)
    spin.interpretText()


def test_changing_the_a_share_updates_the_live_counts(qtbot):
    plan = make_plan(500)
    d = _dialog(qtbot, plan)
    assert "A 100 (20%)" in d.score.counts.text() and "no tier changes" in d.score.counts.text()
    _type_into(qtbot, d.score.a_share, "10")
    text = d.score.counts.text()
    assert "A 50 (10%)" in text and "— 100 accounts change tier" in text  # 50 A→B, 50 B→C
    assert "top 10%" in d.score.formula.text()
    assert d.score.tier_counts(d.score.model()) == {"A": 50, "B": 150, "C": 300}


def test_invalid_weights_or_shares_disable_ok_and_say_why(qtbot):
    d = _dialog(qtbot, make_plan(200))
    for spin in d.score.weights.values():
        _type_into(qtbot, spin, "0")
    assert d.score.model() is None and not _ok(d).isEnabled()
    assert "weight above 0" in d.score.message.text() and d.score.message.isVisibleTo(d)
    _type_into(qtbot, d.score.weights["size"], "1")
    assert d.score.model() is not None and _ok(d).isEnabled()
    assert d.score.shares["size"].text() == "= 100%"
    _type_into(qtbot, d.score.a_share, "80")
    assert not _ok(d).isEnabled() and "110%" in d.score.message.text()
    d.tabs.setCurrentIndex(0)  # from another page, the dialog's own line says what blocks OK
    assert "110%" in d.error_label.text() and d.error_label.isVisibleTo(d)


def test_ok_carries_the_model_and_one_batch_rescores_with_an_exact_undo(qtbot):
    plan = make_plan(300)
    before = (plan.accounts["score"].to_numpy().copy(), plan.accounts["tier"].tolist(), plan.kpis.sums.copy())
    d = _dialog(qtbot, plan)
    _type_into(qtbot, d.score.weights["propensity"], "0")
    _type_into(qtbot, d.score.b_share, "40")
    qtbot.mouseClick(_ok(d), Qt.MouseButton.LeftButton)
    s = d.result_settings
    assert s is not None and s.score_model.propensity == 0 and s.score_model.b_share == 0.4
    assert s.score_model.size == plan.settings.score_model.size  # untouched fields keep their exact value
    inverse = plan.apply(Batch([SetSettings(s), rescore(plan, s.score_model)], "Re-score accounts"))
    assert plan.settings.score_model == s.score_model
    assert not np.array_equal(plan.accounts["score"].to_numpy(), before[0])
    plan.apply(inverse)
    assert np.array_equal(plan.accounts["score"].to_numpy(), before[0])
    assert plan.accounts["tier"].tolist() == before[1] and np.array_equal(plan.kpis.sums, before[2])


def test_an_unchanged_dialog_gives_back_the_same_settings(qtbot):
    plan = make_plan(100)
    d = _dialog(qtbot, plan)
    qtbot.mouseClick(_ok(d), Qt.MouseButton.LeftButton)
    assert d.result_settings == plan.settings  # no spurious undo step


def test_export_scores_say_so_and_only_the_tier_shares_apply(qtbot):
    plan = make_plan(100)
    plan.accounts["score_basis"] = "column"
    d = _dialog(qtbot, plan, score_column="ICP Score")
    note = d.score.export_note
    assert note.isVisibleTo(d) and "'ICP Score'" in note.text() and "only the tier shares apply" in note.text()
    assert not d.score.weights["size"].isEnabled() and d.score.a_share.isEnabled()
    assert d.score.formula.text().startswith("Formula: score = the export's column;")
