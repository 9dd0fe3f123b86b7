"""The co-pilot's change budget, always in sight: how many accounts its suggestions may move away from their
baseline owner in all, how many already are, and a spin box to change it (one undoable settings edit).

The playbook asks for few changes between reviews; a budget the planner cannot see is a rule they cannot trust.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtWidgets import QDoubleSpinBox, QHBoxLayout, QLabel, QWidget

from territory_desktop.core.edits import Edit, SetSettings
from territory_desktop.core.plan import Plan
from territory_desktop.solver.copilot.suggestions import change_budget
from territory_desktop.ui.theme.style import MUTED


class BudgetRow(QWidget):
    """"Change budget [5 %] = 250 accounts · 12 used, 238 left"; 0 % means no budget."""

    def __init__(self, plan: Plan, apply_edit: Callable[[Edit], bool], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan = plan
        self._apply = apply_edit
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(QLabel("Change budget"))
        self.spin = QDoubleSpinBox(self)
        self.spin.setRange(0.0, 100.0)
        self.spin.setDecimals(1)
        self.spin.setSingleStep(1.0)
        self.spin.setSuffix(" %")
        self.spin.setSpecialValueText("none")
        self.spin.setAccessibleName("Change budget, share of accounts")
        self.spin.setToolTip("The co-pilot's suggestions move at most this share of the plan's accounts away "
                             "from their baseline owner, in all (0 = no budget). Changing it is undoable.")
        self.spin.editingFinished.connect(self._commit)
        lay.addWidget(self.spin)
        self.words = QLabel(self)
        self.words.setStyleSheet(f"color: {MUTED};")
        lay.addWidget(self.words, 1)
        self.refresh()

    def set_plan(self, plan: Plan) -> None:
        self.plan = plan
        self.refresh()

    def refresh(self) -> None:
        """Show the plan's budget and what it has used (the core's count)."""
        b = change_budget(self.plan)
        self.spin.blockSignals(True)
        self.spin.setValue(round(b.share * 100, 1))
        self.spin.blockSignals(False)
        if b.limit is None:
            self.words.setText(f"no limit · {b.used:,} moved")
        else:
            left = b.left or 0
            self.words.setText(f"= {b.limit:,} account{'' if b.limit == 1 else 's'} · {b.used:,} used, {left:,} left"
                               + (" (used up: only moves back to a baseline owner, or of accounts without one, fit)" if left == 0 else ""))

    def _commit(self) -> None:
        share = round(self.spin.value() / 100, 4)
        s = self.plan.settings
        if abs(share - s.copilot_change_budget) < 1e-9:
            return
        if not self._apply(SetSettings(replace(s, copilot_change_budget=share))):
            self.refresh()
