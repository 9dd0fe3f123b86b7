"""A plan whose accounts are a 4×4 grid of map units (rook adjacency), two territories of two columns each, and
its pairs file: the smallest county plan where a territory can be cut in pieces by moving one unit."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QObject, Signal

from territory_desktop.core.plan import Plan, accounts_frame
from territory_desktop.core.territory import Territory

SIDE = 4


def unit_id(r: int, c: int) -> str:
    return f"19{r}{c:02d}"


def grid_plan() -> Plan:
    """Units 19000…19303 (row r, column c): West owns columns 0-1, East columns 2-3; each is one piece."""
    cells = [(r, c) for r in range(SIDE) for c in range(SIDE)]
    acc = accounts_frame({
        "account_id": [unit_id(r, c) for r, c in cells],
        "name": [f"County {r}-{c}" for r, c in cells],
        "lat": [42.0 - 0.4 * r for r, _c in cells], "lon": [-95.0 + 0.5 * c for _r, c in cells],
        "potential": [1000.0 + 100 * (r + c) for r, c in cells],
    })
    terrs = [Territory("West", rep="Ann", home_lat=41.4, home_lon=-94.8),
             Territory("East", rep="Bob", home_lat=41.4, home_lon=-93.8)]
    return Plan(acc, terrs, [0 if c < 2 else 1 for _r, c in cells])


def grid_pairs() -> list[tuple[str, str]]:
    pairs = []
    for r in range(SIDE):
        for c in range(SIDE):
            if c + 1 < SIDE:
                pairs.append((unit_id(r, c), unit_id(r, c + 1)))
            if r + 1 < SIDE:
                pairs.append((unit_id(r, c), unit_id(r + 1, c)))
    return pairs


def write_pairs(folder: Path, name: str = "iowa_pairs.csv", extra: str = "") -> Path:
    path = folder / name
    path.write_text("county_a,county_b\n" + "".join(f"{a},{b}\n" for a, b in grid_pairs()) + extra,
                    encoding="utf-8")
    return path


class StillClient(QObject):
    """A co-pilot client that never suggests anything: the dock's contiguity line is what is under test."""

    statusChanged = Signal(str, str)
    suggestionsChanged = Signal(list)
    progress = Signal(float, object, float)

    def __init__(self) -> None:
        super().__init__()
        self.state, self.detail, self.suggestions = "idle", "", []

    def set_plan(self, plan: Plan) -> None:
        pass

    def pause(self) -> None:
        pass

    def resume(self) -> None:
        pass


@pytest.fixture
def county_plan() -> Plan:
    return grid_plan()
