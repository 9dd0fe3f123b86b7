"""What the planner tells the what-if before it is worked out: who the hire is and where the book comes from
(a vacant territory or a new carve), or what happens to a leaving rep's book (redistributed now, or kept whole
as a vacant territory until the hire)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from territory_desktop.io.importing.geocode import zip_table
from territory_desktop.ui.theme.style import MUTED

ERROR_STYLE = "color: #B3261E;"


def zip_home(text: str) -> tuple[float, float] | None:
    """(lat, lon) of a US ZIP's centroid, or None."""
    digits = "".join(ch for ch in str(text) if ch.isdigit())[:5]
    if len(digits) < 3:
        return None
    table = zip_table()
    z = digits.zfill(5)
    if z not in table.index:
        return None
    return float(table.at[z, "lat"]), float(table.at[z, "lon"])


def _muted(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {MUTED};")
    return label


class AddRepDialog(QDialog):
    """A new hire: take over a vacant territory (picked from the list) or carve a new one from the neighbours;
    the rep's home is the seat's, where coverage is thinnest (a carve) or a US ZIP."""

    def __init__(self, default_name: str, parent: QWidget | None = None,
                 vacant: list[tuple[int, str]] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add a rep")
        self.vacant = list(vacant or [])
        self.rep = QLineEdit(self, placeholderText="e.g. Ben Ortiz")
        self.fill = QRadioButton("Take over a vacant territory:", self)
        self.seat = QComboBox(self)
        for _t, name in self.vacant:
            self.seat.addItem(name)
        self.carve = QRadioButton("Carve a new territory, named:", self)
        self.carve.setToolTip("Accounts come from the neighbouring reps of the same role, nearest first.")
        self.name = QLineEdit(default_name, self)
        self.name.setMinimumWidth(220)
        self.name.setCursorPosition(0)
        self.seat.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        mode = QButtonGroup(self)
        mode.addButton(self.fill)
        mode.addButton(self.carve)
        self.seat_home = QRadioButton("Keep the vacant territory's home", self)
        self.thinnest = QRadioButton("Where coverage is thinnest (worked out from the accounts)", self)
        self.at_zip = QRadioButton("At ZIP code", self)
        self.zip = QLineEdit(self, placeholderText="e.g. 80202", maxLength=10)
        where = QButtonGroup(self)
        for b in (self.seat_home, self.thinnest, self.at_zip):
            where.addButton(b)
        self.problem = QLabel(self)
        self.problem.setStyleSheet(ERROR_STYLE)
        self.problem.setWordWrap(True)

        form = QFormLayout()
        form.addRow("New &hire's name:", self.rep)
        book = QGridLayout()
        book.addWidget(self.fill, 0, 0)
        book.addWidget(self.seat, 0, 1)
        book.addWidget(self.carve, 1, 0)
        book.addWidget(self.name, 1, 1)
        book.setColumnStretch(1, 1)
        form.addRow("Book:", book)
        home = QGridLayout()
        home.addWidget(self.seat_home, 0, 0, 1, 2)
        home.addWidget(self.thinnest, 1, 0, 1, 2)
        home.addWidget(self.at_zip, 2, 0)
        home.addWidget(self.zip, 2, 1)
        home.setColumnStretch(1, 1)
        form.addRow("Rep's home:", home)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        if not self.vacant:
            lay.addWidget(_muted("No territory is vacant: a departure kept whole (Remove a rep → keep the book "
                                 "whole) can be filled here.", self))
        lay.addWidget(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        ok = buttons.addButton("Work it out", QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setDefault(True)
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.fill.toggled.connect(self._mode_changed)
        self.at_zip.toggled.connect(self.zip.setEnabled)
        self.fill.setEnabled(bool(self.vacant))
        (self.fill if self.vacant else self.carve).setChecked(True)
        self._mode_changed()
        self.setMinimumWidth(560)
        self.home: tuple[float, float] | None = None

    @property
    def filling(self) -> bool:
        return self.fill.isChecked()

    @property
    def seat_index(self) -> int:
        """The territory index of the vacant seat picked (-1 when carving)."""
        i = self.seat.currentIndex()
        return self.vacant[i][0] if self.filling and 0 <= i < len(self.vacant) else -1

    def _mode_changed(self) -> None:
        filling = self.fill.isChecked()
        self.seat.setEnabled(filling)
        self.name.setEnabled(not filling)
        self.seat_home.setEnabled(filling)
        self.thinnest.setEnabled(not filling)
        if not self.at_zip.isChecked():  # a ZIP typed stays the choice; else the mode's own default home
            (self.seat_home if filling else self.thinnest).setChecked(True)
        self.zip.setEnabled(self.at_zip.isChecked())

    def _check(self) -> None:
        if self.filling and not self.rep.text().strip():
            self.problem.setText("Name the new hire who takes over the vacant territory.")
            return
        if not self.filling and not self.name.text().strip():
            self.problem.setText("Give the new territory a name.")
            return
        self.home = None
        if self.at_zip.isChecked():
            self.home = zip_home(self.zip.text())
            if self.home is None:
                self.problem.setText(f"{self.zip.text().strip()!r} is not a US ZIP code we know.")
                return
        self.accept()


KEEP_VACANT, REDISTRIBUTE = "vacant", "redistribute"


class RemoveRepDialog(QDialog):
    """A rep leaves: redistribute the book now, or keep it whole as "<name> (vacant)" until the hire."""

    def __init__(self, territory: str, rep: str, accounts: int, vacant: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Remove a rep")
        who = f"{rep} ({territory})" if rep else territory
        lay = QVBoxLayout(self)
        head = QLabel(f"<b>{who} leaves.</b> What happens to the {accounts:,} account"
                      f"{'s' if accounts != 1 else ''}?" if not vacant else
                      f"<b>{territory}</b> is vacant. Hand its {accounts:,} account{'s' if accounts != 1 else ''}"
                      " out to the other reps?", self)
        head.setWordWrap(True)
        lay.addWidget(head)
        self.redistribute = QRadioButton("Redistribute the book now", self)
        lay.addWidget(self.redistribute)
        lay.addWidget(_indented(_muted("The engine gives each account a new owner among the reps it may go to "
                                       "(peers first); everyone else stays put.", self)))
        self.keep = QRadioButton("Keep the book whole as a vacant territory until the hire", self)
        lay.addWidget(self.keep)
        lay.addWidget(_indented(_muted(
            f"The territory stays as \"{territory} (vacant)\" with its accounts, no rep, locked so the co-pilot "
            "leaves it alone; Add a rep fills it later in one step." if not vacant else
            "It already is: fill it with Add a rep.", self)))
        self.keep.setEnabled(not vacant)
        self.redistribute.setChecked(True)  # what Remove a rep always did; keeping whole is one click away
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        ok = buttons.addButton("Work it out", QDialogButtonBox.ButtonRole.AcceptRole)
        ok.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.setMinimumWidth(520)

    @property
    def mode(self) -> str:
        return KEEP_VACANT if self.keep.isChecked() else REDISTRIBUTE


def _indented(label: QLabel) -> QLabel:
    label.setContentsMargins(24, 0, 0, 6)
    return label
