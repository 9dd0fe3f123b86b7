"""The Rules tab of the balance settings dialog: capacity as a hard limit or a flag, what the co-pilot may
suggest (pipeline, least gain, change budget), eligibility of segments by rep role (a mixin of
BalanceSettingsDialog)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from territory_desktop.core.settings import (
    BalanceSettings,
)
from territory_desktop.solver.copilot.suggestions import change_budget
from territory_desktop.ui.settings.eligibility_editor import EligibilityEditor
from territory_desktop.ui.settings.workload_editor import spin


class RulesTab:
    """The rules page and the change budget's words (mixed into BalanceSettingsDialog)."""

    def segment_row(self, segment: str) -> int:
        """Row of a segment in the workload table (-1 if absent): lets the window or a test point at it."""
        return self.workload.segment_row(segment)

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
