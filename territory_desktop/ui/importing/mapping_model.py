"""The column mapping page: which column of the file fills each field of the plan, guessed then confirmed.

One combo box per canonical field lists the file's columns ("— not in file —" first). Beside it a marker says
how sure the guess was ("guessed" when confident, "check" when not, "set by you" after a change), and beneath
it a few sample values from the chosen column (wrapped across the page's width, all of them in the tooltip),
so a wrong guess is visible before anything is imported.
"""

from __future__ import annotations

import pandas as pd
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

NOT_IN_FILE = "— not in file —"
CONFIDENT = 0.9
"""Guesses at or above this confidence are shown as "guessed"; below it the planner is asked to check."""

REQUIRED = ("account_id", "name")

SECTIONS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("Account", (("account_id", "Account ID"), ("name", "Account name"))),
    ("Location", (("address", "Street address"), ("city", "City"), ("state", "State"),
                  ("zip", "ZIP / postal code"), ("country", "Country"), ("lat", "Latitude"),
                  ("lon", "Longitude"))),
    ("Size and value", (("segment", "Segment"), ("industry", "Industry"), ("potential", "Potential ($)"),
                        ("pipeline", "Open pipeline ($)"), ("employees", "Employees"),
                        ("revenue", "Company revenue ($)"), ("score", "Account score"))),
    ("Ownership", (("owner", "Owner (rep or territory)"), ("status", "Status"),
                   ("named", "Named account (yes/no)"), ("last_activity", "Last activity date"))),
)
FIELD_LABELS = {f: label for _, fields in SECTIONS for f, label in fields}

_MARK_STYLE = {
    "guessed": "color: #1E6B3A;", "check": "color: #9A5B00; font-weight: 600;", "set": "color: #1F4E9A;",
    "required": "color: #B3261E; font-weight: 600;", "none": "color: #6B6F76;", "stand-in": "color: #9A5B00;",
}


def _sample_values(df: pd.DataFrame | None, column: str | None, n: int = 3) -> list[str]:
    if df is None or not column or column not in df.columns:
        return []
    return [v for v in dict.fromkeys(df[column].astype(str).str.strip()) if v][:n]


def _samples(df: pd.DataFrame | None, column: str | None, n: int = 3) -> str:
    """A few distinct non-blank values of `column` (long ones shortened; the tooltip has them whole)."""
    if df is None or not column or column not in df.columns:
        return ""
    values = _sample_values(df, column, n)
    text = ", ".join(v if len(v) <= 40 else v[:39] + "…" for v in values)
    return f"e.g. {text}" if text else "(blank in the preview)"


