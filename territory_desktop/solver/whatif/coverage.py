"""Where a new rep would do the most good: the thinnest-covered part of the map.

The choice: among the accounts in the coverage gap (the quarter farthest from any rep's home), the account
location where a new home would cut the most account-to-nearest-home distance, sum over all accounts of
max(0, d_now - d_new). That is the "add" step of the classic greedy p-median (Kuehn & Hamburger), restricted to
the gap, so the point is both far from every home and where many customers are, rather than the single most
remote account (one ranch in Montana) or the centre of a sprawl of far accounts (which may fall in a lake).
Accounts weigh one each, not by workload: remotely served segments (SMB visits 0) still need a rep nearby.
Sampled (at most 8,000 accounts, 256 candidate sites, evenly spaced, so deterministic): ~0.2 s at 100k x 200.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from territory_desktop.core.geo import haversine_km

if TYPE_CHECKING:
    from territory_desktop.core.plan import Plan

SAMPLE_ACCOUNTS = 8_000
CANDIDATE_SITES = 256
GAP_QUANTILE = 0.75
"""Candidate sites are accounts at least this far up the nearest-home distance distribution."""


def _evenly(idx: np.ndarray, most: int) -> np.ndarray:
    """At most `most` entries of idx, evenly spaced: deterministic and spread over the whole file."""
    if len(idx) <= most:
        return idx
    return idx[np.linspace(0, len(idx) - 1, most).round().astype(np.int64)]


def nearest_distance(lat: np.ndarray, lon: np.ndarray, site_lat: np.ndarray, site_lon: np.ndarray) -> np.ndarray:
    """Great-circle km from each point to its nearest site (inf without sites), in chunks to bound memory."""
    out = np.full(len(lat), np.inf)
    if not len(site_lat):
        return out
    step = max(1, 2_000_000 // len(site_lat))
    for s in range(0, len(lat), step):
        d = haversine_km(lat[s:s + step, None], lon[s:s + step, None], site_lat[None, :], site_lon[None, :])
        out[s:s + step] = d.min(axis=1)
    return out


def thinnest_coverage_home(plan: Plan, role: str | None = None) -> tuple[float, float]:
    """(lat, lon) where coverage is thinnest: the account site in the coverage gap saving the most distance.

    role: consider only the homes and accounts of that role's territories (an SMB rep fills an SMB gap); None or
    no territory of that role: every active territory. Raises ValueError when no account is placed.
    """
    act = [int(i) for i in plan.active_territories()]
    if role is not None and role.strip():
        same = [i for i in act if plan.territories[i].role.strip().casefold() == role.strip().casefold()]
        act = same or act
    homes = np.array([(plan.territories[i].home_lat, plan.territories[i].home_lon) for i in act
                      if plan.territories[i].has_home], dtype=np.float64).reshape(-1, 2)
    placed = np.isfinite(plan.lat) & np.isfinite(plan.lon)
    in_act = np.isin(plan.assignment, np.asarray(act, dtype=np.int64))
    rows = np.flatnonzero(placed & in_act)
    if not len(rows):
        rows = np.flatnonzero(placed)
    if not len(rows):
        raise ValueError("No account is placed on the map, so there is no coverage to judge.")
    rows = _evenly(rows, SAMPLE_ACCOUNTS)
    lat, lon = plan.lat[rows], plan.lon[rows]
    if not len(homes):  # nobody has a home yet: the account nearest the middle of the book
        mid = haversine_km(lat, lon, float(np.median(lat)), float(np.median(lon)))
        i = int(np.argmin(mid))
        return float(lat[i]), float(lon[i])
    d_now = nearest_distance(lat, lon, homes[:, 0], homes[:, 1])
    gap = np.flatnonzero(d_now >= np.quantile(d_now, GAP_QUANTILE))
    sites = _evenly(gap[np.argsort(-d_now[gap], kind="stable")], CANDIDATE_SITES)
    saving = np.zeros(len(sites))
    step = max(1, 2_000_000 // len(lat))
    for s in range(0, len(sites), step):
        c = sites[s:s + step]
        d_new = haversine_km(lat[None, :], lon[None, :], lat[c, None], lon[c, None])
        saving[s:s + step] = np.maximum(d_now[None, :] - d_new, 0.0).sum(axis=1)
    best = int(sites[int(np.argmax(saving))])
    return float(lat[best]), float(lon[best])
