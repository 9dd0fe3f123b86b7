"""What the bands on the Measures tab mean for this plan: per measure, how many territories they leave out or
near the edge, and the widest deviation, worded with the same arithmetic and band words as the panel.

Qt-free: the numbers are `kpis` deviations of the plan as it is, judged with the settings being edited
(bands, "near" share, and the peer groups of `kpis.peer_groups`: role and/or region, the very codes the panel
and the solver use), so the counts agree with the panel's once OK is pressed. O(K·measures).
"""

from __future__ import annotations

import html

import numpy as np

from territory_desktop.core import kpis
from territory_desktop.core.band_words import deviation_text
from territory_desktop.core.plan import Plan
from territory_desktop.core.settings import BalanceSettings


def band_preview_html(plan: Plan, settings: BalanceSettings, label: dict[str, str] | None = None) -> str:
    """One line per balanced measure and an overall line, as rich text."""
    act = plan.active_territories()
    k = len(act)
    if not k:
        return "Add territories to see what these bands mean for the plan."
    label = label or {}
    shares = np.array([plan.territories[int(i)].target_share for i in act], dtype=np.float64)
    groups = kpis.peer_groups(plan, act, settings)
    any_out = np.zeros(k, dtype=bool)
    lines = []
    for m in settings.measures:
        if m.measure not in plan.measure_names and m.measure not in ("accounts", "workload"):
            continue
        dev = kpis.deviations(kpis.measure_totals(plan, m.measure)[act], shares, groups)
        status = kpis.band_status(dev, m.band, settings.near_fraction)
        out, near = int((status == kpis.OUT).sum()), int((status == kpis.NEAR).sum())
        any_out |= status == kpis.OUT
        w = int(np.argmax(np.abs(dev)))
        widest = deviation_text(float(dev[w]), m.band, settings.near_fraction)
        name = html.escape(plan.territories[int(act[w])].name)
        colour = "#B3261E" if out else "#1E6B34"
        lines.append(f"<b>{html.escape(label.get(m.measure, m.measure))}</b> ±{m.band * 100:g}%: "
                     f"<span style='color:{colour}'>{out} of {k} out</span>, {near} near the edge · "
                     f"widest {widest} ({name})")
    n_out = int(any_out.sum())
    overall = (f"<b>{n_out} of {k} territories</b> would be out of band on at least one measure"
               if n_out else f"<b>All {k} territories</b> would be in band")
    return "<br>".join([*lines, f"{overall}, {_peers_words(settings, int(groups.max()) + 1)}."])


def _peers_words(settings: BalanceSettings, n_groups: int) -> str:
    """Whom each territory was judged against, so ticking "within region" visibly changes something."""
    by = [w for w, on in (("role", settings.balance_within_role), ("region", settings.balance_within_region))
          if on]
    if not by:
        return "each judged against all territories"
    return (f"each judged among its peers ({n_groups} group{'s' if n_groups != 1 else ''} of the same "
            f"{' and '.join(by)})")
