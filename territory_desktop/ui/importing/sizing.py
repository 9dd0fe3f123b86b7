"""Segments & potential, before the import: the rules and the model the import will apply, and what they give.

An export without a potential column gets its potential from the potential model, and rows without a segment
get one from the size thresholds. Both are guesses a planner must be able to see and change before the plan
exists, so this panel shows them as editable fields, the formula in words and, live for the mapped columns,
the resulting segment counts and potential distribution. It reads the rows the dialog already holds (the
whole file when it is small, else its first rows, and says which), with the importer's own parsers, so the
numbers match what the import will produce.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from territory_desktop.core import format as fmt
from territory_desktop.core.potential import PotentialModel, estimate_potential
from territory_desktop.core.segments import SEGMENTS, SegmentRules, segment_by_size, segment_counts
from territory_desktop.core.wording import counted
from territory_desktop.io.importing import values as V
from territory_desktop.io.importing.accounts import reject_rows
from territory_desktop.io.importing.problems import NOTE
from territory_desktop.io.importing.reps import person_key
from territory_desktop.ui.theme.millions_spin import MillionsSpin

_MUTED = "color: #5B636E;"
_NUMERIC_FIELDS = ("potential", "pipeline", "employees", "revenue", "lat", "lon")
"""The columns the importer's decimal-comma vote looks at (io/importing/accounts.py): the same vote here."""


@dataclass
class Sizing:
    """What the rules and the model give on the rows at hand (the panel's numbers, kept for tests)."""

    rows_read: int
    accounts: int
    """Rows the import would keep (not empty, with an id, first of their id)."""
    complete: bool
    """True when the rows are the whole file, False for its first rows only."""
    segments: dict[str, int] = field(default_factory=dict)
    by_rules: int = 0
    """Accounts whose segment comes from the thresholds (no segment column, or a blank cell in it)."""
    unsized: int = 0
    """Of those, accounts with neither employees nor revenue: SMB."""
    segment_column: str = ""
    potential_column: str = ""
    size_columns: tuple[str, ...] = ()
    potential: np.ndarray = field(default_factory=lambda: np.zeros(0))
    """Each kept account's potential (NaN where a potential column is blank)."""
    basis: dict[str, int] = field(default_factory=dict)
    owners: int = 0
    seconds: float = 0.0
    """Time to apply the rules and the model (parsing the columns is timed in SizeColumns)."""
    skipped: int = 0
    """Rows that are no account (blank lines, a report footer): left out, not rejected; the others of
    rows_read - accounts are rejected (no id, a repeated id)."""

    @property
    def known(self) -> np.ndarray:
        return self.potential[np.isfinite(self.potential)]

    def stat(self, name: str) -> float:
        """"min", "median", "p90", "max" or "total" of the known potentials (NaN when there are none)."""
        v = self.known
        if not len(v):
            return 0.0 if name == "total" else float("nan")
        return float({"min": np.min, "median": np.median, "p90": lambda x: np.percentile(x, 90),
                      "max": np.max, "total": np.sum}[name](v))

    @property
    def per_territory(self) -> float | None:
        """Total potential over the number of distinct owners (the fair share of each book), if owners."""
        return self.stat("total") / self.owners if self.owners else None


@dataclass
class SizeColumns:
    """The mapped columns parsed once per file and mapping; editing a rule or the model reuses them."""

    used: dict[str, str]
    rows_read: int
    complete: bool
    employees: np.ndarray
    revenue: np.ndarray
    given_segment: np.ndarray | None
    """The segment column's cells in the workload model's names ("" where blank), if mapped."""
    given_potential: np.ndarray | None
    industry: np.ndarray
    status: np.ndarray
    owners: int
    seconds: float
    skipped: int = 0
    """Rows that are no account (blank, a report footer), as the import's notes count them."""

    @property
    def accounts(self) -> int:
        return len(self.employees)


