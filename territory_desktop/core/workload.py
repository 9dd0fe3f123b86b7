"""Per-account workload in fixed-point hours, as a function of the account and the territory serving it.

Values are int64 milli-hours so that incremental sums are exact: moving accounts and moving them back gives
the very same totals as a full recomputation, bit for bit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from territory_desktop.core.geo import haversine_km_prepared
from territory_desktop.core.settings import WorkloadModel

SCALE = 1000
"""Fixed-point scale of every measure array (milli-dollars, milli-hours)."""


def segment_rates(segments: np.ndarray, model: WorkloadModel) -> tuple[np.ndarray, np.ndarray]:
    """Base service hours and visits per year for each account, from its segment.

    Looked up once per distinct segment and spread by code: comparing a million cells with every segment
    name cost ~0.1 s of each project open at 1M accounts.
    """
    codes, names = pd.factorize(np.asarray(segments, dtype=object), use_na_sentinel=True)
    per_hours = np.array([*(model.hours_by_segment.get(v, model.default_hours) for v in names),
                          model.default_hours], dtype=np.float64)  # the last slot: code -1, no segment
    per_visits = np.array([*(model.visits_by_segment.get(v, model.default_visits) for v in names),
                           model.default_visits], dtype=np.float64)
    return per_hours[codes], per_visits[codes]


def account_workload(base_hours: np.ndarray, visits: np.ndarray, lat_rad: np.ndarray, cos_lat: np.ndarray,
                     lon: np.ndarray, home_lat_rad: np.ndarray, home_cos_lat: np.ndarray, home_lon: np.ndarray,
                     model: WorkloadModel) -> np.ndarray:
    """Milli-hours for accounts served from the given homes (arrays aligned row by row; latitudes in radians
    with their cosines, as `geo.haversine_km_prepared` takes them).

    Travel is zero where the account or the home has no location: the planner sees the service hours and a
    flag for the unplaced account rather than an invented distance.
    """
    dist = haversine_km_prepared(lat_rad, cos_lat, lon, home_lat_rad, home_cos_lat, home_lon)
    dist[~np.isfinite(dist)] = 0.0
    trip = np.minimum(2.0 * dist * model.circuity / max(model.speed_kmh, 1e-9), model.max_trip_hours)
    travel = trip * visits
    return np.rint((base_hours + travel) * SCALE).astype(np.int64)
