"""Sample reps and the historical carve that gave today's account owners.

Reps get a role by segment workload, so eligibility rules (segment -> role) have something to check. Each
role's accounts were carved the way planners drew territories by hand: cut the map in two along its longer
side, give each half its share of reps, repeat (straight borders, like the state and longitude lines of
real carves). The cuts split potential in proportion to a random per-rep share of 0.5x-1.6x the even one,
so books arrive unbalanced, as planners find them after years of drift. Each rep lives in the big city
closest to their patch's accounts. A few accounts have no owner and a few are owned from across the country.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from territory_desktop.core.settings import WorkloadModel
from territory_desktop.io.sample.geo import Locations, city_table, zip_table

SEGMENTS = ("SMB", "Mid-Market", "Enterprise")
ROLE_OF_SEGMENT = {"SMB": "SMB AE", "Mid-Market": "Mid-Market AE", "Enterprise": "Enterprise AE"}
ROLE_SHORT = {"SMB AE": "SMB", "Mid-Market AE": "Mid-Market", "Enterprise AE": "Enterprise"}
BLANK_OWNER_SHARE = 0.03
FAR_OWNER_SHARE = 0.004
BOOK_SPREAD = 0.3
"""Sigma of the log of each rep's share; the smallest is then set to 0.5x and the largest to 1.6x."""
US_AREA_KM2 = 8.0e6
"""The contiguous states, roughly: what a national carve's patches share."""
HOME_SAMPLE = 2_000
"""Accounts per patch used to choose the rep's home city (the medoid does not need more)."""


@dataclass(frozen=True)
class RepDraw:
    """Reps as arrays (one entry per rep) and each account's owner row (-1 = blank owner)."""

    role: np.ndarray  # object
    home_zip_row: np.ndarray
    home_lat: np.ndarray
    home_lon: np.ndarray
    capacity: np.ndarray  # int hours per year
    owner: np.ndarray  # int64 per account


def _split(weights: np.ndarray, n_reps: int) -> np.ndarray:
    """`n_reps` split in proportion to `weights` (largest remainder), at least one each from three reps on."""
    share = weights / weights.sum() if weights.sum() > 0 else np.full(len(weights), 1 / len(weights))
    floor_min = 1 if n_reps >= len(weights) else 0
    counts = np.maximum(np.floor(share * n_reps).astype(np.int64), floor_min)
    while counts.sum() > n_reps:
        counts[np.argmax(counts)] -= 1
    remainder = share * n_reps - counts
    for i in np.argsort(-remainder, kind="stable")[: n_reps - counts.sum()]:
        counts[i] += 1
    return counts


def role_counts(segment_codes: np.ndarray, n_reps: int) -> np.ndarray:
    """Reps per role (SMB, MM, ENT order) in proportion to each segment's yearly hours: service plus travel.

    Travel per visit follows the core workload model, with the typical home-to-account distance of a carve
    of k patches over the US (~0.45 x sqrt(8M km² / k), measured on these samples); since it depends on
    the counts, the split is repeated until it settles. Without travel, field roles would be given too few
    reps and every Enterprise book would be far over capacity.
    """
    wm = WorkloadModel()
    n_seg = np.bincount(segment_codes, minlength=3).astype(np.float64)
    service = np.array([wm.hours_by_segment.get(s, wm.default_hours) for s in SEGMENTS])
    visits = np.array([wm.visits_by_segment.get(s, wm.default_visits) for s in SEGMENTS])
    counts = _split(n_seg * service, n_reps)
    for _ in range(10):
        km = 0.45 * np.sqrt(US_AREA_KM2 / np.maximum(counts, 1))
        travel = visits * 2.0 * km * wm.circuity / wm.speed_kmh
        counts = _split(n_seg * (service + travel), n_reps)
    return counts


