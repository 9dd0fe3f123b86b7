"""How numbers read to a planner: $1.2M, 45%, 1,234 h. Shared by the window, the CLI and reports."""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType


def money(value: float, digits: int = 1) -> str:
    """Compact currency: $950, $12.5k, $1.2M, $3.4B."""
    if value is None or not math.isfinite(value):
        return "—"
    sign = "-" if value < 0 else ""
    v = abs(value)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if v >= limit:
            return f"{sign}${v / limit:,.{digits}f}{suffix}"
    return f"{sign}${v:,.0f}"


def percent(value: float, digits: int = 0, signed: bool = False) -> str:
    """0.153 -> "15%" (or "+15%" when signed)."""
    if value is None or not math.isfinite(value):
        return "—"
    return f"{value * 100:{'+' if signed else ''}.{digits}f}%"


def count(value: float) -> str:
    return f"{value:,.0f}" if value is not None and math.isfinite(value) else "—"


def hours(value: float) -> str:
    return f"{value:,.0f} h" if value is not None and math.isfinite(value) else "—"


PLACEMENT_WORDS: Mapping[str, str] = MappingProxyType({
    "latlon": "Own coordinates", "zip": "ZIP centroid", "city": "City centroid", "none": "Not placed"})
"""How an account was placed (its geo_source, decided by the import's geocoder) in a planner's words: the
table's Placement column and the map's tooltip say it the same way."""