class MappingEditor(QWidget):
    """Edit {field: column}; `mapping()` gives it back with "" for fields not in the file."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._columns: list[str] = []
        self._guesses: dict[str, tuple[str, float]] = {}
        self._preview: pd.DataFrame | None = None
        self.combos: dict[str, QComboBox] = {}
        self._marks: dict[str, QLabel] = {}
        self._sample_labels: dict[str, QLabel] = {}
        inner = QWidget()
        grid = QGridLayout(inner)
        grid.setContentsMargins(4, 4, 12, 4)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(2)
        grid.setColumnStretch(3, 1)
        row = 0
        for title, fields in SECTIONS:
            head = QLabel(f"<b>{title}</b>")
            head.setContentsMargins(0, 8 if row else 0, 0, 2)
            grid.addWidget(head, row, 0, 1, 4)
            row += 1
            for field, label in fields:
                combo = QComboBox()
                combo.setMinimumContentsLength(22)
                combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
                combo.setObjectName(f"map_{field}")
                combo.currentIndexChanged.connect(self._combo_changed)
                caption = QLabel(f"{label}{' *' if field in REQUIRED else ''}")
                caption.setBuddy(combo)
                mark = QLabel()
                mark.setMinimumWidth(70)
                sample = QLabel()
                sample.setStyleSheet("color: #6B6F76;")
                sample.setWordWrap(True)  # beneath its combo, the full width: never cut to "EDUCATIO…"
                sample.setContentsMargins(2, 0, 0, 4)
                small = sample.font()
                small.setPointSizeF(max(7.5, small.pointSizeF() - 0.5))
                sample.setFont(small)
                sample.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
                grid.addWidget(caption, row, 0)
                grid.addWidget(combo, row, 1)
                grid.addWidget(mark, row, 2)
                grid.addWidget(sample, row + 1, 1, 1, 3)
                self.combos[field], self._marks[field], self._sample_labels[field] = combo, mark, sample
                row += 2
        grid.setRowStretch(row, 1)
        self.scroll = scroll = QScrollArea()
        scroll.setWidget(inner)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(scroll)
        self._user_set: set[str] = set()
        self._loading = False

    def set_columns(self, columns: list[str], guesses: dict[str, tuple[str, float]],
                    preview: pd.DataFrame | None = None) -> None:
        """Offer `columns` in every combo and select the guesses (field -> (column, confidence))."""
        self._loading = True
        self._columns = list(columns)
        self._guesses = {f: g for f, g in guesses.items() if f in self.combos and g[0] in self._columns}
        self._preview = preview
        self._user_set.clear()
        for field, combo in self.combos.items():
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(NOT_IN_FILE, "")
            for c in self._columns:
                combo.addItem(c, c)
            guess = self._guesses.get(field)
            combo.setCurrentIndex(combo.findData(guess[0]) if guess else 0)
            combo.blockSignals(False)
        for field in self.combos:  # after every combo is set: a mark may depend on another field's column
            self._refresh(field)
        self._loading = False
        self.changed.emit()

    def set_column(self, field: str, column: str | None) -> None:
        """Map `field` to `column` (None or "" = not in file), as choosing it in the combo would."""
        combo = self.combos[field]
        idx = combo.findData(column or "")
        if idx < 0:
            raise KeyError(f"the file has no column {column!r}")
        combo.setCurrentIndex(idx)

    def mapping(self) -> dict[str, str]:
        """The complete mapping for the importer: every field, "" where the file has no column for it."""
        return {f: (c.currentData() or "") for f, c in self.combos.items()}

    def issues(self) -> tuple[list[str], list[str]]:
        """(errors that block the import, warnings worth a look), in the planner's words."""
        m = self.mapping()
        errors: list[str] = []
        warnings: list[str] = []
        if not m["account_id"] and not m["name"]:
            errors.append("Choose the column with the account ID or the account name.")
        elif not m["account_id"]:
            warnings.append("No account ID column: the account name is used as the ID, so accounts with the "
                            "same name are rejected.")
        elif not m["name"]:
            warnings.append("No account name column: accounts are shown by their ID.")
        used: dict[str, list[str]] = {}
        for f, c in m.items():
            if c:
                used.setdefault(c, []).append(FIELD_LABELS[f])
        for c, fields in used.items():
            if len(fields) > 1:
                errors.append(f"Column {c!r} is chosen for both {' and '.join(fields)}: pick one.")
        unsure = [FIELD_LABELS[f] for f in self.combos if self.mark_of(f) == "check"]
        if unsure:
            warnings.append(f"Check the guessed column for {', '.join(unsure)}.")
        return errors, warnings

    def mark_of(self, field: str) -> str:
        """"guessed", "check", "set" (by the planner), "required" (missing), "stand-in" (the ID or the name
        missing, the other one standing in for it) or "none"."""
        column = self.combos[field].currentData()
        if not column:
            if field not in REQUIRED:
                return "none"
            partner = next(f for f in REQUIRED if f != field)
            return "stand-in" if self.combos[partner].currentData() else "required"
        if field in self._user_set:
            return "set"
        guess = self._guesses.get(field)
        if guess and guess[0] == column:
            return "guessed" if guess[1] >= CONFIDENT else "check"
        return "set"

    def _combo_changed(self) -> None:
        if self._loading:
            return
        field = next((f for f, c in self.combos.items() if c is self.sender()), None)
        if field is not None:
            self._user_set.add(field)
            self._refresh(field)
            if field in REQUIRED:  # the ID and the name stand in for each other: the partner's mark follows
                self._refresh(next(f for f in REQUIRED if f != field))
        self.changed.emit()

    def _refresh(self, field: str) -> None:
        mark = self.mark_of(field)
        stand_in = "name used as ID" if field == "account_id" else "ID used as name"
        text = {"guessed": "✓ guessed", "check": "? check", "set": "set by you", "required": "required",
                "none": "", "stand-in": stand_in}[mark]
        label = self._marks[field]
        label.setText(text)
        label.setStyleSheet(_MARK_STYLE[mark])
        guess = self._guesses.get(field)
        label.setToolTip(f"Guessed from the column name ({guess[1]:.0%} sure)" if guess else "")
        column = self.combos[field].currentData()
        sample = self._sample_labels[field]
        sample.setText(_samples(self._preview, column))
        values = _sample_values(self._preview, column, 8)
        sample.setToolTip("\n".join(values) if values else "")
