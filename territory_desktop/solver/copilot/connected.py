"""Whether a plan's territories are each one connected piece of the map, in words for the dock and the CLI.

Only plans that carry an adjacency (`Plan.adjacency`: accounts that are counties or ZIPs) have anything to say;
for the rest these return None. The count is the solver's own (`contiguity.pieces_per_territory`), so what the
dock says is what the co-pilot enforces.
"""

from __future__ import annotations

import numpy as np

from territory_desktop.core.plan import Plan
from territory_desktop.solver.problem.contiguity import pieces_per_territory
from territory_desktop.solver.problem.from_plan import plan_adjacency


def cut_territories(plan: Plan, assignment: np.ndarray | None = None) -> list[tuple[str, int]] | None:
    """(name, pieces) of each open territory in more than one piece; None when the plan has no adjacency."""
    adj = plan_adjacency(plan)
    if adj is None:
        return None
    a = plan.assignment if assignment is None else np.asarray(assignment, dtype=np.int32)
    pieces = pieces_per_territory(adj, a, plan.n_territories)
    return [(t.name, int(pieces[i])) for i, t in enumerate(plan.territories) if pieces[i] > 1 and not t.removed]


def cut_line(cut: list[tuple[str, int]]) -> str:
    """"Every territory is one connected piece of the map." or which territories are cut, and into how many."""
    if not cut:
        return "Every territory is one connected piece of the map."
    names = ", ".join(f"{name} ({n} pieces)" for name, n in cut[:6]) + (f" and {len(cut) - 6} more"
                                                                         if len(cut) > 6 else "")
    return f"{len(cut)} territor{'y is' if len(cut) == 1 else 'ies are'} cut in pieces: {names}."


def connected_status(plan: Plan) -> str | None:
    """The dock's line on contiguity: what the adjacency is, whether the rule is on, and what is cut."""
    cut = cut_territories(plan)
    if cut is None or plan.adjacency is None:
        return None
    src = f" from {plan.adjacency.source}" if plan.adjacency.source else ""
    what = f"Map adjacency: {len(plan.adjacency):,} touching pairs{src}."
    if not plan.settings.keep_connected:
        return (f"{what} {cut_line(cut)} Territories may be cut: turn on \u201cKeep each territory one connected "
                "piece\u201d in Balance Settings \u2192 Rules to keep them whole.")
    keep = ("The co-pilot never cuts a territory." if not cut
            else "The co-pilot never cuts a territory further; moving the stray pieces joins them.")
    return f"{what} {cut_line(cut)} {keep}"