def _xy(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Flat map coordinates in km (good enough to cut the map and find a patch's middle)."""
    return np.column_stack([lon * 111.2 * np.cos(np.radians(38.0)), (lat - 38.0) * 111.2])


def book_shares(rng: np.random.Generator, k: int) -> np.ndarray:
    """Each rep's target share of potential relative to the even one: random, one 0.5x and one 1.6x."""
    factor = np.exp(rng.normal(0.0, BOOK_SPREAD, k))
    if k > 1:
        order = np.argsort(factor)
        factor /= np.exp(np.log(factor).mean())
        factor[order[0]], factor[order[-1]] = 0.5, 1.6  # one starved and one fat book, as every carve has
    return factor / factor.mean()


def carve(pts: np.ndarray, weight: np.ndarray, shares: np.ndarray) -> np.ndarray:
    """Patch index of every point: recursive cuts along the longer side, splitting weight by the shares.

    The extent ignores the outer 2% of points on each side, so Alaska and Hawaii do not make the whole
    country look tall and force an east-west map into north-south strips.
    """
    out = np.zeros(len(pts), dtype=np.int64)
    stack = [(np.arange(len(pts)), np.arange(len(shares)))]
    while stack:
        idx, patches = stack.pop()
        if len(patches) == 1 or not len(idx):
            out[idx] = patches[0]
            continue
        lo, hi = np.percentile(pts[idx], [2, 98], axis=0)
        axis = int(np.argmax(hi - lo))
        order = idx[np.argsort(pts[idx, axis], kind="stable")]
        left, right = patches[: len(patches) // 2], patches[len(patches) // 2:]
        cum = np.cumsum(weight[order])
        cut = int(np.searchsorted(cum, cum[-1] * shares[left].sum() / shares[patches].sum()))
        stack += [(order[:cut], left), (order[cut:], right)]
    return out


def _home_zip(rng: np.random.Generator, city_row: int) -> int:
    """A ZIP in the city itself (its name on the ZIP, among the dozen nearest), else the one nearest its centre."""
    c, z = city_table(), zip_table()
    near = c.near[city_row, : min(int(c.n_near[city_row]), 12)]
    own = near[np.char.lower(z.city[near].astype(str)) == str(c.name[city_row]).lower().removesuffix(" city")]
    return int(rng.choice(own)) if len(own) else int(near[0])


def _homes(rng: np.random.Generator, pts: np.ndarray, patch: np.ndarray, k: int, n_reps: int) -> np.ndarray:
    """Home ZIP rows of `k` reps: for each patch, the big city (among the largest max(60, 2 x reps)) with the
    least total distance to the patch's accounts, with a mild preference for size, where a sales office would
    be: Los Angeles rather than Bakersfield for a California patch, though Bakersfield is nearer its middle."""
    c = city_table()
    big = np.argsort(-c.population, kind="stable")[: max(60, 2 * n_reps)]
    city_xy = _xy(c.lat[big], c.lon[big])
    order = np.argsort(patch, kind="stable")
    bounds = np.searchsorted(patch[order], np.arange(k + 1))
    homes = np.empty(k, dtype=np.int64)
    for j in range(k):
        members = order[bounds[j]:bounds[j + 1]]
        if not len(members):  # an empty patch (more reps than accounts): the biggest city
            homes[j] = _home_zip(rng, int(big[0]))
            continue
        if len(members) > HOME_SAMPLE:
            members = rng.choice(members, HOME_SAMPLE, replace=False)
        p = pts[members]
        middle = np.median(p, axis=0)
        near = np.argsort(((city_xy - middle) ** 2).sum(1))[:25]  # the medoid is among the nearest cities
        cost = np.sqrt(((p[:, None, :] - city_xy[None, near, :]) ** 2).sum(2)).sum(0)
        cost *= c.population[big[near]] ** -0.15  # offices favour big cities: LA counts 1.4x Bakersfield
        homes[j] = _home_zip(rng, int(big[near[np.argmin(cost)]]))
    return homes


def draw_reps(rng: np.random.Generator, loc: Locations, segment_codes: np.ndarray, potential: np.ndarray,
              n_reps: int) -> RepDraw:
    """Reps (role, home, capacity) and the unbalanced historical owner of every account."""
    z = zip_table()
    counts = role_counts(segment_codes, n_reps)
    roles = np.repeat(np.array([ROLE_OF_SEGMENT[s] for s in SEGMENTS], dtype=object), counts)
    role_of_rep = np.repeat(np.arange(3), counts)
    pts = _xy(loc.lat, loc.lon)
    owner = np.empty(len(pts), dtype=np.int64)
    home_zip = np.empty(n_reps, dtype=np.int64)
    for r in range(3):
        rows = np.flatnonzero(segment_codes == r)
        reps = np.flatnonzero(role_of_rep == r)
        if len(reps):
            patch = carve(pts[rows], potential[rows], book_shares(rng, len(reps)))
            owner[rows] = reps[patch]
            home_zip[reps] = _homes(rng, pts[rows], patch, len(reps), n_reps)
    for r in range(3):  # a segment no rep serves (only with fewer than three reps): the nearest rep takes it
        rows = np.flatnonzero(segment_codes == r)
        if len(rows) and not counts[r]:
            home = _xy(z.lat[home_zip], z.lon[home_zip])
            owner[rows] = np.argmin(((pts[rows, None, :] - home[None, :, :]) ** 2).sum(2), axis=1)
    home_xy = _xy(z.lat[home_zip], z.lon[home_zip])
    for r in range(3):
        rows = np.flatnonzero(segment_codes == r)
        reps = np.flatnonzero(role_of_rep == r)
        far = rows[rng.random(len(rows)) < FAR_OWNER_SHARE]
        if len(reps) > 1 and len(far):
            # Owned from afar: a key contact moved, or the rep kept a favourite when the carve changed.
            # A random rep from the far half of the role, so no single coastal rep collects them all.
            d2 = ((pts[far][:, None, :] - home_xy[reps][None, :, :]) ** 2).sum(2)
            farthest_first = np.argsort(-d2, axis=1, kind="stable")
            pick = rng.integers(0, (len(reps) + 1) // 2, len(far))
            owner[far] = reps[farthest_first[np.arange(len(far)), pick]]
    owner[rng.random(len(owner)) < BLANK_OWNER_SHARE] = -1
    capacity = rng.integers(28, 37, n_reps) * 50
    return RepDraw(roles, home_zip, z.lat[home_zip], z.lon[home_zip], capacity, owner)
