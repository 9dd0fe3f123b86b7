"""The balance settings dialog: what "balanced" means for this plan, edited in one place.

The dialog never touches the plan. It validates as the planner types (an inline message says what is wrong and
OK stays disabled), emits `settingsPreview` with every valid state so the window can re-evaluate indicators at
once, and leaves the final `BalanceSettings` in `result_settings` for the window to apply as one undoable edit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import pandas as pd
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from territory_desktop.core.settings import (
    ACCOUNTS,
    WORKLOAD,
    BalancedMeasure,
    BalanceSettings,
)
from territory_desktop.solver.copilot.suggestions import change_budget
from territory_desktop.ui.settings.band_preview import band_preview_html
from territory_desktop.ui.settings.capacity_editor import CapacityEditor
from territory_desktop.ui.settings.eligibility_editor import EligibilityEditor
from territory_desktop.ui.settings.score_editor import ScoreEditor
from territory_desktop.ui.settings.segments_editor import Preview, SegmentsEditor
from territory_desktop.ui.settings.workload_editor import WorkloadEditor, spin

if TYPE_CHECKING:
    from territory_desktop.core.plan import Plan

MEASURE_LABELS = {"potential": "Potential", "pipeline": "Open pipeline", ACCOUNTS: "Account count",
                  WORKLOAD: "Workload (hours)"}
"""How the balanced measures read in the dialog; unknown measures show their own name."""


def measure_label(measure: str) -> str:
    return MEASURE_LABELS.get(measure, measure.replace("_", " ").capitalize())


@dataclass
class _MeasureRow:
    """The widgets of one balanced measure in the measures grid."""

    measure: QComboBox
    primary: QRadioButton
    band: QDoubleSpinBox
    weight: QDoubleSpinBox
    remove: QToolButton

    def widgets(self) -> tuple[QWidget, ...]:
        return (self.measure, self.primary, self.band, self.weight, self.remove)


class BalanceSettingsDialog(QDialog):
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
    def _build_measures_tab(self, s: BalanceSettings) -> QWidget:
        page = QWidget()
        intro = QLabel("A territory is in balance when each measure lies within its band around the fair "
                       "share. The primary measure is the one the status bar and the co-pilot lead with.")
        intro.setWordWrap(True)
        self.primary_group = QButtonGroup(self)
        self.primary_group.setExclusive(True)
        self.measures_box = QWidget(page)  # parented now so Tab order can be set while rows are added
        self.measures_grid = QGridLayout(self.measures_box)
        self.measures_grid.setContentsMargins(0, 0, 0, 0)
        self._next_grid_row = 1
        self.measures_grid.setHorizontalSpacing(12)
        self.measures_grid.setVerticalSpacing(6)
        for col, text in enumerate(("Measure", "Primary", "Band ±", "Weight", "")):
            h = QLabel(f"<b>{text}</b>")
            self.measures_grid.addWidget(h, 0, col)
        self.measures_grid.setColumnStretch(0, 1)
        self.add_button = QPushButton("&Add measure", page)
        self.add_button.clicked.connect(self._add_unused_measure)
        for m in s.measures:
            self._add_measure_row(m)
        self.near_spin = spin(10, 100, s.near_fraction * 100, decimals=0, step=5, suffix=" % of the band")
        self.near_spin.setToolTip("A territory shows as 'near' the edge once its deviation passes this share "
                                  "of its band.")
        self.near_spin.valueChanged.connect(self._revalidate)
        self.within_role = QCheckBox("Compare each territory with its &peers (territories of the same rep role)")
        self.within_role.setToolTip("An SMB territory is judged against other SMB territories, not against "
                                    "Enterprise ones")
        self.within_role.setChecked(s.balance_within_role)
        self.within_role.toggled.connect(self._revalidate)
        self.within_region = QCheckBox("Balance within re&gion: compare each territory only with the territories "
                                       "of its region")
        self.within_region.setToolTip("A West book is judged against the other West books (with the option "
                                      "above: the same role in the same region). The territories panel's "
                                      "'Balance within region' is the same setting.")
        self.within_region.setChecked(s.balance_within_region)
        self.within_region.toggled.connect(self._revalidate)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.addRow("Warn as '&near' past:", self.near_spin)
        form.addRow(self.within_role)
        form.addRow(self.within_region)
        if self._plan is not None and not any(self._plan.territories[int(i)].region.strip()
                                              for i in self._plan.active_territories()):
            no_region = QLabel("No territory names a region yet (territories panel → Set Region…): with this "
                               "on, every territory is in one region, as with it off.")
            no_region.setWordWrap(True)
            no_region.setStyleSheet("color: #5A6570;")
            form.addRow(no_region)
        add_row = QHBoxLayout()
        add_row.addWidget(self.add_button)
        add_row.addStretch(1)
        lay = QVBoxLayout(page)
        lay.setContentsMargins(12, 12, 12, 12)
        lay.setSpacing(10)
        lay.addWidget(intro)
        lay.addWidget(self.measures_box)
        lay.addLayout(add_row)
        lay.addSpacing(6)
        lay.addLayout(form)
        # what the bands mean for this plan, live: the tab was a few rows over empty space, a band a bare number
        self.band_box = QGroupBox("With these bands, today's plan")
        self.band_preview = QLabel()
        self.band_preview.setObjectName("bandPreview")
        self.band_preview.setTextFormat(Qt.TextFormat.RichText)
        self.band_preview.setWordWrap(True)
        self.band_preview.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        band_note = QLabel("Counts of the plan as it is now; the territories panel and the status bar show the "
                           "same figures while this dialog is open.")
        band_note.setWordWrap(True)
        band_note.setStyleSheet("color: #5A6570;")
        box_lay = QVBoxLayout(self.band_box)
        box_lay.setSpacing(6)
        box_lay.addWidget(self.band_preview)
        box_lay.addWidget(band_note)
        self.band_box.setVisible(self._plan is not None)
        lay.addSpacing(6)
        lay.addWidget(self.band_box)
        lay.addStretch(1)
        return page

    def _add_measure_row(self, m: BalancedMeasure) -> _MeasureRow:
        combo = QComboBox()
        for key in self._measures_available:
            combo.addItem(measure_label(key), key)
        combo.setCurrentIndex(max(combo.findData(m.measure), 0))
        primary = QRadioButton()
        primary.setToolTip("The primary measure")
        primary.setChecked(m.primary)
        self.primary_group.addButton(primary)
        band = spin(1, 100, round(m.band * 100, 1), decimals=1, step=1, suffix=" %")
        band.setToolTip("Tolerance around the fair share, between 1% and 100%")
        weight = spin(0, 10, m.weight, decimals=2, step=0.1)
        weight.setToolTip("How much the co-pilot cares about this measure relative to the others")
        remove = QToolButton()
        remove.setText("✕")
        remove.setToolTip("Remove this measure")
        remove.setAutoRaise(True)
        what = measure_label(m.measure)
        for w, name in ((combo, "Balanced measure"), (primary, f"{what} is the primary measure"),
                        (band, f"Band for {what}"), (weight, f"Weight of {what}"), (remove, f"Remove {what}")):
            w.setAccessibleName(name)  # the grid's column headers are not labels a screen reader can follow
        row = _MeasureRow(combo, primary, band, weight, remove)
        remove.clicked.connect(self._remove_clicked)
        combo.currentIndexChanged.connect(self._revalidate)
        primary.toggled.connect(self._revalidate)
        band.valueChanged.connect(self._revalidate)
        weight.valueChanged.connect(self._revalidate)
        self._rows.append(row)
        for col, w in enumerate(row.widgets()):
            align = Qt.AlignmentFlag.AlignCenter if col == 1 else Qt.AlignmentFlag(0)
            self.measures_grid.addWidget(w, self._next_grid_row, col, align)
        self._next_grid_row += 1  # grid rows are never reused: a removed row just leaves an empty line
        self._sync_add_button()
        return row

    def _add_unused_measure(self) -> None:
        used = {r.measure.currentData() for r in self._rows}
        free = [k for k in self._measures_available if k not in used]
        row = self._add_measure_row(BalancedMeasure(free[0] if free else self._measures_available[0], 0.30,
                                                    0.5, primary=not self._rows))
        row.measure.setFocus()
        self._revalidate()

    def _remove_clicked(self) -> None:
        """A row's ✕ button (a bound slot: a lambda holding self would keep the dialog alive in a cycle)."""
        row = next((r for r in self._rows if r.remove is self.sender()), None)
        if row is not None:
            self._remove_measure_row(row)

    def _remove_measure_row(self, row: _MeasureRow) -> None:
        self._rows.remove(row)
        self.primary_group.removeButton(row.primary)
        for w in row.widgets():
            self.measures_grid.removeWidget(w)
            w.deleteLater()
        self._sync_add_button()
        self._revalidate()

    def _sync_add_button(self) -> None:
        """Enable Add while a measure is unused; keep Tab going row by row, then to Add and the near spin."""
        self.add_button.setEnabled(len(self._rows) < len(self._measures_available))
        chain = [w for r in self._rows for w in r.widgets()[:4]] + [self.add_button]
        for a, b in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(a, b)

    def segment_row(self, segment: str) -> int:
        """Row of a segment in the workload table (-1 if absent): lets the window or a test point at it."""
        return self.workload.segment_row(segment)

    # ----- rules -----------------------------------------------------------------------------------------
    def _build_rules_tab(self, s: BalanceSettings, segments: list[str], roles: list[str]) -> QWidget:
        page = QWidget()
        cap_box = QGroupBox("Capacity")
        self.capacity_hard = QRadioButton("&Hard limit: a territory over its capacity is out of balance")
        self.capacity_soft = QRadioButton("&Soft: flag over-capacity territories but judge balance by the bands")
        (self.capacity_hard if s.capacity_hard else self.capacity_soft).setChecked(True)
        cap_lay = QVBoxLayout(cap_box)
        cap_lay.addWidget(self.capacity_hard)
        cap_lay.addWidget(self.capacity_soft)
        self.capacity_hard.toggled.connect(self._revalidate)

        self.pipeline_threshold = spin(0, 1e9, s.pipeline_lock_threshold, decimals=0, step=1000, prefix="$")
        self.pipeline_threshold.setGroupSeparatorShown(True)
        self.pipeline_threshold.setToolTip("Accounts with more open pipeline than this stay with their rep "
                                           "(0 = any open deal)")
        self.allow_pipeline = QCheckBox("&Let the co-pilot suggest moving accounts with open pipeline")
        self.allow_pipeline.setChecked(s.allow_pipeline_moves)
        self.allow_pipeline.toggled.connect(self._sync_pipeline)
        self.pipeline_threshold.valueChanged.connect(self._revalidate)
        # one box for everything that bounds the co-pilot's suggestions (the open-pipeline rule was a box of
        # its own; folded in, the change budget fits without making this, the tallest tab, taller)
        churn_box = QGroupBox("Co-pilot: what it may suggest")
        self.min_gain = spin(0, 1, s.copilot_min_gain, decimals=3, step=0.001)
        self.min_gain.setToolTip("A suggestion that brings no territory into its band or within capacity is "
                                 "offered only if it improves the balance by at least this much per account "
                                 "moved (0 = every move the solver finds)")
        self.min_gain.valueChanged.connect(self._revalidate)
        self.budget = spin(0, 100, round(s.copilot_change_budget * 100, 1), decimals=1, step=1, suffix=" %")
        self.budget.setSpecialValueText("none")
        self.budget.setAccessibleName("Change budget, share of accounts")
        self.budget.setToolTip("The co-pilot's suggestions keep at most this share of the plan's accounts away "
                               "from their baseline owner, in all (0 = no budget). The co-pilot dock shows and "
                               "sets the same budget.")
        self.budget.valueChanged.connect(self._revalidate)
        self.budget_words = QLabel()  # two short lines, not wrapped: a wrapped label beside a spin takes three
        self.budget_words.setObjectName("budgetWords")
        self.budget_words.setStyleSheet("color: #5A6570;")
        budget_row = QHBoxLayout()
        budget_row.setSpacing(8)
        budget_row.addWidget(self.budget)
        budget_row.addWidget(self.budget_words, 1)
        churn_form = QFormLayout(churn_box)
        churn_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        churn_form.addRow(self.allow_pipeline)
        churn_form.addRow("Keep accounts with pipeline &above:", self.pipeline_threshold)
        churn_form.addRow("Least &gain per account moved:", self.min_gain)
        budget_label = QLabel("Change &budget:")
        budget_label.setBuddy(self.budget)
        churn_form.addRow(budget_label, budget_row)
        note = QLabel("Moves that fix a band or capacity are always offered; reshuffling books already in band "
                      "costs relationships. 0.005 ≈ bringing a book from +22% to its peer mean.")
        note.setWordWrap(True)
        note.setStyleSheet("color: #5A6570;")
        churn_form.addRow(note)
        self.keep_connected = QCheckBox("&Keep each territory one connected piece of the map")
        self.keep_connected.setObjectName("keepConnected")
        self.keep_connected.setChecked(s.keep_connected)
        has_map = self._plan is not None and self._plan.adjacency is not None
        self.keep_connected.setEnabled(has_map)
        self.keep_connected.setToolTip(
            "The co-pilot never suggests a move that splits a territory into separate pieces on the map; a "
            "territory already in pieces is only ever joined" if has_map else
            "Needs to know which accounts touch on the map: import a county or ZIP adjacency with "
            "File → Import Adjacency… first")
        self.keep_connected.toggled.connect(self._revalidate)
        churn_form.insertRow(0, self.keep_connected)  # first: a rule on the map, before the churn limits
        self._sync_pipeline()

        lay = QVBoxLayout(page)
        lay.setContentsMargins(12, 12, 12, 12)
        lay.setSpacing(12)
        elig_box = QGroupBox("Eligibility: segment → allowed rep roles")
        self.eligibility = EligibilityEditor(s.eligibility, segments, roles)
        self.eligibility.changed.connect(self._revalidate)
        QVBoxLayout(elig_box).addWidget(self.eligibility)

        lay.addWidget(cap_box)
        lay.addWidget(churn_box)
        lay.addWidget(elig_box)
        lay.addStretch(1)
        return page

    def _sync_pipeline(self) -> None:
        self.pipeline_threshold.setEnabled(not self.allow_pipeline.isChecked())
        self._revalidate()

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

    def _budget_share(self) -> float:
        """The budget as a share; the shown one when the spin still shows it (the spin rounds to 0.1%, so a
        saved 3.33% must not become 3.3% — and an undo step — by merely opening the dialog)."""
        base = self._base.copilot_change_budget
        if abs(self.budget.value() - round(base * 100, 1)) < 1e-6:
            return base
        return round(self.budget.value() / 100, 4)

    def _budget_text(self) -> str:
        """What the budget means in accounts, for this plan when there is one."""
        share = self._budget_share()
        if not share > 0:
            return "No budget: the suggestions may move\nany number of accounts."
        if self._plan is None:
            return f"At most {share:.1%} of the plan's accounts away\nfrom their baseline owner, in all."
        b = change_budget(self._plan, share)
        assert b.limit is not None
        left = b.left or 0
        return (f"At most {b.limit:,} of {self._plan.n_accounts:,} accounts away from their\nbaseline owner in "
                f"all · {b.used:,} now, {left:,} left" + (" (used up)" if left == 0 else ""))

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
