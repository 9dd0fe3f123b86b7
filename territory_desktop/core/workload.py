"""Per-account workload in fixed-point hours, as a function of the account and the territory serving it.

Values are int64 milli-hours so that incremental sums are exact: moving accounts and moving them back gives
the very same totals as a full recomputation, bit for bit.
"""

from __future__ import annotations

import numpy as np

from territory_desktop.core.geo import haversine_km
from territory_desktop.core.settings import WorkloadModel

SCALE = 1000
"""Fixed-point scale of every measure array (milli-dollars, milli-hours)."""


def segment_rates(segments: np.ndarray, model: WorkloadModel) -> tuple[np.ndarray, np.ndarray]:
    """Base service hours and visits per year for each account, from its segment."""
    seg = np.asarray(segments, dtype=object)
    hours = np.full(len(seg), model.default_hours, dtype=np.float64)
    visits = np.full(len(seg), model.default_visits, dtype=np.float64)
    for name, h in model.hours_by_segment.items():
        hours[seg == name] = h
    for name, v in model.visits_by_segment.items():
        visits[seg == name] = v
    return hours, visits


def account_workload(base_hours: np.ndarray, visits: np.ndarray, lat: np.ndarray, lon: np.ndarray,
                     home_lat: np.ndarray, home_lon: np.ndarray, model: WorkloadModel) -> np.ndarray:
    """Milli-hours for accounts served from the given homes (arrays aligned row by row).

    Travel is zero where the account or the home has no location: the planner sees the service hours and a
    flag for the unplaced account rather than an invented distance.
    """
    dist = haversine_km(lat, lon, home_lat, home_lon)
    dist = np.where(np.isfinite(dist), dist, 0.0)
    trip = np.minimum(2.0 * dist * model.circuity / max(model.speed_kmh, 1e-9), model.max_trip_hours)
    travel = trip * visits
    return np.rint((base_hours + travel) * SCALE).astype(np.int64)