def parse_size_columns(df: pd.DataFrame, mapping: dict[str, str], complete: bool = True) -> SizeColumns:
    """The rows the import would keep, with the columns sizing needs parsed as build_accounts parses them."""
    t0 = time.perf_counter()
    used = {f: c for f, c in mapping.items() if c and c in df.columns}
    skipped = 0
    if "account_id" in used or "name" in used:
        keep, left_out = reject_rows(df, used, "")
        skipped = sum(1 for p in left_out if p.severity == NOTE)
        src = df.iloc[np.flatnonzero(keep)].reset_index(drop=True)
    else:
        src = df.reset_index(drop=True)
    n = len(src)
    dc = V.uses_decimal_comma([src[used[f]] for f in _NUMERIC_FIELDS if f in used])

    def numbers(f: str) -> np.ndarray | None:
        if f not in used:
            return None
        parse = V.parse_employee_counts if f == "employees" else V.parse_numbers
        return parse(src[used[f]], dc)[0]

    def text(f: str) -> np.ndarray:
        if f not in used:
            return np.full(n, "", dtype=object)
        return V.enum_words(V.clean_text(src[used[f]])).to_numpy(dtype=object)

    nan = np.full(n, np.nan)
    emp, rev = numbers("employees"), numbers("revenue")
    given = None
    if "segment" in used:
        given = V.parse_segment(V.clean_text(src[used["segment"]])).to_numpy(dtype=object)
    owners = 0
    if "owner" in used:
        names = V.clean_text(src[used["owner"]])
        owners = len({k for k in (person_key(o) for o in pd.unique(names)) if k})
    return SizeColumns(used, len(df), complete, nan if emp is None else emp, nan if rev is None else rev,
                       given, numbers("potential"), text("industry"), text("status"), owners,
                       time.perf_counter() - t0, skipped)


def size_accounts(cols: SizeColumns, rules: SegmentRules, model: PotentialModel) -> Sizing:
    """Segments and potential of the parsed rows under `rules` and `model` (cheap: no text parsing)."""
    t0 = time.perf_counter()
    used, n = cols.used, cols.accounts
    sized, size_basis = segment_by_size(cols.employees, cols.revenue, rules)
    by_rules = np.ones(n, dtype=bool)
    if cols.given_segment is not None:
        by_rules = cols.given_segment == ""
        sized = np.where(by_rules, sized, cols.given_segment)
    if cols.given_potential is not None:
        potential = cols.given_potential
        basis = {"column": int(np.isfinite(potential).sum()), "none": int((~np.isfinite(potential)).sum())}
    else:
        potential, how = estimate_potential(cols.employees, cols.revenue, cols.industry, cols.status, model)
        basis = {k: int((how == k).sum()) for k in ("employees", "revenue", "none")}
    return Sizing(cols.rows_read, n, cols.complete, segment_counts(sized) if n else {}, int(by_rules.sum()),
                  int((by_rules & (size_basis == "none")).sum()), used.get("segment", ""),
                  used.get("potential", ""), tuple(used[f] for f in ("employees", "revenue") if f in used),
                  potential, basis, cols.owners, time.perf_counter() - t0, cols.skipped)


def compute_sizing(df: pd.DataFrame, mapping: dict[str, str], rules: SegmentRules, model: PotentialModel,
                   complete: bool = True) -> Sizing:
    """Segments and potential of `df` (cells as read) under `mapping`, as build_accounts would decide them."""
    return size_accounts(parse_size_columns(df, mapping, complete), rules, model)


def _spin(lo: float, hi: float, value: float, decimals: int, step: float, prefix: str = "",
          suffix: str = "") -> QDoubleSpinBox:
    """A bounded number field with a positive minimum: an invalid rule or model cannot be typed."""
    s = QDoubleSpinBox()
    s.setRange(lo, hi)
    s.setDecimals(decimals)
    s.setSingleStep(step)
    s.setPrefix(prefix)
    s.setSuffix(suffix)
    s.setValue(value)
    s.setGroupSeparatorShown(True)
    s.setAlignment(Qt.AlignmentFlag.AlignRight)
    s.setAccelerated(True)
    return s


