"""The top of the co-pilot dock: what the solver is doing (state word, its explanation, Pause) and how far along.

Kept apart from the list because it only reads the client's `statusChanged` / `progress` signals and words them;
it holds no suggestions. A rules conflict that is only the change budget reads as a limit, not as a conflict.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from territory_desktop.core.format import percent
from territory_desktop.solver.copilot.messages import is_budget_hint
from territory_desktop.ui.copilot.sparkline import Sparkline
from territory_desktop.ui.theme.style import ACCENT, MUTED, SPACING

STATE_COLORS = {"running": ACCENT, "idle": "#1E6B34", "infeasible": "#8A5300", "error": "#B3261E",
                "paused": "#8A929C"}
STATE_WORDS = {"running": "Working", "idle": "Up to date", "infeasible": "Rules conflict",
               "error": "Solver problem", "paused": "Paused"}
BUDGET_WORD = "Limited by change budget"
"""The state word when the solver's only explanation is the budget hint: no rule conflicts, the change budget
held the search back. Neither a rules conflict nor proven infeasibility, so it must not read as one."""
BUDGET_HOW = ("The suggestions are the best plan within the budget. To let the co-pilot move more accounts, "
              "raise Change budget below the list or in Edit → Balance Settings… → Rules.")


class StatusHeader(QWidget):
    """"● Working [Pause]", the solver's explanation beneath, then the objective trend and how close it is."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._last_elapsed = math.inf
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(SPACING + 2)
        head = QHBoxLayout()
        head.setSpacing(SPACING)
        self.dot = QLabel("●")
        self.state_label = QLabel()
        f = self.state_label.font()
        f.setBold(True)
        self.state_label.setFont(f)
        self.pause_button = QPushButton("Pause")
        self.pause_button.setCheckable(True)
        self.pause_button.setToolTip("Stop the co-pilot from looking for new suggestions")
        head.addWidget(self.dot)
        head.addWidget(self.state_label)
        head.addStretch(1)
        head.addWidget(self.pause_button)
        outer.addLayout(head)
        self.detail_label = QLabel()
        self.detail_label.setWordWrap(True)
        self.detail_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail_label.setStyleSheet(f"color: {MUTED};")
        outer.addWidget(self.detail_label)
        trend = QHBoxLayout()
        trend.setSpacing(SPACING)
        self.sparkline = Sparkline()
        self.sparkline.setFixedWidth(120)
        self.sparkline.setToolTip("How far the co-pilot's best plan is from an ideal one, as it searches (lower "
                                  "is better): band violations weigh most, then accounts moved and travel. "
                                  "The dashed line is the best any plan could reach, when it is known.")
        self.objective_label = QLabel("—")
        self.objective_label.setWordWrap(True)
        self.objective_label.setStyleSheet(f"color: {MUTED};")
        trend.addWidget(self.sparkline)
        trend.addWidget(self.objective_label, 1)
        outer.addLayout(trend)

    def show_status(self, state: str, detail: str) -> None:
        """Colour the dot, word the state and the solver's explanation; Pause reads Resume while paused."""
        colour = STATE_COLORS.get(state, MUTED)
        self.dot.setStyleSheet(f"color: {colour};")
        lines = [x for x in detail.splitlines() if x.strip()]
        limited = state == "infeasible" and bool(lines) and all(is_budget_hint(x) for x in lines)
        self.state_label.setText(BUDGET_WORD if limited else STATE_WORDS.get(state, state.capitalize()))
        if limited:
            detail = "\n".join([*lines, BUDGET_HOW])
        elif state == "infeasible":
            detail = "These rules cannot all hold:\n" + "\n".join(f"•  {x}" for x in lines)
        self.detail_label.setText(detail)
        self.pause_button.blockSignals(True)
        self.pause_button.setChecked(state == "paused")
        self.pause_button.setText("Resume" if state == "paused" else "Pause")
        self.pause_button.blockSignals(False)

    def show_progress(self, objective: float, bound: object, elapsed: float) -> None:
        """Add the job's best objective to the trend and say how long it took and how close it is."""
        restart = elapsed < self._last_elapsed
        self._last_elapsed = elapsed
        b = float(bound) if isinstance(bound, int | float) else None
        self.sparkline.add(objective, b, restart)
        # the objective's raw size ("score 3.1M") means nothing to a planner; how long and how close does
        text = f"Best plan so far after {elapsed:,.1f} s"
        if b is not None and objective > 0:
            gap = max((objective - b) / abs(objective), 0.0)
            text += (" · proved the best possible" if gap < 5e-4
                     else f" · within {percent(gap, 1)} of the best possible")
        self.objective_label.setText(text)
        self.objective_label.setToolTip(f"The co-pilot's penalty for its best plan: {_compact(objective)}"
                                        + (f", at least {_compact(b)} for any plan" if b is not None else "")
                                        + ". Lower is better: band violations first, then disruption and distance.")


def _compact(v: float) -> str:
    """1,234 / 12.3k / 4.5M: a score's size at a glance, not its digits."""
    if not math.isfinite(v):
        return "—"
    a = abs(v)
    for limit, unit, suffix in ((1e12, 1e12, "T"), (1e9, 1e9, "B"), (1e6, 1e6, "M"), (1e4, 1e3, "k")):
        if a >= limit:
            return f"{v / unit:,.1f}{suffix}"
    return f"{v:,.0f}" if a >= 100 else f"{v:.3g}"
