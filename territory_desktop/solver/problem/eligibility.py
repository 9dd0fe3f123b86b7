"""Which territories each account may go to: the segment -> rep-role rules and the peer groups.

Both are (N, K) boolean masks that `problem_from_plan` combines into `Problem.eligible`; they are kept
apart from the snapshot because they read the plan's segments and roles, not its measures.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

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
    without an owner is offered to SMB reps, not to an enterprise rep.
    """
    n = plan.n_accounts
    cur = plan.assignment
    seg = plan.segment_codes
    own = np.full(n, -1, dtype=np.int64)
    assigned = cur >= 0
    own[assigned] = groups[cur[assigned]]
    if (~assigned).any():
        n_groups = int(groups.max()) + 1
        counts = np.zeros((max(len(plan.segment_names), 1), n_groups), dtype=np.int64)
        np.add.at(counts, (seg[assigned], own[assigned]), 1)
        own[~assigned] = counts.argmax(axis=1)[seg[~assigned]]
    return groups[None, :] == own[:, None]
