"""The workload model, editable: service hours and visits per segment, and how travel time is estimated.

A page of the balance settings dialog. It edits a `core.settings.WorkloadModel` and says in words what is
wrong with a value, so the dialog can refuse it with a clear message.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDoubleSpinBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QStyledItemDelegate,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from territory_desktop.core.settings import WorkloadModel


def spin(lo: float, hi: float, value: float, decimals: int = 1, step: float = 1.0, suffix: str = "",
         prefix: str = "") -> QDoubleSpinBox:
    """A right-aligned, bounded number field: out-of-range values cannot be typed at all."""
    s = QDoubleSpinBox()
    s.setRange(lo, hi)
    s.setDecimals(decimals)
    s.setSingleStep(step)
    s.setSuffix(suffix)
    s.setPrefix(prefix)
    s.setValue(value)
    s.setAlignment(Qt.AlignmentFlag.AlignRight)
    s.setAccelerated(True)
    return s


class _NumberDelegate(QStyledItemDelegate):
    """Table cells edited with a bounded spin box, so a segment's hours can never be typed as text."""

    def __init__(self, hi: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hi = hi

    def createEditor(self, parent, option, index):  # noqa: N802 (Qt API)
        editor = spin(0.0, self.hi, 0.0, decimals=1, step=0.5)
        editor.setParent(parent)  # inside the cell, not a window of its own
        editor.setFrame(False)
        return editor

    def displayText(self, value, locale):  # noqa: N802 (Qt API)
        try:
            return f"{float(value):,.1f}"  # same precision as the spin boxes beside the table
        except (TypeError, ValueError):
            return str(value)

    def setEditorData(self, editor, index):  # noqa: N802 (Qt API)
        editor.setValue(float(index.data(Qt.ItemDataRole.EditRole) or 0.0))

    def setModelData(self, editor, model, index):  # noqa: N802 (Qt API)
        editor.interpretText()
        model.setData(index, float(editor.value()), Qt.ItemDataRole.EditRole)


VISIBLE_ROWS = 12
"""Segments shown before the table scrolls (a CRM with many segments must not grow the dialog off screen)."""


class WorkloadEditor(QWidget):
    """Hours and visits per segment (the plan's segments and any the model already knows), defaults for
    other segments, average speed and road circuity."""

    changed = Signal()

    def __init__(self, model: WorkloadModel, segments: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        intro = QLabel("Workload = service hours by segment + travel: round trips from the rep's home, "
                       "road distance = straight line × circuity, at the average speed.")
        intro.setWordWrap(True)
        names = list(dict.fromkeys([s for s in segments if s] + list(model.hours_by_segment)
                                   + list(model.visits_by_segment)))
        self.segment_table = QTableWidget(len(names), 3)
        self.segment_table.setHorizontalHeaderLabels(["Segment", "Hours / year", "Visits / year"])
        self.segment_table.verticalHeader().setVisible(False)
        self.segment_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.segment_table.setItemDelegateForColumn(1, _NumberDelegate(5000.0, self.segment_table))
        self.segment_table.setItemDelegateForColumn(2, _NumberDelegate(365.0, self.segment_table))
        hdr = self.segment_table.horizontalHeader()
        hdr.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for c in (1, 2):
            hdr.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        self.segment_table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.default_hours = spin(0, 5000, model.default_hours, step=0.5, suffix=" h")
        self.default_visits = spin(0, 365, model.default_visits, step=0.5)
        self.speed = spin(5, 200, model.speed_kmh, decimals=0, step=5, suffix=" km/h")
        self.circuity = spin(1.0, 3.0, model.circuity, decimals=2, step=0.05, suffix=" ×")
        self.circuity.setToolTip("Road distance ÷ straight-line distance (1.2–1.4 is typical)")
        self.max_trip = spin(0.5, 24.0, model.max_trip_hours, decimals=1, step=0.5, suffix=" h")
        self.max_trip.setToolTip("Beyond a day's drive the rep flies: one visit costs at most this much travel")
        self._model = model
        self._fill(model, names)
        for s in (self.default_hours, self.default_visits, self.speed, self.circuity, self.max_trip):
            s.valueChanged.connect(self.changed)
        self.segment_table.itemChanged.connect(self.changed)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.addRow("Other segments, &hours / year:", self.default_hours)
        form.addRow("Other segments, &visits / year:", self.default_visits)
        form.addRow("Average &speed:", self.speed)
        form.addRow("Road &circuity:", self.circuity)
        form.addRow("Longest &trip per visit:", self.max_trip)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 12, 12, 12)
        lay.setSpacing(10)
        lay.addWidget(intro)
        lay.addWidget(self.segment_table)
        lay.addLayout(form)
        lay.addStretch(1)

    def _fit_table(self) -> None:
        """As tall as its rows up to VISIBLE_ROWS (then it scrolls): stretched, three segments sat in a box of
        blank table and the fields below were pushed to the bottom of the page."""
        t = self.segment_table
        rows = min(max(t.rowCount(), 1), VISIBLE_ROWS)
        height = t.horizontalHeader().sizeHint().height() + rows * t.verticalHeader().defaultSectionSize()
        t.setFixedHeight(height + 2 * t.frameWidth())

    def _fill(self, model: WorkloadModel, names: list[str]) -> None:
        self.segment_table.blockSignals(True)
        self.segment_table.setRowCount(len(names))
        for r, name in enumerate(names):
            label = QTableWidgetItem(name)
            label.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            self.segment_table.setItem(r, 0, label)
            for c, value in ((1, model.hours_by_segment.get(name, model.default_hours)),
                             (2, model.visits_by_segment.get(name, model.default_visits))):
                item = QTableWidgetItem()
                item.setData(Qt.ItemDataRole.EditRole, float(value))
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.segment_table.setItem(r, c, item)
        self.segment_table.blockSignals(False)
        self._fit_table()

    def segments(self) -> list[str]:
        return [self.segment_table.item(r, 0).text() for r in range(self.segment_table.rowCount())]

    def segment_row(self, segment: str) -> int:
        """Row of a segment in the table (-1 if absent)."""
        names = self.segments()
        return names.index(segment) if segment in names else -1

    def load(self, model: WorkloadModel) -> None:
        """Show `model` for the same segments (Restore Defaults)."""
        self._fill(model, self.segments())
        self.default_hours.setValue(model.default_hours)
        self.default_visits.setValue(model.default_visits)
        self.speed.setValue(model.speed_kmh)
        self.circuity.setValue(model.circuity)
        self.max_trip.setValue(model.max_trip_hours)
        self._model = model

    def current(self) -> tuple[WorkloadModel | None, str]:
        """The model the widgets describe, or (None, what is wrong)."""
        hours: dict[str, float] = {}
        visits: dict[str, float] = {}
        for row, name in enumerate(self.segments()):
            for col, target, label in ((1, hours, "hours"), (2, visits, "visits")):
                try:
                    value = float(self.segment_table.item(row, col).data(Qt.ItemDataRole.EditRole))
                except (TypeError, ValueError):
                    return None, f"The {label} of segment {name!r} must be a number."
                if value < 0:
                    return None, f"The {label} of segment {name!r} cannot be negative."
                target[name] = value
        return replace(  # from the model shown, so fields this page does not edit are kept as they were
            self._model, hours_by_segment=hours, default_hours=float(self.default_hours.value()),
            visits_by_segment=visits, default_visits=float(self.default_visits.value()),
            speed_kmh=float(self.speed.value()), circuity=float(self.circuity.value()),
            max_trip_hours=float(self.max_trip.value())), ""
