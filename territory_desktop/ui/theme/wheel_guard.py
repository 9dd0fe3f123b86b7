"""The mouse wheel scrolls the form under it, not the combo box or spin box it happens to pass over.

In the import dialog's mapping form a planner scrolling down with the wheel changed "Billing Country" to
"Last Activity" on the way (a combo box takes the wheel whenever the pointer is over it): a silent wrong
mapping when the column it lands on is unused. An unfocused combo or spin box now hands the wheel to the
scroll area it sits in (or ignores it); once clicked or tabbed into, it takes the wheel as usual.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QAbstractScrollArea, QAbstractSpinBox, QApplication, QComboBox, QWidget


class WheelGuard(QObject):
    """An application-wide event filter (see module docstring)."""

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if event.type() != QEvent.Type.Wheel or not isinstance(obj, QComboBox | QAbstractSpinBox):
            return False
        if obj.hasFocus() or (isinstance(obj, QComboBox) and obj.view().isVisible()):
            return False
        area = _scroll_area_of(obj)
        if area is not None:
            bar = area.verticalScrollBar()
            if bar is not None and bar.maximum() > bar.minimum():
                QApplication.sendEvent(bar, event)
        return True  # the value under the pointer never changes by accident


def _scroll_area_of(widget: QWidget) -> QAbstractScrollArea | None:
    w = widget.parentWidget()
    while w is not None:
        if isinstance(w, QAbstractScrollArea):
            return w
        w = w.parentWidget()
    return None


_GUARD: WheelGuard | None = None


def install_wheel_guard(app: QApplication) -> None:
    """Install the guard once for the application."""
    global _GUARD
    if _GUARD is None:
        _GUARD = WheelGuard(app)
        app.installEventFilter(_GUARD)
