"""Balance Settings → Segments: the size thresholds that make an account SMB, Mid-Market or Enterprise.

Shows the rules in words and, live, how many of the plan's accounts each segment would hold, so a planner
sees the effect before pressing OK. OK re-segments the plan as one undoable edit (the window does that);
accounts whose segment came from the export's own segment column keep it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QVBoxLayout, QWidget

from territory_desktop.core.segments import SegmentRules
from territory_desktop.ui.settings.workload_editor import spin
from territory_desktop.ui.theme.millions_spin import MillionsSpin

Preview = Callable[[SegmentRules], dict[str, int]]


class SegmentsEditor(QWidget):
    """Employee and revenue thresholds with a live count per segment; `current()` gives the rules."""

    changed = Signal()

    def __init__(self, rules: SegmentRules, preview: Preview | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._preview = preview
        self.mm_emp = spin(1, 1_000_000, rules.mid_market_employees, 0, 10, " employees")
        self.ent_emp = spin(2, 10_000_000, rules.enterprise_employees, 0, 100, " employees")
        self.mm_rev = MillionsSpin(0.1, 1_000_000, rules.mid_market_revenue / 1e6, 5)
        self.ent_rev = MillionsSpin(0.2, 10_000_000, rules.enterprise_revenue / 1e6, 50)
        for s in (self.mm_emp, self.ent_emp, self.mm_rev, self.ent_rev):
            s.setGroupSeparatorShown(True)
            s.setMaximumWidth(220)
        by_emp = QGroupBox("By employee count (used when the account has one)")
        f1 = QFormLayout(by_emp)
        f1.addRow("Mid-Market &from:", self.mm_emp)
        f1.addRow("&Enterprise from:", self.ent_emp)
        by_rev = QGroupBox("Else by annual revenue")
        f2 = QFormLayout(by_rev)
        f2.addRow("Mid-Market f&rom:", self.mm_rev)
        f2.addRow("Enterprise fro&m:", self.ent_rev)
        self.rules_text = QLabel()
        self.rules_text.setWordWrap(True)
        self.counts = QLabel()
        self.counts.setObjectName("segmentCounts")
        self.counts.setWordWrap(True)
        note = QLabel("Accounts whose segment came from the export's segment column keep it; accounts without "
                      "employees or revenue are SMB. OK re-segments the plan as one step you can undo.")
        note.setWordWrap(True)
        note.setStyleSheet("color: #5F6368;")
        lay = QVBoxLayout(self)
        lay.addWidget(by_emp)
        lay.addWidget(by_rev)
        lay.addWidget(self.rules_text)
        lay.addWidget(self.counts)
        lay.addWidget(note)
        lay.addStretch(1)
        for s in (self.mm_emp, self.ent_emp, self.mm_rev, self.ent_rev):
            s.valueChanged.connect(self._on_change)
        self._on_change()

    def load(self, rules: SegmentRules) -> None:
        for s, v in ((self.mm_emp, rules.mid_market_employees), (self.ent_emp, rules.enterprise_employees),
                     (self.mm_rev, rules.mid_market_revenue / 1e6), (self.ent_rev, rules.enterprise_revenue / 1e6)):
            s.blockSignals(True)
            s.setValue(v)
            s.blockSignals(False)
        self._on_change()

    def current(self) -> tuple[SegmentRules | None, str]:
        """The rules the fields describe, or (None, why they are not valid)."""
        try:
            return SegmentRules(self.mm_emp.value(), self.ent_emp.value(), self.mm_rev.value() * 1e6,
                                self.ent_rev.value() * 1e6), ""
        except ValueError as exc:
            return None, f"Segments: {exc}."

    def _on_change(self) -> None:
        rules, message = self.current()
        if rules is None:
            self.rules_text.setText(message)
            self.counts.setText("")
        else:
            self.rules_text.setText("Rules: " + rules.describe() + ".")
            if self._preview is not None:
                counts = self._preview(rules)
                total = sum(counts.values()) or 1
                self.counts.setText("<b>With these rules:</b> " + ", ".join(
                    f"{name} {n:,} ({n / total:.0%})" for name, n in counts.items()))
        self.changed.emit()
