"""The roll-up of territories into regions and regions into areas, with totals per level.

Every number is a sum of `kpis.territory_table` rows (the core's own numbers), so a region's accounts are
exactly its territories' accounts and the tree in the territories panel never disagrees with the rows under
it. Region and area are fields of each `Territory` (no separate region list to keep in step): a region is
the set of territories with one (area, region) pair, grouped by `kpis.region_key` — the same key the peer
groups use when balance is judged within a region. Blank fields fall under "No region" / "No area"; areas
are a level of their own only when some territory names one, so a plan with regions alone is a two-level tree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from territory_desktop.core import kpis
from territory_desktop.core.plan import Plan

NO_REGION = "No region"
NO_AREA = "No area"
AREA, REGION = "area", "region"


@dataclass(frozen=True)
class Totals:
    """What a level of the tree adds up to (its territories' numbers summed)."""

    territories: int
    accounts: int
    measures: dict[str, float]
    """Sum of every numeric measure of the plan (potential, pipeline, ...) over the group's territories."""
    workload: float
    capacity: float
    out_of_band: int
    """Territories out of band on at least one balanced measure (the table's `in_band` is False)."""
    out_by_measure: dict[str, int]
    near_by_measure: dict[str, int]
    over_capacity: int

    @property
    def utilisation(self) -> float:
        """Workload ÷ capacity of the whole group (NaN without capacity): not the mean of the territories'."""
        return self.workload / self.capacity if self.capacity > 0 else float("nan")


@dataclass(frozen=True)
class Group:
    """An area or a region: its name as the planner wrote it (first spelling met), its territories, totals."""

    level: str
    key: str
    """`kpis.region_key(area, region)` for a region; for an area the same key with a blank region."""
    name: str
    territories: tuple[int, ...]
    """Plan territory indices, in the plan's order."""
    totals: Totals
    children: tuple[Group, ...] = field(default=())
    """The regions of an area (empty for a region)."""


@dataclass(frozen=True)
class Hierarchy:
    """The tree's top level (areas when any territory names one, else regions) and the plan's grand total."""

    has_areas: bool
    groups: tuple[Group, ...]
    total: Totals

    def regions(self) -> list[Group]:
        """Every region, area by area."""
        return [r for g in self.groups for r in g.children] if self.has_areas else list(self.groups)

    def region_of(self, territory: int) -> Group | None:
        return next((r for r in self.regions() if territory in r.territories), None)


def _totals(table: pd.DataFrame, measure_names: tuple[str, ...], balanced: tuple[str, ...]) -> Totals:
    status = {m: table[f"status_{m}"].to_numpy() if f"status_{m}" in table else np.empty(0) for m in balanced}
    return Totals(
        territories=len(table), accounts=int(table["accounts"].sum()),
        measures={m: float(table[m].sum()) for m in measure_names},
        workload=float(table["workload"].sum()), capacity=float(table["capacity"].sum()),
        out_of_band=int((~table["in_band"].astype(bool)).sum()),
        out_by_measure={m: int((status[m] == kpis.OUT).sum()) for m in balanced},
        near_by_measure={m: int((status[m] == kpis.NEAR).sum()) for m in balanced},
        over_capacity=int(table["over_capacity"].astype(bool).sum()),
    )


def _sort_key(name: str, blank: bool) -> tuple[bool, str]:
    return blank, name.casefold()  # "No region" last


def roll_up(plan: Plan, table: pd.DataFrame | None = None) -> Hierarchy:
    """The plan's active territories grouped into regions (and areas), each level with its totals.

    `table` is `kpis.territory_table(plan)` when the caller has it already (the panel does).
    """
    table = kpis.territory_table(plan) if table is None else table
    names = tuple(plan.measure_names)
    balanced = tuple(m.measure for m in plan.settings.measures)
    areas = [str(a).strip() for a in table["area"]] if "area" in table else [""] * len(table)
    regions = [str(r).strip() for r in table["region"]]
    has_areas = any(areas)
    region_keys = [kpis.region_key(a if has_areas else "", r) for a, r in zip(areas, regions, strict=True)]
    area_keys = [kpis.region_key(a, "") for a in areas]
    positions = np.arange(len(table))

    def region_group(key: str, where: np.ndarray) -> Group:
        first = int(where[0])
        sub = table.iloc[where]
        return Group(REGION, key, regions[first] or NO_REGION, tuple(int(i) for i in sub.index),
                     _totals(sub, names, balanced))

    def regions_of(where: np.ndarray) -> tuple[Group, ...]:
        by_key: dict[str, list[int]] = {}
        for i in where.tolist():
            by_key.setdefault(region_keys[i], []).append(i)
        groups = [region_group(k, np.array(v)) for k, v in by_key.items()]
        return tuple(sorted(groups, key=lambda g: _sort_key(g.name, not regions[_first(g, table)])))

    if not has_areas:
        top = regions_of(positions)
    else:
        by_area: dict[str, list[int]] = {}
        for i in positions.tolist():
            by_area.setdefault(area_keys[i], []).append(i)
        top_list = []
        for key, where in by_area.items():
            w = np.array(where)
            sub = table.iloc[w]
            top_list.append(Group(AREA, key, areas[where[0]] or NO_AREA, tuple(int(i) for i in sub.index),
                                  _totals(sub, names, balanced), regions_of(w)))
        top = tuple(sorted(top_list, key=lambda g: _sort_key(g.name, not areas[_first(g, table)])))
    return Hierarchy(has_areas, top, _totals(table, names, balanced))


def _first(group: Group, table: pd.DataFrame) -> int:
    """Position in `table` of the group's first territory (whose spelling names the group)."""
    return int(table.index.get_loc(group.territories[0]))
