from territory_desktop.core.format import count, hours, money, percent


def test_numbers_read_like_a_planner_writes_them():
    assert money(1_234_567) == "$1.2M"
    assert money(950) == "$950"
    assert money(12_500) == "$12.5k"
    assert money(-2_000_000_000) == "-$2.0B"
    assert percent(0.153) == "15%"
    assert percent(-0.08, signed=True) == "-8%"
    assert percent(0.31, signed=True) == "+31%"
    assert count(12345) == "12,345"
    assert hours(1600.4) == "1,600 h"
    assert money(float("nan")) == "—"
