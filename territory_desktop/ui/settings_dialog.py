"""The balance settings dialog: what "balanced" means for this plan, edited in one place.

The dialog never touches the plan. It validates as the planner types (an inline message says what is wrong and
OK stays disabled), emits `settingsPreview` with every valid state so the window can re-evaluate indicators at
once, and leaves the final `BalanceSettings` in `result_settings` for the window to apply as one undoable edit.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QStyledItemDelegate,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from territory_desktop.core.settings import (
    ACCOUNTS,
    WORKLOAD,
    BalancedMeasure,
    BalanceSettings,
    WorkloadModel,
)

MEASURE_LABELS = {"potential": "Potential", "pipeline": "Open pipeline", ACCOUNTS: "Account count",
                  WORKLOAD: "Workload (hours)"}
"""How the balanced measures read in the dialog; unknown measures show their own name."""


def measure_label(measure: str) -> str:
    return MEASURE_LABELS.get(measure, measure.replace("_", " ").capitalize())


def _spin(lo: float, hi: float, value: float, decimals: int = 1, step: float = 1.0, suffix: str = "",
          prefix: str = "") -> QDoubleSpinBox:
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
        editor = _spin(0.0, self.hi, 0.0, decimals=1, step=0.5)
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


@dataclass
class _MeasureRow:
    """The widgets of one balanced measure in the measures grid."""

    measure: QComboBox
    primary: QRadioButton
    band: QDoubleSpinBox
    weight: QDoubleSpinBox
    remove: QToolButton

    def widgets(self) -> tuple[QWidget, ...]:
        return (self.measure, self.primary, self.band, self.weight, self.remove)


class BalanceSettingsDialog(QDialog):
    """Edit balance measures and bands, rules and the workload model; `result_settings` after accept."""

    settingsPreview = Signal(object)  # noqa: N815 (Qt signal naming) — a valid BalanceSettings as values change

    def __init__(self, settings: BalanceSettings, measures_available: list[str], segments: list[str],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Balance Settings")
        self.setModal(True)
        self.result_settings: BalanceSettings | None = None
        self._initial = settings
        self._measures_available = list(dict.fromkeys(
            list(measures_available) + [m.measure for m in settings.measures]))
        self._rows: list[_MeasureRow] = []
        self._last_preview: BalanceSettings | None = settings
        self._loading = True

        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_measures_tab(settings), "&Measures")
        self.tabs.addTab(self._build_workload_tab(settings.workload, segments), "&Workload")
        self.tabs.addTab(self._build_rules_tab(settings), "&Rules")

        self.error_label = QLabel()
        self.error_label.setObjectName("validationMessage")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #B3261E;")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel
                                        | QDialogButtonBox.StandardButton.RestoreDefaults)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(
            self.restore_defaults)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 16, 16, 12)
        lay.setSpacing(10)
        lay.addWidget(self.tabs)
        lay.addWidget(self.error_label)
        lay.addWidget(self.buttons)
        self._loading = False
        self._revalidate()
        self.resize(640, 480)

    # ----- measures --------------------------------------------------------------------------------------
    def _build_measures_tab(self, s: BalanceSettings) -> QWidget:
        page = QWidget()
        intro = QLabel("A territory is in balance when each measure lies within its band around the fair "
                       "share. The primary measure is the one the status bar and the co-pilot lead with.")
        intro.setWordWrap(True)
        self.primary_group = QButtonGroup(self)
        self.primary_group.setExclusive(True)
        self.measures_box = QWidget(page)  # parented now so Tab order can be set while rows are added
        self.measures_grid = QGridLayout(self.measures_box)
        self.measures_grid.setContentsMargins(0, 0, 0, 0)
        self._next_grid_row = 1
        self.measures_grid.setHorizontalSpacing(12)
        self.measures_grid.setVerticalSpacing(6)
        for col, text in enumerate(("Measure", "Primary", "Band ±", "Weight", "")):
            h = QLabel(f"<b>{text}</b>")
            self.measures_grid.addWidget(h, 0, col)
        self.measures_grid.setColumnStretch(0, 1)
        self.add_button = QPushButton("&Add measure", page)
        self.add_button.clicked.connect(self._add_unused_measure)
        for m in s.measures:
            self._add_measure_row(m)
        self.near_spin = _spin(10, 100, s.near_fraction * 100, decimals=0, step=5, suffix=" % of the band")
        self.near_spin.setToolTip("A territory shows as 'near' the edge once its deviation passes this share "
                                  "of its band.")
        self.near_spin.valueChanged.connect(self._revalidate)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.addRow("Warn as '&near' past:", self.near_spin)
        add_row = QHBoxLayout()
        add_row.addWidget(self.add_button)
        add_row.addStretch(1)
        lay = QVBoxLayout(page)
        lay.setContentsMargins(12, 12, 12, 12)
        lay.setSpacing(10)
        lay.addWidget(intro)
        lay.addWidget(self.measures_box)
        lay.addLayout(add_row)
        lay.addSpacing(6)
        lay.addLayout(form)
        lay.addStretch(1)
        return page

    def _add_measure_row(self, m: BalancedMeasure) -> _MeasureRow:
        combo = QComboBox()
        for key in self._measures_available:
            combo.addItem(measure_label(key), key)
        combo.setCurrentIndex(max(combo.findData(m.measure), 0))
        primary = QRadioButton()
        primary.setToolTip("The primary measure")
        primary.setChecked(m.primary)
        self.primary_group.addButton(primary)
        band = _spin(1, 100, round(m.band * 100, 1), decimals=1, step=1, suffix=" %")
        band.setToolTip("Tolerance around the fair share, between 1% and 100%")
        weight = _spin(0, 10, m.weight, decimals=2, step=0.1)
        weight.setToolTip("How much the co-pilot cares about this measure relative to the others")
        remove = QToolButton()
        remove.setText("✕")
        remove.setToolTip("Remove this measure")
        remove.setAutoRaise(True)
        row = _MeasureRow(combo, primary, band, weight, remove)
        remove.clicked.connect(self._remove_clicked)
        combo.currentIndexChanged.connect(self._revalidate)
        primary.toggled.connect(self._revalidate)
        band.valueChanged.connect(self._revalidate)
        weight.valueChanged.connect(self._revalidate)
        self._rows.append(row)
        for col, w in enumerate(row.widgets()):
            align = Qt.AlignmentFlag.AlignCenter if col == 1 else Qt.AlignmentFlag(0)
            self.measures_grid.addWidget(w, self._next_grid_row, col, align)
        self._next_grid_row += 1  # grid rows are never reused: a removed row just leaves an empty line
        self._sync_add_button()
        return row

    def _add_unused_measure(self) -> None:
        used = {r.measure.currentData() for r in self._rows}
        free = [k for k in self._measures_available if k not in used]
        row = self._add_measure_row(BalancedMeasure(free[0] if free else self._measures_available[0], 0.30,
                                                    0.5, primary=not self._rows))
        row.measure.setFocus()
        self._revalidate()

    def _remove_clicked(self) -> None:
        """A row's ✕ button (a bound slot: a lambda holding self would keep the dialog alive in a cycle)."""
        row = next((r for r in self._rows if r.remove is self.sender()), None)
        if row is not None:
            self._remove_measure_row(row)

    def _remove_measure_row(self, row: _MeasureRow) -> None:
        self._rows.remove(row)
        self.primary_group.removeButton(row.primary)
        for w in row.widgets():
            self.measures_grid.removeWidget(w)
            w.deleteLater()
        self._sync_add_button()
        self._revalidate()

    def _sync_add_button(self) -> None:
        """Enable Add while a measure is unused; keep Tab going row by row, then to Add and the near spin."""
        self.add_button.setEnabled(len(self._rows) < len(self._measures_available))
        chain = [w for r in self._rows for w in r.widgets()[:4]] + [self.add_button]
        for a, b in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(a, b)

    # ----- workload --------------------------------------------------------------------------------------
    def _build_workload_tab(self, w: WorkloadModel, segments: list[str]) -> QWidget:
        page = QWidget()
        intro = QLabel("Workload = service hours by segment + travel: round trips from the rep's home, "
                       "road distance = straight line × circuity, at the average speed.")
        intro.setWordWrap(True)
        names = list(dict.fromkeys([s for s in segments if s] + list(w.hours_by_segment)
                                   + list(w.visits_by_segment)))
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
        self.segment_table.setMinimumHeight(150)
        self.default_hours = _spin(0, 5000, w.default_hours, step=0.5, suffix=" h")
        self.default_visits = _spin(0, 365, w.default_visits, step=0.5)
        self.speed = _spin(5, 200, w.speed_kmh, decimals=0, step=5, suffix=" km/h")
        self.circuity = _spin(1.0, 3.0, w.circuity, decimals=2, step=0.05, suffix=" ×")
        self.circuity.setToolTip("Road distance ÷ straight-line distance (1.2–1.4 is typical)")
        for spin in (self.default_hours, self.default_visits, self.speed, self.circuity):
            spin.valueChanged.connect(self._revalidate)
        self._fill_segments(w, names)
        self.segment_table.itemChanged.connect(self._revalidate)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.addRow("Other segments, &hours / year:", self.default_hours)
        form.addRow("Other segments, &visits / year:", self.default_visits)
        form.addRow("Average &speed:", self.speed)
        form.addRow("Road &circuity:", self.circuity)
        lay = QVBoxLayout(page)
        lay.setContentsMargins(12, 12, 12, 12)
        lay.setSpacing(10)
        lay.addWidget(intro)
        lay.addWidget(self.segment_table, 1)
        lay.addLayout(form)
        return page

    def _fill_segments(self, w: WorkloadModel, names: list[str]) -> None:
        self.segment_table.blockSignals(True)
        self.segment_table.setRowCount(len(names))
        for r, name in enumerate(names):
            label = QTableWidgetItem(name)
            label.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            self.segment_table.setItem(r, 0, label)
            for c, value in ((1, w.hours_by_segment.get(name, w.default_hours)),
                             (2, w.visits_by_segment.get(name, w.default_visits))):
                item = QTableWidgetItem()
                item.setData(Qt.ItemDataRole.EditRole, float(value))
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.segment_table.setItem(r, c, item)
        self.segment_table.blockSignals(False)

    def segment_row(self, segment: str) -> int:
        """Row of a segment in the workload table (-1 if absent): lets the window or a test point at it."""
        for r in range(self.segment_table.rowCount()):
            if self.segment_table.item(r, 0).text() == segment:
                return r
        return -1

    # ----- rules -----------------------------------------------------------------------------------------
    def _build_rules_tab(self, s: BalanceSettings) -> QWidget:
        page = QWidget()
        cap_box = QGroupBox("Capacity")
        self.capacity_hard = QRadioButton("&Hard limit: a territory over its capacity is out of balance")
        self.capacity_soft = QRadioButton("&Soft: flag over-capacity territories but judge balance by the bands")
        (self.capacity_hard if s.capacity_hard else self.capacity_soft).setChecked(True)
        cap_lay = QVBoxLayout(cap_box)
        cap_lay.addWidget(self.capacity_hard)
        cap_lay.addWidget(self.capacity_soft)
        self.capacity_hard.toggled.connect(self._revalidate)

        pipe_box = QGroupBox("Open pipeline")
        self.pipeline_threshold = _spin(0, 1e9, s.pipeline_lock_threshold, decimals=0, step=1000, prefix="$")
        self.pipeline_threshold.setGroupSeparatorShown(True)
        self.pipeline_threshold.setToolTip("Accounts with more open pipeline than this stay with their rep "
                                           "(0 = any open deal)")
        self.allow_pipeline = QCheckBox("&Let the co-pilot suggest moving accounts with open pipeline")
        self.allow_pipeline.setChecked(s.allow_pipeline_moves)
        self.allow_pipeline.toggled.connect(self._sync_pipeline)
        self.pipeline_threshold.valueChanged.connect(self._revalidate)
        pipe_form = QFormLayout(pipe_box)
        pipe_form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        pipe_form.addRow(self.allow_pipeline)
        pipe_form.addRow("Keep accounts with pipeline &above:", self.pipeline_threshold)
        self._sync_pipeline()

        lay = QVBoxLayout(page)
        lay.setContentsMargins(12, 12, 12, 12)
        lay.setSpacing(12)
        lay.addWidget(cap_box)
        lay.addWidget(pipe_box)
        lay.addStretch(1)
        return page

    def _sync_pipeline(self) -> None:
        self.pipeline_threshold.setEnabled(not self.allow_pipeline.isChecked())
        self._revalidate()

    def restore_defaults(self) -> None:
        """Show the factory settings (applied only on OK, like any other change)."""
        self._load(BalanceSettings())

    # ----- state -----------------------------------------------------------------------------------------
    def _load(self, s: BalanceSettings) -> None:
        """Show `s` in every widget (Restore Defaults)."""
        self._loading = True
        for row in list(self._rows):
            self._remove_measure_row(row)
        for m in s.measures:
            self._add_measure_row(m)
        self.near_spin.setValue(s.near_fraction * 100)
        w = s.workload
        self._fill_segments(w, [self.segment_table.item(r, 0).text()
                                for r in range(self.segment_table.rowCount())])
        self.default_hours.setValue(w.default_hours)
        self.default_visits.setValue(w.default_visits)
        self.speed.setValue(w.speed_kmh)
        self.circuity.setValue(w.circuity)
        (self.capacity_hard if s.capacity_hard else self.capacity_soft).setChecked(True)
        self.pipeline_threshold.setValue(s.pipeline_lock_threshold)
        self.allow_pipeline.setChecked(s.allow_pipeline_moves)
        self._loading = False
        self._revalidate()

    def current(self) -> tuple[BalanceSettings | None, str]:
        """The settings the widgets describe, or (None, the reason they are not valid)."""
        if not self._rows:
            return None, "Balance on at least one measure."
        keys = [r.measure.currentData() for r in self._rows]
        dupes = sorted({measure_label(k) for k in keys if keys.count(k) > 1})
        if dupes:
            return None, f"{', '.join(dupes)} is listed more than once: keep one row per measure."
        primaries = [r for r in self._rows if r.primary.isChecked()]
        if len(primaries) != 1:
            return None, "Choose exactly one primary measure."
        measures = []
        for r in self._rows:
            band = r.band.value()
            if not 1.0 <= band <= 100.0:
                return None, f"The band of {r.measure.currentText()} must be between 1% and 100%."
            measures.append(BalancedMeasure(r.measure.currentData(), round(band / 100.0, 4),
                                            float(r.weight.value()), r.primary.isChecked()))
        if primaries[0].weight.value() <= 0:
            return None, "The primary measure needs a weight above 0."
        hours: dict[str, float] = {}
        visits: dict[str, float] = {}
        for row in range(self.segment_table.rowCount()):
            name = self.segment_table.item(row, 0).text()
            for col, target, label in ((1, hours, "hours"), (2, visits, "visits")):
                try:
                    value = float(self.segment_table.item(row, col).data(Qt.ItemDataRole.EditRole))
                except (TypeError, ValueError):
                    return None, f"The {label} of segment {name!r} must be a number."
                if value < 0:
                    return None, f"The {label} of segment {name!r} cannot be negative."
                target[name] = value
        workload = WorkloadModel(hours, float(self.default_hours.value()), visits,
                                 float(self.default_visits.value()), float(self.speed.value()),
                                 float(self.circuity.value()))
        return BalanceSettings(
            measures=tuple(measures), workload=workload, near_fraction=round(self.near_spin.value() / 100, 4),
            capacity_hard=self.capacity_hard.isChecked(),
            pipeline_lock_threshold=float(self.pipeline_threshold.value()),
            allow_pipeline_moves=self.allow_pipeline.isChecked(),
        ), ""

    def _revalidate(self) -> None:
        if self._loading:
            return
        settings, message = self.current()
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(settings is not None)
        if settings is not None and settings != self._last_preview:
            self._last_preview = settings
            self.settingsPreview.emit(settings)

    def accept(self) -> None:
        settings, message = self.current()
        if settings is None:
            self.error_label.setText(message)
            self.error_label.setVisible(True)
            return
        self.result_settings = settings
        super().accept()

    def reject(self) -> None:
        if self._last_preview != self._initial:
            self.settingsPreview.emit(self._initial)  # take the live preview back
        super().reject()