def _muted(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(_MUTED)
    return label


class SizingPanel(QWidget):
    """The segment thresholds and the potential model, editable, with their live effect on the file's rows."""

    changed = Signal()

    def __init__(self, rules: SegmentRules | None = None, model: PotentialModel | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        rules = rules or SegmentRules()
        self._model = model or PotentialModel()  # keeps the multipliers this panel does not edit
        self._mapping: dict[str, str] = {}
        self._columns: SizeColumns | None = None
        self.summary: Sizing | None = None

        self.scope_label = _muted()
        self.scope_label.setObjectName("sizingScope")

        # ----- segments
        self.mm_emp = _spin(1, 999_999, rules.mid_market_employees, 0, 10)
        self.ent_emp = _spin(2, 1_000_000, rules.enterprise_employees, 0, 100)
        self.mm_rev = MillionsSpin(0.1, 99_999.9, rules.mid_market_revenue / 1e6, 5)
        self.ent_rev = MillionsSpin(0.2, 100_000, rules.enterprise_revenue / 1e6, 50)
        thresholds = QGridLayout()
        thresholds.setHorizontalSpacing(8)
        thresholds.setVerticalSpacing(4)
        for col, text in ((1, "Mid-Market from"), (2, "Enterprise from")):
            thresholds.addWidget(_muted(text), 0, col)
        emp_label, rev_label = QLabel("E&mployees"), QLabel("&Revenue")
        emp_label.setBuddy(self.mm_emp)
        rev_label.setBuddy(self.mm_rev)
        for row, (label, low, high) in enumerate(((emp_label, self.mm_emp, self.ent_emp),
                                                  (rev_label, self.mm_rev, self.ent_rev)), start=1):
            thresholds.addWidget(label, row, 0)
            thresholds.addWidget(low, row, 1)
            thresholds.addWidget(high, row, 2)
        thresholds.setColumnStretch(1, 1)
        thresholds.setColumnStretch(2, 1)
        self.segment_counts = QGridLayout()
        self.segment_counts.setHorizontalSpacing(16)
        self.segment_counts.setVerticalSpacing(0)
        self._count_labels: dict[str, tuple[QLabel, QLabel]] = {}
        for col, name in enumerate((*SEGMENTS, "Other")):
            caption, value = _muted(name), QLabel("—")
            caption.setWordWrap(False)
            value.setObjectName(f"segment_{name}")
            self.segment_counts.addWidget(caption, 0, col)
            self.segment_counts.addWidget(value, 1, col)
            self._count_labels[name] = (caption, value)
        self.segment_counts.setColumnStretch(5, 1)
        self.segment_note = _muted()
        self.segment_note.setObjectName("segmentNote")
        seg_box = QGroupBox("Segments")
        seg_lay = QVBoxLayout(seg_box)
        seg_lay.setSpacing(6)
        seg_lay.addLayout(thresholds)
        seg_lay.addLayout(self.segment_counts)
        seg_lay.addWidget(self.segment_note)

        # ----- potential
        self.per_employee = _spin(1, 100_000, self._model.per_employee, 0, 10, "$")
        self.revenue_share = _spin(0.001, 100, self._model.revenue_share * 100, 3, 0.05, "", " %")
        self.cap = _spin(1, 1e9, self._model.cap, 0, 100_000, "$")
        self.potential_source = QLabel()
        self.potential_source.setObjectName("potentialSource")
        self.potential_source.setWordWrap(True)
        model_form = QFormLayout()
        model_form.setHorizontalSpacing(8)
        model_form.setVerticalSpacing(4)
        model_form.addRow("&Per employee:", self.per_employee)
        model_form.addRow("Else share of re&venue:", self.revenue_share)
        model_form.addRow("C&ap per account:", self.cap)
        self.revenue_share.setToolTip("For accounts without an employee count: this share of annual revenue")
        self.formula = QLabel()
        self.formula.setObjectName("potentialFormula")
        self.formula.setWordWrap(True)
        self._stat_values: dict[str, QLabel] = {}
        stats = QGridLayout()
        stats.setHorizontalSpacing(12)
        stats.setVerticalSpacing(0)
        for col, (key, caption) in enumerate((("min", "Lowest"), ("median", "Median"),
                                              ("p90", "90th pct"), ("max", "Highest"))):
            stats.addWidget(_muted(caption), 0, col)
            value = QLabel("—")
            value.setObjectName(f"potential_{key}")
            value.setStyleSheet("font-size: 11pt; font-weight: 600;")
            stats.addWidget(value, 1, col)
            self._stat_values[key] = value
        self.total_label = QLabel()
        self.total_label.setObjectName("potentialTotal")
        self.total_label.setWordWrap(True)
        self.basis_label = _muted()
        pot_box = QGroupBox("Potential")
        pot_lay = QVBoxLayout(pot_box)
        pot_lay.setSpacing(6)
        pot_lay.addWidget(self.potential_source)
        pot_lay.addLayout(model_form)
        pot_lay.addWidget(self.formula)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setStyleSheet("color: #D5D9DF;")
        pot_lay.addWidget(line)
        pot_lay.addLayout(stats)
        pot_lay.addWidget(self.total_label)
        pot_lay.addWidget(self.basis_label)

        title = QLabel("<b>Segments &amp; potential</b>")
        title.setStyleSheet("font-size: 11pt;")
        inner = QWidget()
        lay = QVBoxLayout(inner)
        lay.setContentsMargins(2, 0, 8, 0)
        lay.setSpacing(8)
        lay.addWidget(title)
        lay.addWidget(self.scope_label)
        lay.addWidget(seg_box)
        lay.addWidget(pot_box)
        lay.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(inner)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self._scroll = scroll

        for s in (self.mm_emp, self.ent_emp, self.mm_rev, self.ent_rev, self.per_employee,
                  self.revenue_share, self.cap):
            s.valueChanged.connect(self._on_edit)
        self._bound_thresholds()
        self.refresh()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        """Never narrower than the figures and fields need (whatever the font): with no horizontal scroll bar
        they would be cut at the right, as "$1,000.0 M" was beside a wide mapping."""
        inner = self._scroll.widget()
        width = inner.minimumSizeHint().width() + self._scroll.verticalScrollBar().sizeHint().width() + 4
        return QSize(max(340, width), super().minimumSizeHint().height())

    # ----- what the import gets --------------------------------------------------------------------------
    def segment_rules(self) -> SegmentRules:
        """The thresholds as shown (the spin boxes' bounds keep Mid-Market below Enterprise)."""
        return SegmentRules(self.mm_emp.value(), self.ent_emp.value(), self.mm_rev.value() * 1e6,
                            self.ent_rev.value() * 1e6)

    def potential_model(self) -> PotentialModel:
        """The model as shown, with the multipliers it came with (edited in Balance Settings, not here)."""
        return replace(self._model, per_employee=self.per_employee.value(),
                       revenue_share=self.revenue_share.value() / 100, cap=self.cap.value())

    # ----- inputs ----------------------------------------------------------------------------------------
    def set_source(self, df: pd.DataFrame | None, mapping: dict[str, str], complete: bool = True) -> None:
        """The rows the dialog holds and the current mapping; `complete` when they are the whole file."""
        self._mapping = dict(mapping)
        self._columns = None if df is None else parse_size_columns(df, mapping, complete)
        self.refresh()

    def _bound_thresholds(self) -> None:
        """Mid-Market must stay below Enterprise: each field's range ends where the other begins."""
        for low, high, gap in ((self.mm_emp, self.ent_emp, 1.0), (self.mm_rev, self.ent_rev, 0.1)):
            for s in (low, high):
                s.blockSignals(True)
            low.setMaximum(high.value() - gap)
            high.setMinimum(low.value() + gap)
            for s in (low, high):
                s.blockSignals(False)

    def _on_edit(self) -> None:
        self._bound_thresholds()
        self.refresh()
        self.changed.emit()

    # ----- display ---------------------------------------------------------------------------------------
    def refresh(self) -> None:
        rules, model = self.segment_rules(), self.potential_model()
        cols = self._columns
        used = {f: c for f, c in self._mapping.items() if c}
        pot_col = used.get("potential", "")
        sized_by = [used[f] for f in ("employees", "revenue") if f in used]
        for s in (self.per_employee, self.revenue_share, self.cap):
            s.setEnabled(not pot_col and bool(sized_by))
        if pot_col:
            self.potential_source.setText(f"Potential is the column {pot_col!r}, used as is.")
        elif not sized_by:
            self.potential_source.setText("No column holds potential, employees or revenue: every account's "
                                          "potential is $0. Map one of them to estimate it.")
        self.potential_source.setVisible(bool(pot_col) or not sized_by)
        self.formula.setText(f"<span style='{_MUTED}'>No potential column, so</span> "
                             f"potential = {model.describe()}.")
        self.formula.setVisible(not pot_col and bool(sized_by))
        if cols is None:
            self.summary = None
            self.scope_label.setText("Choose a file to see its segments and potential.")
            self._show_counts({})
            self.segment_note.setText(rules.describe())
            for v in self._stat_values.values():
                v.setText("—")
            self.total_label.setText("")
            self.basis_label.setText("")
            return
        s = self.summary = size_accounts(cols, rules, model)
        rows = (f"All {s.rows_read:,} rows of the file" if s.complete else
                f"The first {s.rows_read:,} rows of the file (the import reads them all)")
        rejected = s.rows_read - s.accounts - s.skipped
        less = ([f"{rejected:,} rejected (no id or a repeated id)"] if rejected else []) + \
            ([f"{counted(s.skipped, 'blank or footer line')} skipped"] if s.skipped else [])
        self.scope_label.setText(rows + (", less " + " and ".join(less) if less else "")
                                 + "; follows the columns and the numbers you set.")
        self._show_counts(s.segments)
        self.segment_note.setText(self._segment_words(s))
        for key, label in self._stat_values.items():
            label.setText(fmt.money(s.stat(key)))
        total = f"<b>Total {fmt.money(s.stat('total'))}</b> over {s.accounts:,} accounts"
        if s.per_territory is not None:
            total += (f" · about <b>{fmt.money(s.per_territory)}</b> per territory "
                      f"({s.owners:,} owner{'s' if s.owners != 1 else ''})")
        elif "owner" not in used:
            total += " · no owner column, so no territories yet"
        self.total_label.setText(total)
        self.basis_label.setText(self._basis_words(s))

    def _show_counts(self, counts: dict[str, int]) -> None:
        """The three standard segments always; "Other" only when the segment column holds other names."""
        total = sum(counts.values()) or 1
        other = {k: n for k, n in counts.items() if k not in SEGMENTS}
        for name, (caption, value) in self._count_labels.items():
            n = sum(other.values()) if name == "Other" else counts.get(name, 0)
            value.setText(f"<span style='font-size: 11pt; font-weight: 600;'>{n:,}</span><span style="
                          f"'{_MUTED}'>&nbsp;&nbsp;{n / total:.0%}</span>" if counts else "—")
            shown = name != "Other" or bool(other)
            caption.setVisible(shown)
            value.setVisible(shown)
            value.setToolTip(", ".join(f"{k}: {n:,}" for k, n in other.items()) if name == "Other" else "")

    @staticmethod
    def _segment_words(s: Sizing) -> str:
        if s.segment_column:
            from_col = s.accounts - s.by_rules
            text = (f"{from_col:,} from the column {s.segment_column!r}; {s.by_rules:,} blank there are "
                    "sized by these thresholds." if s.by_rules else
                    f"Every account has a segment in the column {s.segment_column!r}: these thresholds "
                    "size none of them (they stay in the plan's settings).")
        elif s.size_columns:
            text = "All sized by these thresholds: " + (
                "by employees where there is a count, else by revenue." if len(s.size_columns) == 2 else
                f"from {s.size_columns[0]!r}.")
        else:
            text = "No segment, employees or revenue column: every account is SMB."
            return text
        if s.unsized:
            text += f" {s.unsized:,} without employees or revenue are SMB."
        return text

    @staticmethod
    def _basis_words(s: Sizing) -> str:
        b = s.basis
        if s.potential_column:
            blank = b.get("none", 0)
            return f"{blank:,} blank in {s.potential_column!r} (no potential)." if blank else ""
        if not s.size_columns:
            return ""
        parts = [f"{b.get('employees', 0):,} by employees", f"{b.get('revenue', 0):,} by revenue"]
        if b.get("none"):
            parts.append(f"{b['none']:,} without a size ($0)")
        return "Estimated " + ", ".join(parts) + "."
