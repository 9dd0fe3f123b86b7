"""Revenue thresholds read as planners write them: "$1.0 B", not "$1,000.0 M"; typed "1.5B" or "750M" work."""

from __future__ import annotations

from territory_desktop.ui.theme.millions_spin import MillionsSpin


def test_a_billion_reads_as_a_billion_and_typing_either_unit_works(qtbot):
    s = MillionsSpin(0.2, 10_000_000, 1000.0, 50)
    qtbot.addWidget(s)
    assert s.text() == "$1.0 B"
    s.setValue(50)
    assert s.text() == "$50.0 M"
    s.setValue(2500)
    assert s.text() == "$2.5 B"
    s.setValue(1250)
    assert s.text() == "$1.25 B"
    for typed, millions in (("1.5B", 1500.0), ("$750 M", 750.0), ("2,000", 2000.0), ("$1.25 b", 1250.0)):
        s.lineEdit().selectAll()
        qtbot.keyClicks(s.lineEdit(), typed)
        s.interpretText()
        assert s.value() == millions, typed
