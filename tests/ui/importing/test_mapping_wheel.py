"""Scrolling the mapping form with the mouse wheel never changes a mapping the pointer passes over (a
newcomer's "Billing Country" became "Last Activity" that way); a combo the planner clicked into still takes
the wheel."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QAbstractScrollArea, QApplication

from territory_desktop.ui.importing.dialog import MAPPING, ImportDialog
from territory_desktop.ui.theme.wheel_guard import install_wheel_guard
from tests.ui.importing.test_import_dialog import MESSY


def _wheel_down(widget, notches: int = 1) -> None:
    pos = QPointF(widget.rect().center())
    for _ in range(notches):
        event = QWheelEvent(pos, QPointF(widget.mapToGlobal(pos.toPoint())), QPoint(0, 0), QPoint(0, -120),
                            Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase,
                            False)
        QApplication.sendEvent(widget, event)


def _scroll_area(widget) -> QAbstractScrollArea:
    w = widget.parentWidget()
    while not isinstance(w, QAbstractScrollArea):
        w = w.parentWidget()
    return w


def test_the_wheel_scrolls_the_form_not_the_mapping_under_the_pointer(qtbot, tmp_path):
    install_wheel_guard(QApplication.instance())
    path = tmp_path / "crm export.csv"
    path.write_text(MESSY, encoding="utf-8")
    d = ImportDialog(str(path))
    qtbot.addWidget(d)
    d.resize(900, 520)  # short enough that the form scrolls
    d.show()
    qtbot.mouseClick(d.next_button, Qt.MouseButton.LeftButton)
    assert d.current_page() == MAPPING
    combo = d.mapping.combos["country"]
    area = _scroll_area(combo)
    bar = area.verticalScrollBar()
    assert bar.maximum() > 0, "the form should need scrolling at this size"
    d.next_button.setFocus()
    before_text, before_scroll = combo.currentText(), bar.value()
    _wheel_down(combo, 3)
    assert combo.currentText() == before_text, "the wheel changed a mapping it only passed over"
    assert bar.value() > before_scroll, "the form did not scroll"
    d.activateWindow()
    combo.setFocus()  # clicked into: the combo takes the wheel as usual
    qtbot.waitUntil(combo.hasFocus, timeout=2000)
    _wheel_down(combo)
    assert combo.currentText() != before_text
