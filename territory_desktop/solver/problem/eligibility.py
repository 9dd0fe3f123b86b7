"""Which territories each account may go to: the segment -> rep-role rules and the peer groups.

Both are (N, K) boolean masks that `problem_from_plan` combines into `Problem.eligible`; they are kept
apart from the snapshot because they read the plan's segments and roles, not its measures.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np

from territory_desktop.core.geo import haversine_km
from territory_desktop.core.kpis import peer_groups

if TYPE_CHECKING:
    from territory_desktop.core.plan import Plan


def rule_eligibility(plan: Plan, rules: dict[str, Any], roleless_take_any: bool) -> np.ndarray | None:
    """(N, K): may each account go to each territory under segment -> roles rules? None without rules."""
    if not rules:
        return None
    seg = plan.accounts["segment"].fillna("").astype(str).to_numpy(dtype=object)
    roles = np.array([t.role for t in plan.territories], dtype=object)
    out = np.ones((plan.n_accounts, plan.n_territories), dtype=bool)
    for segment, allowed in rules.items():
        ok = np.isin(roles, list(allowed))
        if roleless_take_any:
            ok |= roles == ""
        out[seg == segment] &= ok[None, :]
    return out


def peer_eligibility(plan: Plan, groups: np.ndarray) -> np.ndarray:
    """(N, K): an account stays among the territories of its peer group (its current territory's role).

    An unassigned account belongs to the group that holds most accounts of its segment, so an SMB account
    without an owner is offered to SMB reps, not to an enterprise rep. When balance is judged within regions,
    the region is where the account is: the group of the nearest rep home among the territories of that role
    group (else a California account without an owner would be offered to the region with most SMB accounts).
    """
    n = plan.n_accounts
    cur = plan.assignment
    seg = plan.segment_codes
    own = np.full(n, -1, dtype=np.int64)
    assigned = cur >= 0
    own[assigned] = groups[cur[assigned]]
    if (~assigned).any():
        un = np.flatnonzero(~assigned)
        s = plan.settings
        role_groups = groups
        if s.balance_within_region:
            # the role part of the groups alone
            role_groups = peer_groups(plan, np.arange(plan.n_territories), replace(s, balance_within_region=False))
        n_groups = int(role_groups.max()) + 1
        counts = np.zeros((max(len(plan.segment_names), 1), n_groups), dtype=np.int64)
        np.add.at(counts, (seg[assigned], role_groups[cur[assigned]]), 1)
        role_of = counts.argmax(axis=1)[seg[un]]
        if not s.balance_within_region:
            own[un] = role_of
        else:
            own[un] = _nearest_group(plan, groups, role_groups, un, role_of)
    return groups[None, :] == own[:, None]


_CHUNK = 20_000
"""Unassigned accounts measured against every home at a time (chunk × K distances in memory)."""


def _nearest_group(plan: Plan, groups: np.ndarray, role_groups: np.ndarray, rows: np.ndarray,
                   role_of: np.ndarray) -> np.ndarray:
    """The peer group of the nearest open territory's home among those of each account's role group; an
    account without a location, or a role group without a home, takes the role group's largest region."""
    k = plan.n_territories
    terr = plan.territories
    home = np.array([[t.home_lat, t.home_lon] for t in terr], dtype=np.float64).reshape(k, 2)
    usable = np.array([not t.removed for t in terr], dtype=bool) & np.isfinite(home).all(axis=1)
    assigned = plan.assignment >= 0
    sizes = np.bincount(plan.assignment[assigned], minlength=k)
    out = np.empty(len(rows), dtype=np.int64)
    for a in range(0, len(rows), _CHUNK):
        r, role = rows[a:a + _CHUNK], role_of[a:a + _CHUNK]
        d = haversine_km(plan.lat[r][:, None], plan.lon[r][:, None], home[None, :, 0], home[None, :, 1])
        d = np.where(usable[None, :] & (role_groups[None, :] == role[:, None]), d, np.inf)
        d = np.where(np.isnan(d), np.inf, d)
        best = d.argmin(axis=1)
        found = np.isfinite(d[np.arange(len(r)), best])
        # fallback: the biggest territory of the role group stands for its largest region
        biggest = np.where(role_groups[None, :] == role[:, None], sizes[None, :], -1).argmax(axis=1)
        out[a:a + _CHUNK] = groups[np.where(found, best, biggest)]
    return out
