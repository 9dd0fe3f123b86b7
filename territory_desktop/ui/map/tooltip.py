"""What hovering an account on the map says: name, segment, territory, rep, potential, workload, placement."""

from __future__ import annotations

import html

import numpy as np

from territory_desktop.core import format as fmt
from territory_desktop.core.format import PLACEMENT_WORDS
from territory_desktop.core.plan import Plan


def account_tooltip(plan: Plan, row: int) -> str:
    """Rich text for one account; the workload is the core's for its current territory."""
    a = plan.accounts
    t = int(plan.assignment[row])
    terr = plan.territories[t] if t >= 0 else None
    work = float(plan.workload_of(np.array([row]), np.array([t]))[0]) if t >= 0 else float("nan")
    source = str(a.at[row, "geo_source"])
    placed = PLACEMENT_WORDS.get(source, source)

    def esc(v: object) -> str:
        return html.escape(str(v), quote=False)
    lines = [f"<b>{esc(a.at[row, 'name'])}</b> · {esc(a.at[row, 'segment'])}",
             f"Territory: {esc(terr.name) if terr else 'Unassigned'}"
             + (f" · Rep: {esc(terr.rep)}" if terr and terr.rep else ""),
             f"Potential {fmt.money(float(a.at[row, 'potential']))} · Workload "
             + (fmt.hours(work) if np.isfinite(work) else "—"),
             f"<span style='color:#5A6570'>{esc(a.at[row, 'city'])} · placement: {placed}</span>"]
    if plan.locked[row]:
        lines.append("Locked")
    return "<br>".join(lines)
