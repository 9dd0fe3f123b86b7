"""Balance Settings → Score: the weights of the account score and the shares of the A and B tiers.

Shows the formula in words and, live, how many of the plan's accounts each tier would hold, so a planner sees
the effect before pressing OK. OK re-scores the plan as one undoable edit (the window does that); scores that
came from the export's own score column stay as they are, only their tiers follow the shares.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QGridLayout, QGroupBox, QLabel, QSpinBox, QVBoxLayout, QWidget

from territory_desktop.core.score import COMPONENTS, TIERS, ScoreModel, compute_scores, tiers

_COMPONENT_TEXT = {
    "size": ("Si&ze", "percentile rank of the account's potential"),
    "fit": ("Industry &fit", "how often its industry is already a customer"),
    "propensity": ("&Propensity", "CRM status, raised by open pipeline"),
    "strategic": ("S&trategic", "1 for named accounts"),
}
"""Each component's label (with its mnemonic) and what it measures, in a planner's words."""

_MUTED = "color: #5F6368;"
_ERROR = "color: #B3261E;"


def _int_spin(lo: int, hi: int, value: int, suffix: str = "") -> QSpinBox:
    s = QSpinBox()
    s.setRange(lo, hi)
    s.setSuffix(suffix)
    s.setValue(value)
    s.setAccelerated(True)
    s.setMinimumWidth(80)
    return s


class ScoreEditor(QWidget):
    """Four relative weights and the A/B shares with a live tier count; `model()` gives the score model."""

    changed = Signal()

    def __init__(self, model: ScoreModel, accounts: pd.DataFrame | None = None, score_column: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._score_column = score_column
        self._set_accounts(accounts)
        self.weights: dict[str, QSpinBox] = {c: _int_spin(0, 100, 0) for c in COMPONENTS}
        self.shares: dict[str, QLabel] = {c: QLabel() for c in COMPONENTS}
        weights_box = QGroupBox("Weights (relative: only their proportions matter)")
        grid = QGridLayout(weights_box)
        grid.setHorizontalSpacing(12)
        grid.setColumnStretch(3, 1)
        for row, c in enumerate(COMPONENTS):
            title, what = _COMPONENT_TEXT[c]
            label = QLabel(title + ":")
            label.setBuddy(self.weights[c])
            self.weights[c].setAccessibleName(f"Weight of {title.replace('&', '').lower()}")
            self.shares[c].setMinimumWidth(44)
            self.shares[c].setToolTip("This component's share of the score")
            hint = QLabel(what)
            hint.setStyleSheet(_MUTED)
            grid.addWidget(label, row, 0)
            grid.addWidget(self.weights[c], row, 1)
            grid.addWidget(self.shares[c], row, 2)
            grid.addWidget(hint, row, 3)
        self.a_share = _int_spin(1, 100, 20, " %")
        self.b_share = _int_spin(0, 99, 30, " %")
        self.a_share.setToolTip("The top-scored share of accounts that are tier A")
        self.b_share.setToolTip("The share after the A accounts that is tier B; the rest is C")
        self.c_share = QLabel()
        self.c_share.setStyleSheet(_MUTED)
        tiers_box = QGroupBox("Tiers (by rank: the top accounts are A, the next B, the rest C)")
        form = QFormLayout(tiers_box)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.addRow("Tier &A: top", self.a_share)
        form.addRow("Tier &B: next", self.b_share)
        form.addRow("Tier C:", self.c_share)
        self.export_note = QLabel()
        self.export_note.setObjectName("scoreFromExport")
        self.export_note.setWordWrap(True)
        self.formula = QLabel()
        self.formula.setWordWrap(True)
        self.message = QLabel()
        self.message.setObjectName("scoreMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(_ERROR)
        self.counts = QLabel()
        self.counts.setObjectName("tierCounts")
        self.counts.setWordWrap(True)
        note = QLabel("Scores from the export's score column stay as they are; an account without a score is C. "
                      "OK re-scores the plan as one step you can undo.")
        note.setWordWrap(True)
        note.setStyleSheet(_MUTED)
        lay = QVBoxLayout(self)
        lay.addWidget(self.export_note)
        lay.addWidget(weights_box)
        lay.addWidget(tiers_box)
        lay.addWidget(self.formula)
        lay.addWidget(self.message)
        lay.addWidget(self.counts)
        lay.addWidget(note)
        lay.addStretch(1)
        self._from_export = self._n > 0 and not self._by_model.any()
        self.export_note.setVisible(self._from_export)
        if self._from_export:
            column = f" {score_column!r}" if score_column else ""
            self.export_note.setText(f"Scores come from the export's column{column}, used as is; only the tier "
                                     "shares apply.")
            weights_box.setEnabled(False)
            weights_box.setToolTip("The export's scores are used as they are: the weights make no score here")
        self.load(model)
        for s in (*self.weights.values(), self.a_share, self.b_share):
            s.valueChanged.connect(self._on_change)

    def _set_accounts(self, accounts: pd.DataFrame | None) -> None:
        """What the live count needs, read once: the export's scores stay, model rows are recomputed."""
        self._accounts = accounts
        self._n = 0 if accounts is None else len(accounts)
        self._cache: tuple[tuple[float, ...], np.ndarray] | None = None
        if accounts is None:
            self._given, self._by_model, self._tier_now = np.zeros(0), np.zeros(0, bool), np.zeros(0, object)
            return
        self._given = pd.to_numeric(accounts["score"], errors="coerce").to_numpy(dtype=np.float64)
        self._by_model = accounts["score_basis"].astype(str).to_numpy() == "model"
        self._tier_now = accounts["tier"].fillna("").astype(str).to_numpy(dtype=object)

    def load(self, model: ScoreModel) -> None:
        """Show `model`; values left as shown give back exactly its numbers (no spurious undo step)."""
        self._base = model
        w = [getattr(model, c) for c in COMPONENTS]
        scale = 100.0 if max(w) <= 1 else 100.0 / max(w)
        self._shown = {c: round(v * scale) for c, v in zip(COMPONENTS, w, strict=True)}
        self._shown_shares = (round(model.a_share * 100), round(model.b_share * 100))
        for s, v in (*((self.weights[c], self._shown[c]) for c in COMPONENTS),
                     (self.a_share, self._shown_shares[0]), (self.b_share, self._shown_shares[1])):
            s.blockSignals(True)
            s.setValue(v)
            s.blockSignals(False)
        self._on_change()

    def current(self) -> tuple[ScoreModel | None, str]:
        """The model the fields describe, or (None, why it is not valid)."""
        shown = {c: self.weights[c].value() for c in COMPONENTS}
        if sum(shown.values()) <= 0:
            return None, "Score: give at least one component a weight above 0."
        a, b = self.a_share.value(), self.b_share.value()
        if a + b > 100:
            return None, f"Score: tiers A and B take {a + b}% of the accounts; keep them at 100% or less."
        base = self._base
        weights = ({c: getattr(base, c) for c in COMPONENTS} if shown == self._shown
                   else {c: v / 100 for c, v in shown.items()})
        a_share, b_share = ((base.a_share, base.b_share) if (a, b) == self._shown_shares else (a / 100, b / 100))
        try:
            return ScoreModel(**weights, a_share=a_share, b_share=b_share), ""
        except ValueError as exc:
            return None, f"Score: {exc}."

    def model(self) -> ScoreModel | None:
        return self.current()[0]

    def tier_counts(self, model: ScoreModel) -> dict[str, int]:
        """Accounts per tier under `model` (what OK would make), computed on the plan's accounts."""
        tier = self._tiers(model)
        return {t: int((tier == t).sum()) for t in TIERS}

    def _tiers(self, model: ScoreModel) -> np.ndarray:
        score = self._given
        if self._by_model.any():
            key = tuple(getattr(model, c) for c in COMPONENTS)
            if self._cache is None or self._cache[0] != key:  # a tier share alone needs no new scores
                assert self._accounts is not None
                score = self._given.copy()
                score[self._by_model] = compute_scores(self._accounts, model)[self._by_model]
                self._cache = (key, score)
            score = self._cache[1]
        return tiers(score, model)

    def _on_change(self) -> None:
        shown = {c: self.weights[c].value() for c in COMPONENTS}
        total = sum(shown.values())
        for c in COMPONENTS:
            self.shares[c].setText(f"= {shown[c] / total:.0%}" if total else "= –")
        a, b = self.a_share.value(), self.b_share.value()
        self.c_share.setText(f"the rest ({100 - a - b}%)" if a + b <= 100 else "none left")
        model, message = self.current()
        self.message.setText(message)
        self.message.setVisible(bool(message))
        self.formula.setVisible(model is not None)  # an empty line would leave a gap above the message
        self.counts.setVisible(model is not None and self._n > 0)
        if model is not None:
            words = model.describe()
            if self._from_export:
                words = "score = the export's column; " + words.split("; ", 1)[-1]
            self.formula.setText("Formula: " + words + ".")
            self._show_counts(model)
        self.changed.emit()

    def _show_counts(self, model: ScoreModel) -> None:
        if not self._n:
            return
        tier = self._tiers(model)
        parts = ", ".join(f"{t} {int((tier == t).sum()):,} ({(tier == t).mean():.0%})" for t in TIERS)
        moved = int((tier != self._tier_now).sum())
        change = f"{moved:,} account{'s' if moved != 1 else ''} change tier" if moved else "no tier changes"
        self.counts.setText(f"<b>With these settings:</b> {parts} — {change}.")
