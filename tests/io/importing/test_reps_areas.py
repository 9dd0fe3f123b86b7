"""Reps files that say where each territory sits: region and, above it, area (issue 17's hierarchy), read so
the territories panel's tree and "Balance within region" work from the first import."""

from __future__ import annotations

from pathlib import Path

from territory_desktop.core.hierarchy import roll_up
from territory_desktop.io.importing.columns import guess_reps_mapping
from territory_desktop.io.importing.importer import import_plan

ACCOUNTS = ("Account ID,Account Name,Account Owner,Billing Zip/Postal Code,Annual Revenue\n"
            "A1,Acme,Ann Lee,02134,100000\nA2,Beta,Bob Ray,10001,200000\n"
            "A3,Gamma,Cy Dorn,60601,300000\nA4,Delta,Dee Fox,94105,400000\n")
REPS = ("Rep Name,Territory,Home ZIP,Sales Region,Area\n"
        "Ann Lee,Boston,02134,Northeast,East\nBob Ray,New York,10001,Northeast,East\n"
        "Cy Dorn,Chicago,60601,Central,\" West \"\nDee Fox,Bay Area,94105,Pacific,West\n")


def _files(tmp_path: Path) -> tuple[Path, Path]:
    a, r = tmp_path / "accounts.csv", tmp_path / "reps.csv"
    a.write_text(ACCOUNTS, encoding="utf-8")
    r.write_text(REPS, encoding="utf-8")
    return a, r


def test_the_area_column_is_read_as_the_level_above_regions(tmp_path: Path) -> None:
    plan = import_plan(*_files(tmp_path)).plan
    by_name = {t.name: t for t in plan.territories}
    assert {n: (t.region, t.area.strip()) for n, t in by_name.items()} == {
        "Boston": ("Northeast", "East"), "New York": ("Northeast", "East"),
        "Chicago": ("Central", "West"), "Bay Area": ("Pacific", "West")}


def test_the_tree_totals_of_imported_areas_are_the_sums_of_their_territories(tmp_path: Path) -> None:
    plan = import_plan(*_files(tmp_path)).plan
    tree = roll_up(plan)
    assert tree.has_areas and [g.name for g in tree.groups] == ["East", "West"]
    for area in tree.groups:
        members = [i for i, t in enumerate(plan.territories) if t.area.strip() == area.name]
        assert sorted(area.territories) == members
        assert area.totals.accounts == int((plan.assignment[:, None] == members).any(axis=1).sum())
        assert area.totals.measures["potential"] == sum(
            float(plan.accounts["potential"][plan.assignment == i].sum()) for i in members)
    assert [r.name for r in tree.groups[0].children] == ["Northeast"]

def test_an_area_column_alone_is_not_taken_for_regions() -> None:
    mapping = guess_reps_mapping(["Rep", "Territory", "Area"])
    assert mapping["area"][0] == "Area" and "region" not in mapping
