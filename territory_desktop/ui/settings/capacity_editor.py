"""Balance Settings → Capacity: book-size norms per role, the suggested quota and the headcount assumptions.

Says live, on the plan when the dialog has one, how many books fall outside their norm and how many reps each
role has and needs under these assumptions, so a planner sees the effect before pressing OK. Values left as
shown give back exactly the numbers they were loaded from (no spurious undo step).
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDoubleSpinBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QStyledItemDelegate,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from territory_desktop.core import format as fmt
from territory_desktop.core import kpis
from territory_desktop.core.book_norms import match_norm
from territory_desktop.core.headcount import HeadcountSettings, headcount

if TYPE_CHECKING:
    from territory_desktop.core.plan import Plan
    from territory_desktop.core.settings import BalanceSettings

QUOTA_RANGE = (20, 40)
"""The suggested quota's share of potential, in percent: the range a territory's quota can be edited in."""
NEW_NORM = (100, 200)
"""The range a newly added role starts with (the Mid-Market norm: edit it to the role's own)."""
_MAX_BOOK = 100_000
_MUTED = "color: #5F6368;"
_ERROR = "color: #B3261E;"
_NAME, _FROM, _TO = range(3)


class Capacity(NamedTuple):
    """What this page edits: the three capacity fields of BalanceSettings."""

    book_norms: tuple[tuple[str, int, int], ...]
    headcount: HeadcountSettings
    quota_share: float


def _int_spin(lo: int, hi: int, value: int, suffix: str = "", step: int = 1) -> QSpinBox:
    s = QSpinBox()
    s.setRange(lo, hi)
    s.setSingleStep(step)
    s.setSuffix(suffix)
    s.setValue(value)
    s.setAlignment(Qt.AlignmentFlag.AlignRight)
    s.setAccelerated(True)
    s.setMinimumWidth(80)
    return s


def _money_spin(value: float) -> QDoubleSpinBox:
    s = QDoubleSpinBox()
    s.setRange(0, 1e12)
    s.setDecimals(0)
    s.setSingleStep(10_000)
    s.setPrefix("$")
    s.setGroupSeparatorShown(True)
    s.setSpecialValueText("not used")  # 0 = not planned by quota
    s.setValue(value)
    s.setAlignment(Qt.AlignmentFlag.AlignRight)
    s.setAccelerated(True)
    s.setMinimumWidth(160)
    return s


class _CountDelegate(QStyledItemDelegate):
    """From / To cells edited with a bounded whole-number spin box: a book size is never typed as text."""

    def createEditor(self, parent, option, index):  # noqa: N802 (Qt API)
        editor = _int_spin(0, _MAX_BOOK, 0)
        editor.setParent(parent)  # inside the cell, not a window of its own
        editor.setFrame(False)
        return editor

    def displayText(self, value, locale):  # noqa: N802 (Qt API)
        try:
            return f"{int(value):,}"
        except (TypeError, ValueError):
            return str(value)

    def setEditorData(self, editor, index):  # noqa: N802 (Qt API)
        editor.setValue(int(index.data(Qt.ItemDataRole.EditRole) or 0))

    def setModelData(self, editor, model, index):  # noqa: N802 (Qt API)
        editor.interpretText()
        model.setData(index, int(editor.value()), Qt.ItemDataRole.EditRole)


class CapacityEditor(QWidget):
    """Book norms (role, from, to), the quota share and the headcount assumptions; `current()` gives them."""

    changed = Signal()

    def __init__(self, settings: BalanceSettings, plan: Plan | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._plan = plan
        self._loading = True

        # ----- book norms
        self.norms_table = QTableWidget(0, 3)
        self.norms_table.setHorizontalHeaderLabels(["Role or segment", "From (accounts)", "To (accounts)"])
        self.norms_table.setAccessibleName("Accounts per rep by role")
        self.norms_table.verticalHeader().setVisible(False)
        self.norms_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.norms_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.norms_table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        delegate = _CountDelegate(self.norms_table)
        self.norms_table.setItemDelegateForColumn(_FROM, delegate)
        self.norms_table.setItemDelegateForColumn(_TO, delegate)
        hdr = self.norms_table.horizontalHeader()
        hdr.setSectionResizeMode(_NAME, QHeaderView.ResizeMode.Stretch)
        for c in (_FROM, _TO):
            hdr.setSectionResizeMode(c, QHeaderView.ResizeMode.Fixed)
            self.norms_table.setColumnWidth(c, hdr.fontMetrics().horizontalAdvance("From (accounts)") + 36)
        self.norms_table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.add_norm = QPushButton("A&dd role")
        self.add_norm.setToolTip("Add a role or segment with its own accounts-per-rep range")
        self.remove_norm = QPushButton("Remo&ve role")
        self.remove_norm.setToolTip("Remove the selected role's range")
        self.add_norm.clicked.connect(self.add_row)
        self.remove_norm.clicked.connect(self.remove_current_row)
        self.norms_table.itemChanged.connect(self._on_change)
        self.norms_table.itemSelectionChanged.connect(self._sync_remove)
        norms_hint = QLabel("A rep's role takes the range whose name it contains (\"Enterprise AE\" → Enterprise), "
                            "else the one of its book's main segment.")
        norms_hint.setWordWrap(True)
        norms_hint.setStyleSheet(_MUTED)
        buttons = QVBoxLayout()
        buttons.addWidget(self.add_norm)
        buttons.addWidget(self.remove_norm)
        buttons.addStretch(1)
        table_row = QHBoxLayout()
        table_row.addWidget(self.norms_table, 1)
        table_row.addLayout(buttons)
        norms_box = QGroupBox("Book size: accounts per rep")
        norms_lay = QVBoxLayout(norms_box)
        norms_lay.addLayout(table_row)
        norms_lay.addWidget(norms_hint)

        # ----- headcount
        self.utilisation = _int_spin(50, 100, 85, " %", step=5)
        self.utilisation.setToolTip("Share of a rep's capacity a plan should fill; the rest is room for new business")
        self.revenue_target = _money_spin(0)
        self.revenue_target.setToolTip("The number the plan has to bring in (not used: headcount by workload only)")
        self.quota_per_rep = _money_spin(0)
        self.quota_per_rep.setToolTip("One fully ramped rep's quota (not used: headcount by workload only)")
        self.attainment = _int_spin(10, 150, 90, " %", step=5)
        self.attainment.setToolTip("Share of quota the average rep makes")
        self.ramp = [_int_spin(0, 100, 100, " %", step=5) for _ in range(4)]
        ramp_row = QHBoxLayout()
        ramp_row.setSpacing(4)
        for q, s in enumerate(self.ramp, start=1):
            s.setAccessibleName(f"Productivity of a new hire in quarter {q}")
            s.setToolTip(f"A new hire's productivity in their quarter {q} (100% = fully ramped; later quarters "
                         "count fully)")
            if q > 1:
                ramp_row.addSpacing(10)
            ramp_row.addWidget(QLabel(f"Q{q}"))
            ramp_row.addWidget(s)
        ramp_row.addStretch(1)
        heads_box = QGroupBox("Headcount")
        grid = QGridLayout(heads_box)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(6)
        for row, col, text, field in ((0, 0, "Target &utilisation:", self.utilisation),
                                      (0, 2, "Expected &attainment:", self.attainment),
                                      (1, 0, "Revenue tar&get:", self.revenue_target),
                                      (1, 2, "Quota &per rep:", self.quota_per_rep)):
            label = QLabel(text)
            label.setBuddy(field)
            grid.addWidget(label, row, col)
            grid.addWidget(field, row, col + 1, Qt.AlignmentFlag.AlignLeft)
        ramp_label = QLabel("&New-hire ramp:")
        ramp_label.setBuddy(self.ramp[0])
        grid.addWidget(ramp_label, 2, 0)
        grid.addLayout(ramp_row, 2, 1, 1, 4)
        grid.setColumnMinimumWidth(2, 0)
        grid.setColumnStretch(4, 1)
        heads_hint = QLabel("Reps needed = the larger of workload ÷ (capacity × utilisation) and, when both "
                            "amounts are set, the role's share of the revenue target ÷ (quota × attainment).")
        heads_hint.setWordWrap(True)
        heads_hint.setStyleSheet(_MUTED)
        grid.addWidget(heads_hint, 3, 0, 1, 5)

        # ----- quota
        self.quota_share = _int_spin(*QUOTA_RANGE, 30, " %")
        self.quota_share.setAccessibleName("Suggested quota, percent of potential")
        self.quota_share.setToolTip(f"Between {QUOTA_RANGE[0]}% and {QUOTA_RANGE[1]}% of a territory's potential")
        quota_row = QHBoxLayout()
        quota_label = QLabel("Suggested &quota =")
        quota_label.setBuddy(self.quota_share)
        quota_row.addWidget(quota_label)
        quota_row.addWidget(self.quota_share)
        quota_row.addWidget(QLabel("of each territory's potential"))
        quota_row.addStretch(1)
        quota_why = QLabel("The same share of every book's potential is fair by construction once potential is "
                           f"balanced; each quota can then be edited within {QUOTA_RANGE[0]}–{QUOTA_RANGE[1]}% "
                           "of its potential.")
        quota_why.setWordWrap(True)
        quota_why.setStyleSheet(_MUTED)
        quota_box = QGroupBox("Quota")
        quota_lay = QVBoxLayout(quota_box)
        quota_lay.addLayout(quota_row)
        quota_lay.addWidget(quota_why)

        # ----- live lines
        self.message = QLabel()
        self.message.setObjectName("capacityMessage")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(_ERROR)
        self.preview = QLabel()
        self.preview.setObjectName("capacityPreview")
        self.preview.setWordWrap(True)
        self.preview.setTextFormat(Qt.TextFormat.RichText)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 12, 12, 12)
        lay.setSpacing(10)
        lay.addWidget(norms_box)
        lay.addWidget(heads_box)
        lay.addWidget(quota_box)
        lay.addWidget(self.message)
        lay.addWidget(self.preview)
        lay.addStretch(1)

        for s in (self.quota_share, self.utilisation, self.revenue_target, self.quota_per_rep, self.attainment,
                  *self.ramp):
            s.valueChanged.connect(self._on_change)
        self._loading = False
        self.load(settings)

    # ----- book norms table ------------------------------------------------------------------------------
    def _set_row(self, r: int, name: str, lo: int, hi: int) -> None:
        self.norms_table.setItem(r, _NAME, QTableWidgetItem(name))
        for c, v in ((_FROM, lo), (_TO, hi)):
            item = QTableWidgetItem()
            item.setData(Qt.ItemDataRole.EditRole, int(v))
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.norms_table.setItem(r, c, item)

    def add_row(self) -> None:
        """A new role at the end, its name cell open for typing."""
        r = self.norms_table.rowCount()
        self.norms_table.blockSignals(True)
        self.norms_table.insertRow(r)
        self._set_row(r, "", *NEW_NORM)
        self.norms_table.blockSignals(False)
        self.norms_table.setCurrentCell(r, _NAME)
        self.norms_table.setFocus()
        self.norms_table.editItem(self.norms_table.item(r, _NAME))
        self._on_change()

    def remove_current_row(self) -> None:
        r = self.norms_table.currentRow()
        if 0 <= r < self.norms_table.rowCount():
            self.norms_table.removeRow(r)
            self._on_change()
        self._sync_remove()

    def _fit_table(self) -> None:
        """Tall enough for every row up to six (then it scrolls), and never shorter than three."""
        rows = min(max(self.norms_table.rowCount(), 3), 6)
        frame = 2 * self.norms_table.frameWidth()
        self.norms_table.setFixedHeight(self.norms_table.horizontalHeader().sizeHint().height()
                                        + rows * self.norms_table.verticalHeader().defaultSectionSize() + frame)

    def _sync_remove(self) -> None:
        self._fit_table()
        self.remove_norm.setEnabled(bool(self.norms_table.selectionModel().selectedRows()))

    def norm_row(self, name: str) -> int:
        """Row of a role in the norms table (-1 if absent): lets a test or the window point at it."""
        for r in range(self.norms_table.rowCount()):
            if self.norms_table.item(r, _NAME).text().strip() == name:
                return r
        return -1

    def _norms(self) -> tuple[tuple[tuple[str, int, int], ...] | None, str]:
        out: list[tuple[str, int, int]] = []
        seen: set[str] = set()
        for r in range(self.norms_table.rowCount()):
            name = self.norms_table.item(r, _NAME).text().strip()
            if not name:
                return None, f"Book size: name the role or segment in row {r + 1}."
            if name.casefold() in seen:
                return None, f"Book size: {name} is listed more than once; keep one range per role."
            seen.add(name.casefold())
            try:
                lo, hi = (int(self.norms_table.item(r, c).data(Qt.ItemDataRole.EditRole)) for c in (_FROM, _TO))
            except (TypeError, ValueError):
                return None, f"Book size: the range of {name} must be whole numbers of accounts."
            if lo > hi:
                return None, f"Book size: {name} goes from {lo:,} to {hi:,} accounts; 'from' cannot be above 'to'."
            out.append((name, lo, hi))
        return tuple(out), ""

    # ----- state -----------------------------------------------------------------------------------------
    def load(self, settings: BalanceSettings) -> None:
        """Show the capacity fields of `settings` (Restore Defaults too)."""
        self._loading = True
        self._base = Capacity(settings.book_norms, settings.headcount, settings.quota_share)
        self.norms_table.blockSignals(True)
        self.norms_table.setRowCount(len(settings.book_norms))
        for r, (name, lo, hi) in enumerate(settings.book_norms):
            self._set_row(r, name, lo, hi)
        self.norms_table.blockSignals(False)
        self.norms_table.clearSelection()
        hc = settings.headcount
        ramp = list(hc.ramp[:4]) + [1.0] * max(0, 4 - len(hc.ramp))  # quarters past the list are fully ramped
        for s, v in ((self.quota_share, settings.quota_share * 100), (self.utilisation, hc.target_utilisation * 100),
                     (self.attainment, hc.attainment * 100), *zip(self.ramp, (r * 100 for r in ramp), strict=True)):
            s.setValue(round(v))
        self.revenue_target.setValue(hc.revenue_target)
        self.quota_per_rep.setValue(hc.quota_per_rep)
        self._shown = self._values()  # what the widgets show for the base, after their rounding and bounds
        self._shown_norms = self._norms()[0]
        self._loading = False
        self._sync_remove()
        self._on_change()

    def _values(self) -> dict[str, float]:
        """Every number field as shown (ramp quarters as ramp1..ramp4)."""
        out = {"quota_share": self.quota_share.value(), "target_utilisation": self.utilisation.value(),
               "revenue_target": self.revenue_target.value(), "quota_per_rep": self.quota_per_rep.value(),
               "attainment": self.attainment.value()}
        out.update({f"ramp{q}": s.value() for q, s in enumerate(self.ramp, start=1)})
        return out

    def current(self) -> tuple[Capacity | None, str]:
        """The capacity fields the widgets describe, or (None, why they are not valid)."""
        norms, message = self._norms()
        if norms is None:
            return None, message
        base = self._base
        if norms == self._shown_norms:
            norms = base.book_norms
        shown, now = self._shown, self._values()
        hc = base.headcount

        def pick(key: str, base_value: float, scale: float) -> float:
            """The loaded value while the field still shows it (no rounding drift), else what is shown."""
            return base_value if now[key] == shown[key] else float(now[key]) / scale

        ramp_keys = [f"ramp{q}" for q in range(1, len(self.ramp) + 1)]
        same_ramp = all(now[k] == shown[k] for k in ramp_keys)
        ramp = hc.ramp if same_ramp else tuple(now[k] / 100 for k in ramp_keys)
        try:
            heads = HeadcountSettings(
                target_utilisation=pick("target_utilisation", hc.target_utilisation, 100),
                revenue_target=pick("revenue_target", hc.revenue_target, 1),
                quota_per_rep=pick("quota_per_rep", hc.quota_per_rep, 1),
                attainment=pick("attainment", hc.attainment, 100), ramp=ramp)
        except ValueError as exc:
            return None, f"Headcount: {exc}."
        if heads == hc:
            heads = hc
        return Capacity(norms, heads, pick("quota_share", base.quota_share, 100)), ""

    def _on_change(self) -> None:
        if self._loading:
            return
        capacity, message = self.current()
        self.message.setText(message)
        self.message.setVisible(bool(message))
        self.preview.setVisible(capacity is not None and self._plan is not None)
        if capacity is not None and self._plan is not None:
            self.preview.setText(self._preview_text(self._plan, capacity))
        self.changed.emit()

    # ----- live preview on the plan ----------------------------------------------------------------------
    def _preview_text(self, plan: Plan, capacity: Capacity) -> str:
        lines = [_norms_line(plan, capacity.book_norms)]
        heads = headcount(plan, capacity.headcount)
        if heads:
            lines.append(escape("; ".join(h.words for h in heads)) + ".")
        act = plan.active_territories()
        if len(act) and "potential" in plan.measure_names:
            pot = float(kpis.measure_totals(plan, "potential")[act].sum())
            lines.append(f"Suggested quotas total {fmt.money(capacity.quota_share * pot)} "
                         f"({fmt.percent(capacity.quota_share)} of {fmt.money(pot)} potential).")
        return "<b>With these settings:</b> " + "<br>".join(lines)


def _norms_line(plan: Plan, norms: tuple[tuple[str, int, int], ...]) -> str:
    """'4 of 5 books within their norm (1 above)', each territory's norm found as core.book_norms.norm_for does
    but with the norms shown rather than the plan's."""
    counts = plan.kpis.counts
    seg = plan.kpis.seg_counts
    judged = above = below = 0
    for t in plan.active_territories().tolist():
        norm = match_norm(plan.territories[t].role, norms)
        if norm is None and len(seg[t]) and seg[t].max() > 0:
            norm = match_norm(plan.segment_names[int(seg[t].argmax())], norms)
        if norm is None:
            continue
        judged += 1
        above += int(counts[t] > norm[1])
        below += int(counts[t] < norm[0])
    if not judged:
        return "no book matches a norm by its role or segment."
    inside = judged - above - below
    off = ", ".join(p for p in (f"{above} above" if above else "", f"{below} below" if below else "") if p)
    books = f"{judged} book" + ("" if judged == 1 else "s")
    return f"{inside} of {books} within their norm" + (f" ({off})" if off else "") + "."
