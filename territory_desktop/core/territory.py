"""A territory: the book of one rep (or an open seat), where its rep lives, and how much work it can take."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields
from typing import Any

EDITABLE_FIELDS = ("name", "rep", "role", "region", "area", "home_lat", "home_lon", "capacity_hours", "color",
                   "locked", "target_share", "rules")


@dataclass
class Territory:
    """One territory. `removed` keeps a deleted territory's identity so change lists can still name it."""

    name: str
    rep: str = ""
    role: str = ""
    region: str = ""
    home_lat: float = math.nan
    home_lon: float = math.nan
    capacity_hours: float = 1600.0
    color: str = "#999999"
    locked: bool = False
    target_share: float = 1.0
    """Relative size this territory is meant to have (1.0 = an equal share; 1.5 = half as large again)."""
    removed: bool = False
    rules: list[dict[str, Any]] = field(default_factory=list)
    """The territory's definition for routing (core/routing/): criteria {field, operator, values}, all of which
    an account must meet; empty = the territory is defined by its accounts alone."""
    area: str = ""
    """The area the territory's region belongs to (territory -> region -> area, core/hierarchy.py); kept on
    the territory like the region, so one UpdateTerritory moves it in the tree and undo moves it back."""

    @property
    def has_home(self) -> bool:
        return math.isfinite(self.home_lat) and math.isfinite(self.home_lon)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for key in ("home_lat", "home_lon"):
            if not math.isfinite(d[key]):
                d[key] = None
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Territory:
        known = {f.name for f in fields(cls)}
        kw = {k: v for k, v in d.items() if k in known}
        for key in ("home_lat", "home_lon"):
            kw[key] = math.nan if kw.get(key) is None else float(kw[key])
        return cls(**kw)
