"""Add or edit a territory, and remove one: dialogs that return a core edit instead of changing the plan.

The window pushes the returned edit on its undo stack, so every change made here is one undoable step, and an
edit that changes nothing (OK without touching a field) is not pushed at all.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QDoubleValidator
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from territory_desktop.core import format as fmt
from territory_desktop.core.edits import AddTerritory, RemoveTerritory, UpdateTerritory
from territory_desktop.core.palette import PALETTE, color_for
from territory_desktop.core.plan import Plan
from territory_desktop.core.territory import Territory
from territory_desktop.ui.theme import icons

_ERROR_STYLE = "color: #B3261E;"


def _coord_edit(lo: float, hi: float, value: float, placeholder: str) -> QLineEdit:
    """A coordinate field: empty means "no home" (NaN), which a spin box cannot express."""
    e = QLineEdit(_coord_text(value))
    v = QDoubleValidator(lo, hi, 6, e)
    v.setNotation(QDoubleValidator.Notation.StandardNotation)
    e.setValidator(v)
    e.setPlaceholderText(placeholder)
    e.setAlignment(Qt.AlignmentFlag.AlignRight)
    e.setMaximumWidth(110)
    return e


def _coord_text(value: float) -> str:
    return "" if not math.isfinite(value) else f"{value:.5f}"


def _unless_rounded(spin: QDoubleSpinBox, original: float) -> float:
    """The spin's value, or the original when the spin only shows it rounded (so OK changes nothing)."""
    return original if spin.value() == round(original, spin.decimals()) else float(spin.value())


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or abs(a - b) <= 1e-9 * max(1.0, abs(a))
    return a == b


def _next_colour(plan: Plan) -> str:
    """The first palette colour no active territory uses yet (cycling when all are taken)."""
    used = {t.color.upper() for t in plan.territories if not t.removed}
    for c in PALETTE:
        if c.upper() not in used:
            return c
    return color_for(len(plan.territories))


