"""The Measures tab of the balance settings dialog: which measures are balanced, the primary one, each band and
weight, rows added and removed, and the live "with these bands, today's plan" preview (a mixin of
BalanceSettingsDialog, kept apart so the dialog module is its frame and validation)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from territory_desktop.core.settings import (
    ACCOUNTS,
    WORKLOAD,
    BalancedMeasure,
    BalanceSettings,
)
from territory_desktop.ui.settings.workload_editor import spin

MEASURE_LABELS = {"potential": "Potential", "pipeline": "Open pipeline", ACCOUNTS: "Account count",
                  WORKLOAD: "Workload (hours)"}
"""How the balanced measures read in the dialog; unknown measures show their own name."""


def measure_label(measure: str) -> str:
    return MEASURE_LABELS.get(measure, measure.replace("_", " ").capitalize())


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


class MeasuresTab:
    """The measures grid and its buttons (mixed into BalanceSettingsDialog)."""

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
        self.near_spin = spin(10, 100, s.near_fraction * 100, decimals=0, step=5, suffix=" % of the band")
        self.near_spin.setToolTip("A territory shows as 'near' the edge once its deviation passes this share "
                                  "of its band.")
        self.near_spin.valueChanged.connect(self._revalidate)
        self.within_role = QCheckBox("Compare each territory with its &peers (territories of the same rep role)")
        self.within_role.setToolTip("An SMB territory is judged against other SMB territories, not against "
                                    "Enterprise ones")
        self.within_role.setChecked(s.balance_within_role)
        self.within_role.toggled.connect(self._revalidate)
        self.within_region = QCheckBox("Balance within re&gion: compare each territory only with the territories "
                                       "of its region")
        self.within_region.setToolTip("A West book is judged against the other West books (with the option "
                                      "above: the same role in the same region). The territories panel's "
                                      "'Balance within region' is the same setting.")
        self.within_region.setChecked(s.balance_within_region)
        self.within_region.toggled.connect(self._revalidate)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.addRow("Warn as '&near' past:", self.near_spin)
        form.addRow(self.within_role)
        form.addRow(self.within_region)
        if self._plan is not None and not any(self._plan.territories[int(i)].region.strip()
                                              for i in self._plan.active_territories()):
            no_region = QLabel("No territory names a region yet (territories panel → Set Region…): with this "
                               "on, every territory is in one region, as with it off.")
            no_region.setWordWrap(True)
            no_region.setStyleSheet("color: #5A6570;")
            form.addRow(no_region)
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
        # what the bands mean for this plan, live: the tab was a few rows over empty space, a band a bare number
        self.band_box = QGroupBox("With these bands, today's plan")
        self.band_preview = QLabel()
        self.band_preview.setObjectName("bandPreview")
        self.band_preview.setTextFormat(Qt.TextFormat.RichText)
        self.band_preview.setWordWrap(True)
        self.band_preview.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        band_note = QLabel("Counts of the plan as it is now; the territories panel and the status bar show the "
                           "same figures while this dialog is open.")
        band_note.setWordWrap(True)
        band_note.setStyleSheet("color: #5A6570;")
        box_lay = QVBoxLayout(self.band_box)
        box_lay.setSpacing(6)
        box_lay.addWidget(self.band_preview)
        box_lay.addWidget(band_note)
        self.band_box.setVisible(self._plan is not None)
        lay.addSpacing(6)
        lay.addWidget(self.band_box)
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
        band = spin(1, 100, round(m.band * 100, 1), decimals=1, step=1, suffix=" %")
        band.setToolTip("Tolerance around the fair share, between 1% and 100%")
        weight = spin(0, 10, m.weight, decimals=2, step=0.1)
        weight.setToolTip("How much the co-pilot cares about this measure relative to the others")
        remove = QToolButton()
        remove.setText("✕")
        remove.setToolTip("Remove this measure")
        remove.setAutoRaise(True)
        what = measure_label(m.measure)
        for w, name in ((combo, "Balanced measure"), (primary, f"{what} is the primary measure"),
                        (band, f"Band for {what}"), (weight, f"Weight of {what}"), (remove, f"Remove {what}")):
            w.setAccessibleName(name)  # the grid's column headers are not labels a screen reader can follow
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
