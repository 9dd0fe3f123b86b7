"""What-if proposals for a vacant seat: keep a leaving rep's book whole, or give a vacant book to the new hire.

Neither needs the engine (nothing is re-balanced: the book stays as it is), but both are shown the way every
what-if is, before -> after with the summary in words, so the planner judges a departure's two answers side by
side (`proposals.propose_remove_rep` redistributes now). The edits come from `core/vacancy.py`.
"""

from __future__ import annotations

import numpy as np

from territory_desktop.core import kpis
from territory_desktop.core.format import count, hours
from territory_desktop.core.plan import EditRefused, Plan
from territory_desktop.core.vacancy import fill_edit, vacant_name, vacate_edit
from territory_desktop.solver.whatif.proposals import WhatIf, _summary, copy_plan


def propose_vacancy(plan: Plan, territory: int) -> WhatIf:
    """Territory's rep leaves, the book stays whole as "<name> (vacant)" until the hire (ValueError: why not).

    `after` shows the vacant seat under the territory's own index, as its successor, so the preview reads as
    one row "West — Ann Lee → West (vacant)"; once applied the seat is the plan's last slot.
    """
    edit = vacate_edit(plan, territory)
    t = plan.territories[territory]
    rows = plan.rows_in(territory)
    trial = _tried(plan, edit)
    before, after = kpis.territory_table(plan), kpis.territory_table(trial)
    seat = trial.n_territories - 1
    lines = _summary(plan, before, after, np.empty(0, dtype=np.int64), {territory, seat}, "")[:3]
    # the seat succeeds the territory: shown on its row ("West — Ann Lee -> West (vacant)", 412 -> 412)
    after = after.rename(index={seat: territory})
    lines += [
        f"{count(len(rows))} account{'s' if len(rows) != 1 else ''} stay together in {vacant_name(t.name)}, "
        f"with no rep and locked, so neither the co-pilot nor a new rep's carve moves them.",
        f"Its workload ({hours(float(after.at[territory, 'workload']))}) waits for the hire: add a rep and pick "
        f"{vacant_name(t.name)} to hand it over in one step.",
        f"The change list lists every account with the reason \"{edit.edits[1].reason}\".",  # type: ignore[attr-defined]
    ]
    return WhatIf(edit.label, edit, 0, before, after, lines)


def propose_fill_vacancy(plan: Plan, territory: int, rep: str,
                         home: tuple[float, float] | None = None) -> WhatIf:
    """The new hire `rep` takes over vacant seat `territory` (home None keeps the seat's); ValueError: why not."""
    edit = fill_edit(plan, territory, rep, home)
    trial = _tried(plan, edit)
    before, after = kpis.territory_table(plan), kpis.territory_table(trial)
    t = trial.territories[territory]
    row = after.loc[territory]
    lines = [
        f"{t.rep} takes over {t.name}: {count(int(row['accounts']))} accounts, "
        f"{hours(float(row['workload']))} of {hours(float(row['capacity']))}"
        + (" (from the new home)." if home is not None else " (from the seat's home)."),
        "No account changes territory; the lock that kept the book whole is lifted, so the co-pilot may balance "
        "it again.",
        f"The change list gives these accounts the reason \"New hire: {t.rep} ({t.name})\".",
    ]
    was, now = float(before.at[territory, "workload"]), float(row["workload"])
    if home is not None and abs(was - now) >= 0.5:
        lines.append(f"Travel from the new home changes the workload: {hours(was)} → {hours(now)}.")
    return WhatIf(edit.label, edit, 0, before, after, lines)


def _tried(plan: Plan, edit: object) -> Plan:
    trial = copy_plan(plan)
    try:
        trial.apply(edit)  # type: ignore[arg-type]
    except EditRefused as exc:
        raise ValueError(str(exc)) from exc
    return trial