class TerritoryDialog(QDialog):
    """Edit the territory at `index`, or define a new one (index None); `result_edit()` after accept."""

    def __init__(self, plan: Plan, index: int | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan = plan
        self.index = index
        if index is None:
            self.original = Territory(self._free_name(), color=_next_colour(plan))
        else:
            self.original = Territory.from_dict(plan.territories[index].to_dict())
        t = self.original
        self.setWindowTitle("New Territory" if index is None else f"Territory {t.name}")
        self._color = t.color

        self.name = QLineEdit(t.name)
        self.rep = QLineEdit(t.rep)
        self.rep.setPlaceholderText("Open seat")
        self.role = self._suggesting_combo("role", t.role)
        self.region = self._suggesting_combo("region", t.region)
        self.region.setToolTip("Territories roll up to regions, regions to areas (Group by region)")
        self.area = self._suggesting_combo("area", t.area)
        self.area.setToolTip("The area the region belongs to (leave blank for none)")
        self.region.currentTextChanged.connect(self._area_of_region)
        self.color_button = QPushButton()
        self.color_button.setToolTip("Choose the territory's colour on the map and in the tables")
        self.color_button.clicked.connect(self._pick_colour)
        self._show_colour()
        self.home_lat = _coord_edit(-90, 90, t.home_lat, "not set")
        self.home_lon = _coord_edit(-180, 180, t.home_lon, "not set")
        self.centre_button = QPushButton("Use &centre of the book")
        self.centre_button.setToolTip("Place the home at the median location of this territory's accounts")
        self.centre_button.clicked.connect(self.use_book_centre)
        self.centre_button.setEnabled(self._book_centre() is not None)
        self.capacity = QDoubleSpinBox()
        self.capacity.setRange(0, 1_000_000)
        self.capacity.setDecimals(0)
        self.capacity.setSingleStep(50)
        self.capacity.setGroupSeparatorShown(True)
        self.capacity.setSuffix(" h / year")
        self.capacity.setValue(t.capacity_hours)
        self.capacity.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.capacity.setToolTip("Hours the rep can spend on accounts per year (0 = no capacity check)")
        self.share = QDoubleSpinBox()
        self.share.setRange(0.1, 10.0)
        self.share.setDecimals(2)
        self.share.setSingleStep(0.05)
        self.share.setSuffix(" × a fair share")
        self.share.setValue(t.target_share)
        self.share.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.share.setToolTip("1.00 = an equal share; 1.50 = half as large again (e.g. a senior rep)")
        self.locked = QCheckBox("&Locked: accounts cannot be moved in or out")
        self.locked.setChecked(t.locked)

        home = QHBoxLayout()
        home.setSpacing(6)
        for text, edit in (("Lat", self.home_lat), ("Lon", self.home_lon)):
            edit.setAccessibleName(f"Home {'latitude' if text == 'Lat' else 'longitude'}")
            caption = QLabel(text)
            caption.setStyleSheet("color: #6B6F76;")
            home.addWidget(caption)
            home.addWidget(edit)
        home.addSpacing(6)
        home.addWidget(self.centre_button)
        home.addStretch(1)
        colour_row = QHBoxLayout()
        colour_row.addWidget(self.color_button)
        colour_row.addStretch(1)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(8)
        form.addRow("&Name:", self.name)
        form.addRow("&Rep:", self.rep)
        form.addRow("R&ole:", self.role)
        form.addRow("Re&gion:", self.region)
        form.addRow("&Area:", self.area)
        colour_label = QLabel("Colo&ur:")
        colour_label.setBuddy(self.color_button)
        form.addRow(colour_label, colour_row)
        home_label = QLabel("&Home:")
        home_label.setBuddy(self.home_lat)
        form.addRow(home_label, home)
        form.addRow("Ca&pacity:", self.capacity)
        form.addRow("&Target size:", self.share)
        form.addRow("", self.locked)
        self.error_label = QLabel()
        self.error_label.setStyleSheet(_ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            "Add Territory" if index is None else "OK")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        for w in (self.name, self.home_lat, self.home_lon):
            w.textChanged.connect(self._clear_error)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 16, 16, 12)
        lay.setSpacing(10)
        lay.addLayout(form)
        lay.addWidget(self.error_label)
        lay.addStretch(1)
        lay.addWidget(self.buttons)
        self.name.setFocus()
        self.name.selectAll()
        self.resize(520, self.sizeHint().height())

    # ----- helpers ---------------------------------------------------------------------------------------
    def _free_name(self) -> str:
        taken = {t.name.casefold() for t in self.plan.territories if not t.removed}
        n = len(self.plan.active_territories()) + 1
        while f"territory {n}" in taken:
            n += 1
        return f"Territory {n}"

    def _area_of_region(self, region: str) -> None:
        """Typing or picking a region that lives in one area fills in that area (when none is given yet)."""
        if self.area.currentText().strip():
            return
        areas = {t.area.strip() for i, t in enumerate(self.plan.territories)
                 if i != self.index and not t.removed and t.region.strip().casefold() == region.strip().casefold()}
        if len(areas) == 1 and (area := areas.pop()):
            self.area.setCurrentText(area)

    def _suggesting_combo(self, attr: str, value: str) -> QComboBox:
        """An editable combo offering the values other territories already use (consistent spelling)."""
        combo = QComboBox()
        combo.setEditable(True)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        values = sorted({getattr(t, attr) for t in self.plan.territories if getattr(t, attr)} | {value} - {""})
        combo.addItems(values)
        combo.setCurrentText(value)
        combo.setMinimumContentsLength(18)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        return combo

    def _show_colour(self) -> None:
        self.color_button.setIcon(icons.swatch(self._color, 16))
        self.color_button.setText(f"  {QColor(self._color).name().upper()}  …")

    def _pick_colour(self) -> None:
        chosen = QColorDialog.getColor(QColor(self._color), self, "Territory Colour")
        if chosen.isValid():
            self.set_colour(chosen.name())

    def set_colour(self, color: str) -> None:
        self._color = QColor(color).name().upper()
        self._show_colour()

    def _book_centre(self) -> tuple[float, float] | None:
        if self.index is None:
            return None
        rows = self.plan.rows_in(self.index)
        lat, lon = self.plan.lat[rows], self.plan.lon[rows]
        ok = np.isfinite(lat) & np.isfinite(lon)
        if not ok.any():
            return None
        return float(np.median(lat[ok])), float(np.median(lon[ok]))

    def use_book_centre(self) -> None:
        """Put the home at the median of the book's placed accounts (robust to a few far-away outliers)."""
        centre = self._book_centre()
        if centre is not None:
            self.home_lat.setText(_coord_text(centre[0]))
            self.home_lon.setText(_coord_text(centre[1]))

    def _clear_error(self) -> None:
        self.error_label.hide()

    # ----- result ----------------------------------------------------------------------------------------
    def territory(self) -> tuple[Territory | None, str]:
        """The territory the fields describe, or (None, what is wrong in the planner's words)."""
        name = self.name.text().strip()
        if not name:
            return None, "Give the territory a name."
        for i, other in enumerate(self.plan.territories):
            if i != self.index and not other.removed and other.name.casefold() == name.casefold():
                return None, f"Another territory is already called {other.name!r}; choose another name."
        coords = []
        t = Territory.from_dict(self.original.to_dict())
        for edit, label, lo, hi, orig in ((self.home_lat, "latitude", -90, 90, t.home_lat),
                                          (self.home_lon, "longitude", -180, 180, t.home_lon)):
            text = edit.text().strip().replace(",", ".")
            if text == _coord_text(orig):  # shown rounded: untouched means unchanged, to the last digit
                coords.append(orig)
                continue
            if not text:
                coords.append(math.nan)
                continue
            try:
                v = float(text)
            except ValueError:
                return None, f"The home {label} {text!r} is not a number."
            if not lo <= v <= hi:
                return None, f"The home {label} must be between {lo} and {hi}."
            coords.append(v)
        if math.isnan(coords[0]) != math.isnan(coords[1]):
            return None, "Give both the latitude and the longitude of the home, or neither."
        t.name, t.rep, t.role, t.region = name, self.rep.text().strip(), self.role.currentText().strip(), \
            self.region.currentText().strip()
        t.area = self.area.currentText().strip()
        t.color, t.home_lat, t.home_lon = self._color, coords[0], coords[1]
        t.capacity_hours = _unless_rounded(self.capacity, t.capacity_hours)
        t.target_share = _unless_rounded(self.share, t.target_share)
        t.locked = self.locked.isChecked()
        return t, ""

    def accept(self) -> None:
        t, message = self.territory()
        if t is None:
            self.error_label.setText(message)
            self.error_label.show()
            (self.name if "name" in message else self.home_lat).setFocus()
            return
        super().accept()

    def result_edit(self) -> AddTerritory | UpdateTerritory | None:
        """The edit that makes the plan match the dialog: AddTerritory, UpdateTerritory of the changed
        fields only, or None when nothing changed (or the fields are not valid)."""
        t, _ = self.territory()
        if t is None:
            return None
        if self.index is None:
            return AddTerritory(t)
        changes = {f: getattr(t, f) for f in ("name", "rep", "role", "region", "area", "color", "home_lat", "home_lon",
                                              "capacity_hours", "target_share", "locked")
                   if not _same(getattr(t, f), getattr(self.original, f))}
        if not changes:
            return None
        return UpdateTerritory(self.index, changes, label=f"Edit territory {self.original.name}")


