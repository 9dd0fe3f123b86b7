"""The plan's health in the status bar: balance, spread, disruption since the baseline, loose ends.

It reads `kpis.plan_health(plan)` (the core's numbers; nothing is recomputed here) after every change event, so
the planner sees the consequence of a drop in the same frame as the table and the panel. The maximum deviation
is worded by `core/band_words.py`, so it reads as out of band exactly when the pill counts it out.

The figures are permanent widgets, and QStatusBar gives a passing message ("Moved 1 account to …") only the
room they leave: at 1366 px that cut it to "Moved 1 accour". So while a message shows, the figures step down to
shorter forms (CV hidden, "Max ±60% potential", "Moved 12") until the message fits, and come back in full
when it goes.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QStatusBar, QToolButton, QWidget

from territory_desktop.core import format as fmt
from territory_desktop.core import kpis
from territory_desktop.core.activity import UNTOUCHED_DAYS
from territory_desktop.core.band_words import deviation_text
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
        self._sep_cv = lay.itemAt(3).widget()
        self._compact = 0
        """0: every figure in full; 1: no CV, short deviation; 2: short moved; 3: short loose ends."""
        self._bar: QStatusBar | None = None
        self._fitting = False
        plan.changed.connect(self._on_change)
        self.refresh()

    # ----- making room for the status bar's messages ------------------------------------------------------
    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ParentChange:
            self._follow_bar()
        return super().event(event)

    def _follow_bar(self) -> None:
        parent = self.parentWidget()
        while parent is not None and not isinstance(parent, QStatusBar):
            parent = parent.parentWidget()
        if parent is self._bar:
            return
        if self._bar is not None:
            self._bar.messageChanged.disconnect(self._fit_message)
            self._bar.removeEventFilter(self)
        self._bar = parent
        if parent is not None:
            parent.messageChanged.connect(self._fit_message)
            parent.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if watched is self._bar and event.type() == QEvent.Type.Resize:
            QTimer.singleShot(0, lambda: self._fit_message(self._bar.currentMessage() if self._bar else ""))
        return False

    def _fit_message(self, message: str) -> None:
        """Step the figures down until `message` fits beside them (back to full when there is none)."""
        bar = self._bar
        if bar is None or self._fitting:
            return
        self._fitting = True  # compacting the selection's label calls back here
        try:
            need = QFontMetrics(bar.font()).horizontalAdvance(message) + 24 if message else 0
            for level in range(4):
                self._set_compact(level)
                if not message or self._room(bar) >= need:
                    return
        finally:
            self._fitting = False

    def refit(self) -> None:
        """Fit the current message again (the selection's label beside us changed its width)."""
        if self._bar is not None:
            self._fit_message(self._bar.currentMessage())

    def _room(self, bar: QStatusBar) -> int:
        """Width left of the permanent widgets once they take their preferred width."""
        used = self.sizeHint().width() + 12
        for summary in self._summaries():
            if summary.isVisibleTo(bar):
                used += summary.sizeHint().width() + 12
        grip = 16 if bar.isSizeGripEnabled() else 0
        return bar.width() - used - grip

    def _set_compact(self, level: int) -> None:
        if level == self._compact:
            return
        self._compact = level
        self.refresh()
        for summary in self._summaries():
            summary.set_compact(level >= 3)
        self.layout().activate()

    def _summaries(self) -> list[SelectionSummary]:
        """The selection's label beside us, compacted with the figures when a message needs the room."""
        return self._bar.findChildren(SelectionSummary) if self._bar is not None else []

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
        primary = self.plan.settings.primary
        worst = deviation_text(h.max_deviation, primary.band, self.plan.settings.near_fraction, signed=False)
        compact = self._compact
        self.deviation.setText(f"Max ±{worst} {measure}" if compact >= 1
                               else f"Max deviation ±{worst} {measure}")
        self.deviation.setToolTip(f"The largest gap between a territory's {measure} and its fair share "
                                  f"(band ±{fmt.percent(primary.band)})")
        self.cv.setText(f"CV {h.cv:.2f}")
        self.cv.setToolTip("Coefficient of variation of the primary measure across territories "
                           "(0 = perfectly even)")
        self.cv.setVisible(compact < 1)
        self._sep_cv.setVisible(compact < 1)
        share = h.moved_potential_share
        share_text = "<0.1%" if 0 < share < 0.001 else fmt.percent(share, 1 if share < 0.1 else 0)
        if h.moved_accounts:
            noun = "account" if h.moved_accounts == 1 else "accounts"
            self.moved.setText(f"Moved {fmt.count(h.moved_accounts)}" if compact >= 2 else
                               f"Moved {fmt.count(h.moved_accounts)} {noun} · {fmt.money(h.moved_potential)} "
                               f"({share_text})")
        else:
            self.moved.setText("None moved" if compact >= 2 else "No accounts moved")
        self.moved.setToolTip(f"{fmt.count(h.moved_accounts)} accounts owned by another territory than at "
                              f"import, {fmt.money(h.moved_potential)} potential ({share_text} of all potential)")
        loose = []
        if h.unassigned:
            loose.append(f"{fmt.count(h.unassigned)} unassigned")
        if h.over_capacity:
            loose.append(f"{h.over_capacity} over cap." if compact >= 3 else f"{h.over_capacity} over capacity")
        if h.unplaced:
            loose.append(f"{fmt.count(h.unplaced)} unplaced" if compact >= 3
                         else f"{fmt.count(h.unplaced)} without location")
        if h.untouched:
            loose.append(f"{fmt.count(h.untouched)} untouched {UNTOUCHED_DAYS}d+")
        self.loose.setText(" · ".join(loose))
        self.loose.setToolTip("Unassigned accounts, territories over capacity, accounts without a location"
                              + (f" and accounts untouched for {UNTOUCHED_DAYS} days or more" if h.untouched else ""))
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

    _compact = False
    _last: tuple[Plan, object] | None = None

    def set_compact(self, compact: bool) -> None:
        """"12 selected" alone, when a status message needs the room."""
        if compact != self._compact:
            self._compact = compact
            if self._last is not None:
                self.show_rows(*self._last)

    def show_rows(self, plan: Plan, rows) -> None:  # noqa: ANN001 — int64 array of plan rows
        self._last = (plan, rows)
        n = len(rows)
        if not n:
            self.clear()
            self.hide()
            self._refit_neighbours()
            return
        pot = plan.measure_values[rows, plan.measure_names.index("potential")].sum() / SCALE
        text = f"{fmt.count(n)} selected · {fmt.money(pot)} potential"
        locked = int(plan.locked[rows].sum())
        if locked:
            text += f" · {fmt.count(locked)} locked"
        self.setText(f"{fmt.count(n)} selected" if self._compact else text)
        self.setToolTip("The selected accounts (Ctrl+M moves them, or drag them onto a territory)")
        self.show()
        self._refit_neighbours()

    def _refit_neighbours(self) -> None:
        parent = self.parentWidget()
        if parent is not None:
            for health in parent.findChildren(HealthStatus):
                health.refit()
