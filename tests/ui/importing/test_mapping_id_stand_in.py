"""A CRM report without an ID column: the name stands in for it, and the mapping says so in amber next to
Account ID instead of a red "required" beside an enabled Import button (a newcomer read it as an error)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from territory_desktop.ui.importing.dialog import MAPPING, ImportDialog


def test_a_missing_id_shows_the_name_standing_in(qtbot, tmp_path):
    path = tmp_path / "report.csv"
    path.write_text("Account Name,City,State,Account Owner\nAcme,Boston,MA,Jane\nBolt,Chicago,IL,Bob\n",
                    encoding="utf-8")
    d = ImportDialog(str(path))
    qtbot.addWidget(d)
    d.show()
    qtbot.mouseClick(d.next_button, Qt.MouseButton.LeftButton)
    assert d.current_page() == MAPPING
    m = d.mapping
    assert m.mark_of("account_id") == "stand-in"
    assert m._marks["account_id"].text() == "name used as ID"
    assert d.next_button.isEnabled()
    d.mapping.combos["name"].setCurrentIndex(d.mapping.combos["name"].findData(""))  # neither: now it is needed
    assert m.mark_of("account_id") == "required" and m.mark_of("name") == "required"
    assert m._marks["account_id"].text() == "required"


def test_the_import_dialog_grows_with_the_screen():
    """On a 1600×1000 screen the fixed 1000×680 left the problems table four rows tall."""
    from PySide6.QtCore import QRect

    from territory_desktop.ui.importing.dialog import _first_size

    class Screen:
        def __init__(self, w: int, h: int) -> None:
            self.rect = QRect(0, 0, w, h)

        def availableGeometry(self) -> QRect:  # noqa: N802 (Qt API)
            return self.rect

    class Widget:
        def __init__(self, screen: Screen) -> None:
            self._screen = screen

        def screen(self) -> Screen:
            return self._screen

    assert _first_size(Widget(Screen(1600, 1000))) == (1312, 860)
    assert _first_size(Widget(Screen(1280, 760))) == (1049, 680)
    assert _first_size(Widget(Screen(2560, 1440))) == (1320, 900)


def test_the_preview_shows_whole_column_headers(qtbot, tmp_path):
    """Salesforce headers ("Billing State/Province") were cut on both sides to "ing State/Provi"."""
    path = tmp_path / "export.csv"
    path.write_text("Account Name,Billing State/Province,Billing Zip/Postal Code\nAcme,MA,02108\n", encoding="utf-8")
    d = ImportDialog(str(path))
    qtbot.addWidget(d)
    d.show()
    header = d.preview.horizontalHeader()
    fm = header.fontMetrics()
    for col, text in enumerate(["Account Name", "Billing State/Province", "Billing Zip/Postal Code"]):
        assert header.sectionSize(col) >= fm.horizontalAdvance(text) + 12, text
