"""Distances on the sphere, vectorised: travel time and compactness are measured in kilometres."""

from __future__ import annotations

import numpy as np

EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: np.ndarray | float, lon1: np.ndarray | float,
                 lat2: np.ndarray | float, lon2: np.ndarray | float) -> np.ndarray:
    """Great-circle distance in km; NaN where any coordinate is missing (an unplaced account)."""
    p1 = np.radians(lat1)
    p2 = np.radians(lat2)
    dp = p2 - p1
    dl = np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dp / 2.0) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2.0) ** 2
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def haversine_km_prepared(lat1_rad: np.ndarray, cos_lat1: np.ndarray, lon1: np.ndarray,
                          lat2_rad: np.ndarray, cos_lat2: np.ndarray, lon2: np.ndarray) -> np.ndarray:
    """`haversine_km` given each latitude in radians and its cosine (longitudes in degrees), bit for bit the
    same result: a plan keeps these per account and per home, so its million-account workload total does not
    take two cosines of a million angles every time it is computed (each project open, each settings edit)."""
    a = np.sin((lat2_rad - lat1_rad) / 2.0)
    a **= 2
    b = np.sin(np.radians(lon2 - lon1) / 2.0)
    b **= 2
    a += cos_lat1 * cos_lat2 * b
    np.clip(a, 0.0, 1.0, out=a)
    np.sqrt(a, out=a)
    np.arcsin(a, out=a)
    a *= 2.0 * EARTH_RADIUS_KM
    return a
