"""The import dialog as a newcomer reads it: steps counted 1, 2, 3 (no jump to "Step 4 of 4"), sample values
of the mapping shown whole, and every problem's reason readable in full."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from territory_desktop.ui.importing.dialog import MAPPING, REPORT, ImportDialog
from tests.ui.importing.test_import_dialog import MESSY

LONG = (
    "Account ID,Account Name,Billing City,Billing State,Industry,Account Owner\n"
    "A-1,Acme,Boston,MA,EDUCATIONAL SERVICES AND TRAINING PROVIDERS,Alice\n"
    "A-2,Bolt,Chicago,IL,HEALTH CARE AND SOCIAL ASSISTANCE,Bob\n"
    "A-3,Crane,Denver,CO,PROFESSIONAL SCIENTIFIC AND TECHNICAL,Alice\n"
)


def _dialog(qtbot, path) -> ImportDialog:
    d = ImportDialog(str(path))
    qtbot.addWidget(d)
    d.show()
    return d


def test_steps_are_counted_without_a_jump(qtbot, tmp_path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(MESSY, encoding="utf-8")
    d = _dialog(qtbot, path)
    seen = [d.step_label.text()]
    qtbot.mouseClick(d.next_button, Qt.MouseButton.LeftButton)
    seen.append(d.step_label.text())
    qtbot.mouseClick(d.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: d.current_page() == REPORT, timeout=15_000)
    seen.append(d.step_label.text())
    assert seen == ["Step 1 of 3", "Step 2 of 3", "Step 3 of 3"]


def test_mapping_samples_are_not_clipped(qtbot, tmp_path) -> None:
    path = tmp_path / "long.csv"
    path.write_text(LONG, encoding="utf-8")
    d = _dialog(qtbot, path)
    qtbot.mouseClick(d.next_button, Qt.MouseButton.LeftButton)
    assert d.current_page() == MAPPING
    QApplication.processEvents()
    label = d.mapping._sample_labels["industry"]
    assert "EDUCATIONAL SERVICES AND TRAINING PROVIDERS" in label.toolTip()
    # every line of the label is inside what is drawn: no clipping at its right edge or bottom
    assert label.heightForWidth(label.width()) <= label.height() or not label.wordWrap()
    assert label.wordWrap()
    scroll = d.mapping.scroll
    right = label.mapTo(scroll.widget(), label.rect().topRight()).x()
    assert right <= scroll.viewport().width(), (right, scroll.viewport().width())


def test_every_problem_reason_is_readable_in_full(qtbot, tmp_path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(MESSY, encoding="utf-8")
    d = _dialog(qtbot, path)
    qtbot.mouseClick(d.next_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(d.next_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: d.current_page() == REPORT, timeout=15_000)
    report = d.report
    table = report.table
    reason_col = report.model.columnCount() - 1
    for row in range(report.model.rowCount()):
        reason = report.model.problem(row).reason
        table.selectRow(row)
        assert reason in report.detail.text()
        rect = table.visualRect(report.model.index(row, reason_col))
        fm = table.fontMetrics()
        lines = fm.boundingRect(0, 0, rect.width() - 12, 10_000, int(Qt.TextFlag.TextWordWrap), reason).height()
        assert rect.height() >= lines, (reason, rect.height(), lines)


def test_the_segments_and_potential_panel_is_not_cut_at_the_right(qtbot) -> None:
    from territory_desktop.io.sample.generate import bundled_sample_paths
    d = _dialog(qtbot, bundled_sample_paths()[0])
    font = d.font()
    font.setPointSizeF(10.5)  # a planner's larger system font: the panel must grow, not cut its fields
    d.setFont(font)
    qtbot.mouseClick(d.next_button, Qt.MouseButton.LeftButton)
    qtbot.wait(50)
    from PySide6.QtWidgets import QScrollArea
    scroll = d.sizing.findChild(QScrollArea)
    inner = scroll.widget()
    from PySide6.QtWidgets import QWidget
    for child in inner.findChildren(QWidget):
        if child.isVisibleTo(inner) and child.width() > 0:
            right = child.mapTo(inner, child.rect().topRight()).x()
            assert right <= scroll.viewport().width(), (child, right, scroll.viewport().width())