class RemoveTerritoryDialog(QDialog):
    """Confirm removing a territory and choose where its accounts go; `result_edit()` -> RemoveTerritory."""

    def __init__(self, plan: Plan, index: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan = plan
        self.index = index
        t = plan.territories[index]
        self.setWindowTitle(f"Remove Territory {t.name}")
        rows = plan.rows_in(index)
        pot = float(plan.accounts["potential"].iloc[rows].astype(float).sum()) if len(rows) else 0.0
        intro = QLabel(f"<b>Remove {t.name}</b>" + (f" ({t.rep})" if t.rep else "") +
                       f"?<br>It holds {fmt.count(len(rows))} account{'s' if len(rows) != 1 else ''} "
                       f"with {fmt.money(pot)} potential. You can undo this.")
        intro.setWordWrap(True)
        self.unassign = QRadioButton("Leave its accounts &unassigned")
        self.to_other = QRadioButton("&Move its accounts to:")
        self._group = QButtonGroup(self)
        self._group.addButton(self.unassign)
        self._group.addButton(self.to_other)
        self.target = QComboBox()
        for i in plan.active_territories():
            if int(i) != index:
                other = plan.territories[int(i)]
                label = other.name + (f" — {other.rep}" if other.rep else "") + (" (locked)" if other.locked else "")
                self.target.addItem(icons.swatch(other.color), label, int(i))
                if other.locked:  # a locked book takes no accounts in, not even these
                    item = self.target.model().item(self.target.count() - 1)
                    item.setEnabled(False)
        open_targets = [r for r in range(self.target.count()) if self.target.model().item(r).isEnabled()]
        if open_targets:
            self.target.setCurrentIndex(open_targets[0])
        self.to_other.setEnabled(bool(open_targets))
        self.unassign.setChecked(True)
        self.target.setEnabled(False)
        self.to_other.toggled.connect(self.target.setEnabled)
        self.target.activated.connect(self._target_picked)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Remove")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        move_row = QHBoxLayout()
        move_row.addWidget(self.to_other)
        move_row.addWidget(self.target, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 16, 16, 12)
        lay.setSpacing(10)
        lay.addWidget(intro)
        lay.addSpacing(4)
        lay.addWidget(self.unassign)
        lay.addLayout(move_row)
        lay.addStretch(1)
        lay.addWidget(self.buttons)
        self.resize(460, self.sizeHint().height())

    def _target_picked(self, _row: int) -> None:
        self.to_other.setChecked(True)

    def select_target(self, territory: int) -> None:
        """Send the accounts to `territory` (what choosing it in the combo does)."""
        self.to_other.setChecked(True)
        self.target.setCurrentIndex(self.target.findData(territory))

    def result_edit(self) -> RemoveTerritory:
        usable = self.target.currentIndex() >= 0 and self.target.model().item(self.target.currentIndex()).isEnabled()
        to = int(self.target.currentData()) if self.to_other.isChecked() and usable else -1
        name = self.plan.territories[self.index].name
        return RemoveTerritory(self.index, to, label=f"Remove territory {name}")
