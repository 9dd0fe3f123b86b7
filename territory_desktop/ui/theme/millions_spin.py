"""A spin box for revenue thresholds held in millions that reads the way planners write them: "$50.0 M",
"$1.0 B" (a newcomer saw "$1,000.0 M" for the Enterprise threshold). Typing "1.5B", "$750M" or "2000" works;
the value stays in millions either way."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QDoubleSpinBox, QWidget

_TYPED = re.compile(r"^\s*\$?\s*([0-9][0-9,]*(?:\.[0-9]*)?|\.[0-9]+)?\s*([mMbB])?\s*$")


class MillionsSpin(QDoubleSpinBox):
    """Millions of dollars, shown as $… M below a thousand and $… B from there."""

    def __init__(self, lo: float, hi: float, value: float, step: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setRange(lo, hi)
        self.setDecimals(1)
        self.setSingleStep(step)
        self.setValue(value)
        self.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.setAccelerated(True)

    def textFromValue(self, value: float) -> str:  # noqa: N802 (Qt API)
        if value >= 1000:
            billions = value / 1000
            return f"${billions:,.1f} B" if round(billions, 1) == round(billions, 2) else f"${billions:,.2f} B"
        return f"${value:,.1f} M"

    def valueFromText(self, text: str) -> float:  # noqa: N802 (Qt API)
        parsed = _parse(text)
        return self.value() if parsed is None else parsed

    def validate(self, text: str, pos: int) -> object:
        m = _TYPED.match(text)
        if m is None:
            return QValidator.State.Invalid, text, pos
        parsed = _parse(text)
        if parsed is None or not self.minimum() <= parsed <= self.maximum():
            return QValidator.State.Intermediate, text, pos
        return QValidator.State.Acceptable, text, pos


def _parse(text: str) -> float | None:
    """Millions from "$1.5 B", "750M", "2,000" (no unit: millions); None when it is no amount."""
    m = _TYPED.match(text)
    if m is None or not m.group(1):
        return None
    value = float(m.group(1).replace(",", ""))
    return value * 1000 if (m.group(2) or "").lower() == "b" else value
