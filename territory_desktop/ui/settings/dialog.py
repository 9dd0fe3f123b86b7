"""The balance settings dialog: what "balanced" means for this plan, edited in one place.

The dialog never touches the plan. It validates as the planner types (an inline message says what is wrong and
OK stays disabled), emits `settingsPreview` with every valid state so the window can re-evaluate indicators at
once, and leaves the final `BalanceSettings` in `result_settings` for the window to apply as one undoable edit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

import pandas as pd
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from territory_desktop.core.settings import (
    BalancedMeasure,
    BalanceSettings,
)
from territory_desktop.ui.settings.band_preview import band_preview_html
from territory_desktop.ui.settings.capacity_editor import CapacityEditor
from territory_desktop.ui.settings.measures_tab import MeasuresTab, _MeasureRow, measure_label
from territory_desktop.ui.settings.rules_tab import RulesTab
from territory_desktop.ui.settings.score_editor import ScoreEditor
from territory_desktop.ui.settings.segments_editor import Preview, SegmentsEditor
from territory_desktop.ui.settings.workload_editor import WorkloadEditor

if TYPE_CHECKING:
    from territory_desktop.core.plan import Plan

class BalanceSettingsDialog(MeasuresTab, RulesTab, QDialog):
    """Edit balance measures and bands, peers (role, region), rules and the co-pilot's limits (least gain, change
    budget: the dock's box is the same setting), the workload model, segments, score and capacity;
    `result_settings` after accept."""

    settingsPreview = Signal(object)  # noqa: N815 (Qt signal naming) — a valid BalanceSettings as values change

    def __init__(self, settings: BalanceSettings, measures_available: list[str], segments: list[str],
                 parent: QWidget | None = None, *, roles: Sequence[str] = (),
                 segment_preview: Preview | None = None, accounts: pd.DataFrame | None = None,
                 score_column: str = "", plan: Plan | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Balance Settings")
        self.setModal(True)
        self.result_settings: BalanceSettings | None = None
        self._initial = settings
        self._base = settings
        self._measures_available = list(dict.fromkeys(
            list(measures_available) + [m.measure for m in settings.measures]))
        self._rows: list[_MeasureRow] = []
        self._last_preview: BalanceSettings | None = settings
        self._plan = plan
        self._loading = True

        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_measures_tab(settings), "&Measures")
        self.workload = WorkloadEditor(settings.workload, segments)
        self.workload.changed.connect(self._revalidate)
        self.tabs.addTab(self.workload, "&Workload")
        self.tabs.addTab(self._build_rules_tab(settings, segments, list(roles)), "&Rules")
        self.segments = SegmentsEditor(settings.segment_rules, segment_preview)
        self.segments.changed.connect(self._revalidate)
        self.tabs.addTab(self.segments, "&Segments")
        self.score = ScoreEditor(settings.score_model, accounts, score_column)  # accounts: read for live counts
        self.score.changed.connect(self._revalidate)
        self.tabs.addTab(self.score, "S&core")
        self.capacity = CapacityEditor(settings, plan)  # plan: read for the live headcount and book-norm lines
        self.capacity.changed.connect(self._revalidate)
        self.tabs.addTab(self.capacity, "Capacit&y")
        self.tabs.currentChanged.connect(self._revalidate)

        self.error_label = QLabel()
        self.error_label.setObjectName("validationMessage")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #B3261E;")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel
                                        | QDialogButtonBox.StandardButton.RestoreDefaults)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(
            self.restore_defaults)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 16, 16, 12)
        lay.setSpacing(10)
        lay.addWidget(self.tabs)
        lay.addWidget(self.error_label)
        lay.addWidget(self.buttons)
        self._loading = False
        self._revalidate()
        hint = self.sizeHint()  # wider or taller only when a plan has many roles or segments
        self.resize(max(660, hint.width()), max(520, hint.height()))

    # ----- measures --------------------------------------------------------------------------------------
    # ----- rules -----------------------------------------------------------------------------------------
    def restore_defaults(self) -> None:
        """Show the factory settings (applied only on OK, like any other change)."""
        self._load(BalanceSettings())

    # ----- state -----------------------------------------------------------------------------------------
    def _load(self, s: BalanceSettings) -> None:
        """Show `s` in every widget (Restore Defaults)."""
        self._loading = True
        for row in list(self._rows):
            self._remove_measure_row(row)
        for m in s.measures:
            self._add_measure_row(m)
        self._base = s
        self.near_spin.setValue(s.near_fraction * 100)
        self.within_role.setChecked(s.balance_within_role)
        self.within_region.setChecked(s.balance_within_region)
        self.workload.load(s.workload)
        (self.capacity_hard if s.capacity_hard else self.capacity_soft).setChecked(True)
        self.pipeline_threshold.setValue(s.pipeline_lock_threshold)
        self.allow_pipeline.setChecked(s.allow_pipeline_moves)
        self.min_gain.setValue(s.copilot_min_gain)
        self.budget.setValue(round(s.copilot_change_budget * 100, 1))
        self.keep_connected.setChecked(s.keep_connected)
        self.eligibility.load(s.eligibility)
        self.segments.load(s.segment_rules)
        self.score.load(s.score_model)
        self.capacity.load(s)
        self._loading = False
        self._revalidate()

    def current(self) -> tuple[BalanceSettings | None, str]:
        """The settings the widgets describe, or (None, the reason they are not valid)."""
        if not self._rows:
            return None, "Balance on at least one measure."
        keys = [r.measure.currentData() for r in self._rows]
        dupes = sorted({measure_label(k) for k in keys if keys.count(k) > 1})
        if dupes:
            return None, f"{', '.join(dupes)} is listed more than once: keep one row per measure."
        primaries = [r for r in self._rows if r.primary.isChecked()]
        if len(primaries) != 1:
            return None, "Choose exactly one primary measure."
        measures = []
        for r in self._rows:
            band = r.band.value()
            if not 1.0 <= band <= 100.0:
                return None, f"The band of {r.measure.currentText()} must be between 1% and 100%."
            measures.append(BalancedMeasure(r.measure.currentData(), round(band / 100.0, 4),
                                            float(r.weight.value()), r.primary.isChecked()))
        if primaries[0].weight.value() <= 0:
            return None, "The primary measure needs a weight above 0."
        workload, message = self.workload.current()
        if workload is None:
            return None, message
        segment_rules, message = self.segments.current()
        if segment_rules is None:
            return None, message
        score_model, message = self.score.current()
        if score_model is None:
            return None, message
        capacity, message = self.capacity.current()
        if capacity is None:
            return None, message
        return replace(  # from the settings shown, so fields this dialog does not edit are kept as they were
            self._base, measures=tuple(measures), workload=workload,
            near_fraction=round(self.near_spin.value() / 100, 4), capacity_hard=self.capacity_hard.isChecked(),
            pipeline_lock_threshold=float(self.pipeline_threshold.value()),
            allow_pipeline_moves=self.allow_pipeline.isChecked(),
            copilot_min_gain=(self._base.copilot_min_gain if abs(self.min_gain.value() - self._base.copilot_min_gain)
                              < 5e-4 else round(self.min_gain.value(), 3)),
            copilot_change_budget=self._budget_share(),
            keep_connected=(self.keep_connected.isChecked() if self.keep_connected.isEnabled()
                            else self._base.keep_connected),
            balance_within_role=self.within_role.isChecked(),
            balance_within_region=self.within_region.isChecked(), eligibility=self.eligibility.current(),
            segment_rules=segment_rules, score_model=score_model, book_norms=capacity.book_norms,
            headcount=capacity.headcount, quota_share=capacity.quota_share,
        ), ""

    def _revalidate(self) -> None:
        if self._loading:
            return
        self.budget_words.setText(self._budget_text())
        settings, message = self.current()
        self.error_label.setText(message)
        page = self.tabs.currentWidget()
        shown_on_page = any(page is p and message == p.message.text() for p in (self.score, self.capacity))
        self.error_label.setVisible(bool(message) and not shown_on_page)  # the same red line twice is noise
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(settings is not None)
        if settings is not None and self._plan is not None:
            self.band_preview.setText(band_preview_html(self._plan, settings,
                                                        {k: measure_label(k) for k in self._measures_available}))
        if settings is not None and settings != self._last_preview:
            self._last_preview = settings
            self.settingsPreview.emit(settings)

    def accept(self) -> None:
        settings, message = self.current()
        if settings is None:
            self.error_label.setText(message)
            self.error_label.setVisible(True)
            return
        self.result_settings = settings
        super().accept()

    def reject(self) -> None:
        if self._last_preview != self._initial:
            self.settingsPreview.emit(self._initial)  # take the live preview back
        super().reject()
