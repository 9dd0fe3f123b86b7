"""Edit → Balance Settings…: the dialog previews its settings live on the territories panel and the status
bar; OK applies one undoable edit (with the re-segmentation or re-scoring the new rules imply, in one batch).

Kept out of the window's module: it is the one command whose work (preview, re-segment, re-score) is more than
a call into a view.
"""

from __future__ import annotations

from typing import Any

from territory_desktop.core.edits import Batch, Edit, SetSettings, rescore, resegment
from territory_desktop.core.segments import segment_counts
from territory_desktop.core.settings import ACCOUNTS, WORKLOAD, BalanceSettings
from territory_desktop.ui.settings.dialog import BalanceSettingsDialog


def open_balance_settings(window: Any) -> bool:
    """Show the dialog for the window's plan; True when an edit was applied."""
    plan = window.plan
    roles = sorted({plan.territories[int(i)].role for i in plan.active_territories()} - {""})
    dlg = BalanceSettingsDialog(plan.settings, [*plan.measure_names, ACCOUNTS, WORKLOAD],
                                list(plan.segment_names), window, roles=roles,
                                segment_preview=lambda rules: segment_counts(resegment(plan, rules).segments),
                                accounts=plan.accounts, plan=plan)
    dlg.settingsPreview.connect(window.preview_settings)
    accepted = dlg.exec()
    result = dlg.result_settings if accepted else None
    window.preview_settings(plan.settings)
    if result is None or result == plan.settings:
        return False
    edits: list[Edit] = [SetSettings(result)]
    resegmented = result.segment_rules != plan.settings.segment_rules
    if resegmented:
        edits.append(resegment(plan, result.segment_rules))
    rescored = rescore(plan, result.score_model) if result.score_model != plan.settings.score_model else None
    if rescored is not None:
        edits.append(rescored)
    if len(edits) == 1:
        return window.controller.apply(edits[0])
    return window.controller.apply(Batch(edits, "Re-segment accounts" if resegmented else "Re-score accounts"))


def preview_settings(window: Any, settings: BalanceSettings) -> None:
    """The territories panel and the status bar as they would be under `settings`; the plan is not edited."""
    plan = window.plan
    current = plan.settings
    plan.settings = settings
    try:
        window.territory_panel.model.refresh()
        window.health.refresh()
    finally:
        plan.settings = current
