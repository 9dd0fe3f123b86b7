"""The plan's health in the status bar: balance, spread, disruption since the baseline, loose ends.

It reads `kpis.plan_health(plan)` (the core's numbers; nothing is recomputed here) after every change event, so
the planner sees the consequence of a drop in the same frame as the table and the panel.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

from territory_desktop.core import format as fmt
from territory_desktop.core import kpis
from territory_desktop.core.activity import UNTOUCHED_DAYS
from territory_desktop.core.kpis import PlanHealth
from territory_desktop.core.plan import Plan, PlanChange
from territory_desktop.core.workload import SCALE
from territory_desktop.ui.territories.model import MEASURE_TITLES
from territory_desktop.ui.theme.style import BAND_COLORS, BORDER


def _sep() -> QFrame:
    line = QFrame()
    line.setFrameShape(QFrame.Shape.VLine)
    line.setStyleSheet(f"color: {BORDER};")
    return line


class HealthStatus(QWidget):
    """Permanent status-bar widget: in-band pill, max deviation, CV, moved vs baseline, unassigned."""

    def __init__(self, plan: Plan, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan = plan
        self.health: PlanHealth | None = None
        self.band = QLabel()
        self.band.setObjectName("healthPill")
        self.deviation = QLabel()
        self.cv = QLabel()
        self.moved = QLabel()
        self.loose = QLabel()
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 4, 0)
        lay.setSpacing(4)
        for i, w in enumerate((self.band, self.deviation, self.cv, self.moved, self.loose)):
            if i:
                lay.addWidget(_sep())
            lay.addWidget(w)
        self._sep_loose = lay.itemAt(lay.count() - 2).widget()
        plan.changed.connect(self._on_change)
        self.refresh()

    def set_plan(self, plan: Plan) -> None:
        self.plan.changed.disconnect(self._on_change)
        self.plan = plan
        plan.changed.connect(self._on_change)
        self.refresh()

    def detach(self) -> None:
        self.plan.changed.disconnect(self._on_change)

    def _on_change(self, change: PlanChange) -> None:
        if change.kind != "locks":
            self.refresh()

    def refresh(self) -> None:
        h = self.health = kpis.plan_health(self.plan)
        out = h.out_of_band
        if h.territories == 0:
            status, text = "near", "No territories yet"
        elif out:
            status, text = "out", f"{out} of {h.territories} out of band"
        else:
            status, text = "in", f"All {h.territories} in band"
        fg, bg = BAND_COLORS[status]
        self.band.setText(text)
        self.band.setStyleSheet(f"color: {fg}; background: {bg}; font-weight: 600;")
        self.band.setToolTip("Territories whose balanced measures (or capacity, when hard) are outside "
                             "their tolerance band")
        measure = MEASURE_TITLES.get(h.primary_measure, h.primary_measure).lower()
        self.deviation.setText(f"Max deviation ±{fmt.percent(h.max_deviation)} {measure}")
        self.deviation.setToolTip("The largest gap between a territory's primary measure and its fair share")
        self.cv.setText(f"CV {h.cv:.2f}")
        self.cv.setToolTip("Coefficient of variation of the primary measure across territories "
                           "(0 = perfectly even)")
        if h.moved_accounts:
            noun = "account" if h.moved_accounts == 1 else "accounts"
            self.moved.setText(f"Moved {fmt.count(h.moved_accounts)} {noun} · {fmt.money(h.moved_potential)} "
                               f"({fmt.percent(h.moved_potential_share, 1 if h.moved_potential_share < 0.1 else 0)})")
        else:
            self.moved.setText("No accounts moved")
        self.moved.setToolTip("Accounts owned by another territory than at import, their potential and its "
                              "share of all potential")
        loose = []
        if h.unassigned:
            loose.append(f"{fmt.count(h.unassigned)} unassigned")
        if h.over_capacity:
            loose.append(f"{h.over_capacity} over capacity")
        if h.unplaced:
            loose.append(f"{fmt.count(h.unplaced)} without location")
        if h.untouched:
            loose.append(f"{fmt.count(h.untouched)} untouched {UNTOUCHED_DAYS}d+")
        self.loose.setText(" · ".join(loose))
        self.loose.setStyleSheet(f"color: {BAND_COLORS['near'][0]};" if loose else "")
        self.loose.setVisible(bool(loose))
        self._sep_loose.setVisible(bool(loose))


class Notice(QFrame):
    """A non-modal message card in the window's corner (a refused move, an import note); fades after a while.

    It never takes focus, so a planner dragging accounts is not interrupted; the same text also goes to the
    status bar, and the close button (or Esc on the window) dismisses it.
    """

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("notice")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.text = QLabel()
        self.text.setObjectName("noticeText")
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QToolButton()
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip("Dismiss")
        close.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        close.clicked.connect(self.hide)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(12, 10, 6, 10)
        lay.setSpacing(8)
        lay.addWidget(self.text, 1)
        lay.addWidget(close, 0, Qt.AlignmentFlag.AlignVCenter)
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self.hide)
        self.hide()

    def show_message(self, text: str, kind: str = "error", seconds: float = 8.0) -> None:
        self.setProperty("kind", kind)
        self.style().unpolish(self)
        self.style().polish(self)
        self.text.setText(text)
        self.setAccessibleName(text)
        self.place()
        self.show()
        self.raise_()
        self._timer.start(int(seconds * 1000))

    def place(self) -> None:
        """Bottom-right corner of the parent, above the status bar."""
        parent = self.parentWidget()
        if parent is None:
            return
        width = min(420, max(260, parent.width() // 3))
        self.setFixedWidth(width)
        m = self.layout().contentsMargins()
        text_w = width - m.left() - m.right() - self.layout().spacing() - 28
        self.setFixedHeight(max(44, self.text.heightForWidth(text_w) + m.top() + m.bottom()))
        bar = getattr(parent, "statusBar", None)
        bottom = parent.height() - (bar().height() if callable(bar) else 0) - 12
        self.move(parent.width() - width - 16, bottom - self.height())


class SelectionSummary(QLabel):
    """"12 selected · $1.2M potential · 2 locked": what a move of the current selection would carry."""

    def show_rows(self, plan: Plan, rows) -> None:  # noqa: ANN001 — int64 array of plan rows
        n = len(rows)
        if not n:
            self.clear()
            self.hide()
            return
        pot = plan.measure_values[rows, plan.measure_names.index("potential")].sum() / SCALE
        text = f"{fmt.count(n)} selected · {fmt.money(pot)} potential"
        locked = int(plan.locked[rows].sum())
        if locked:
            text += f" · {fmt.count(locked)} locked"
        self.setText(text)
        self.setToolTip("The selected accounts (Ctrl+M moves them, or drag them onto a territory)")
        self.show()
