"""The smoke test's edit steps, each checked to be one undoable change with exact KPIs: accounts moved by
hand (Move Selection To) and back with Edit → Undo, and a co-pilot suggestion from the worker process (in
the frozen app: the executable re-launched with `--multiprocessing-fork`) accepted from its panel.
"""

from __future__ import annotations

import time
from typing import Any

from territory_desktop.core.wording import counted
from territory_desktop.ui.shell.smoke.harness import (
    Context,
    SmokeFailure,
    raise_window_errors,
    run_events,
    wait_for,
)

SOLVER_WAIT_S = 60.0
"""Worker start (OR-Tools import, ~2 s frozen) plus the first suggestions; generous for a busy 2-core machine."""
MOVED = 12
"""Accounts the move step drags to another territory."""


def _movable(plan: Any, territory: int) -> Any:
    """The first `MOVED` unlocked accounts of `territory` (row indices)."""
    import numpy as np

    rows = np.flatnonzero((plan.assignment == territory) & ~plan.locked)
    return rows[:MOVED]


def check_move_undo(ctx: Context) -> str:
    """Select accounts, Move Selection To another territory (Ctrl+M), then Edit → Undo."""
    import numpy as np

    from territory_desktop.core.kpi_state import KpiState

    w = ctx.window
    plan = w.plan
    before_assignment = plan.assignment.copy()
    before_kpis = KpiState.full(plan)
    for source in range(plan.n_territories):
        rows = _movable(plan, source)
        if len(rows) < MOVED:
            continue
        for target in range(plan.n_territories):
            if target == source:
                continue
            w.selection.set_rows(rows, None)
            if w.move_selection(territory=target):
                break
        else:
            continue
        break
    else:
        raise SmokeFailure(f"no {MOVED} unlocked accounts could move to another territory: "
                           f"{w.statusBar().currentMessage()}")
    run_events(0.05)
    if not (plan.assignment[rows] == target).all():
        raise SmokeFailure("the moved accounts are not in their new territory")
    if plan.kpis.counts[target] != before_kpis.counts[target] + len(rows):
        raise SmokeFailure(f"territory {plan.territories[target].name} has {plan.kpis.counts[target]} "
                           f"accounts, expected {before_kpis.counts[target] + len(rows)}")
    if not plan.kpis.equals(KpiState.full(plan)):
        raise SmokeFailure("after the move the running KPIs differ from a full recomputation")
    moved_to = plan.territories[target].name
    w.actions_by_name["undo"].trigger()
    run_events(0.05)
    if not np.array_equal(plan.assignment, before_assignment) or not plan.kpis.equals(before_kpis):
        raise SmokeFailure("Undo did not restore the plan exactly")
    raise_window_errors(ctx)
    return (f"{len(rows)} accounts {plan.territories[source].name} → {moved_to} and back; "
            f"KPIs bit-identical after Undo")


def check_copilot(ctx: Context) -> str:
    """The co-pilot's worker process solves the plan and one suggestion is accepted as one undoable edit."""
    from territory_desktop.ui.copilot.suggestions_dock import SuggestionsPanel

    w = ctx.window
    client = w.copilot_client
    panel = w.findChild(SuggestionsPanel)
    if panel is None:
        raise SmokeFailure("the co-pilot panel is missing from the window")
    t0 = time.monotonic()
    client.solve_now()
    if not wait_for(lambda: bool(client.suggestions), SOLVER_WAIT_S):
        worker = client.worker
        raise SmokeFailure(f"no suggestion within {SOLVER_WAIT_S:.0f} s (co-pilot: {client.state} "
                           f"{client.detail!r}; worker alive: {worker.is_alive()}, "
                           f"restarts: {worker.restart_reasons})")
    waited = time.monotonic() - t0
    panel.flush()
    panel.list.setCurrentRow(0)
    suggestion = panel.current()
    if suggestion is None:
        raise SmokeFailure(f"the co-pilot has {len(client.suggestions)} suggestions but the list shows none")
    plan = w.plan
    steps = w.controller.stack.index()
    if not panel.accept():
        raise SmokeFailure(f"accepting the suggestion was refused: {w.statusBar().currentMessage()}")
    run_events(0.05)
    if not (plan.assignment[suggestion.rows] == suggestion.to_territory).all():
        raise SmokeFailure("the accepted suggestion's accounts did not move")
    if w.controller.stack.index() != steps + 1:
        raise SmokeFailure("accepting a suggestion was not one undoable step")
    raise_window_errors(ctx)
    source = (plan.territories[suggestion.from_territory].name if suggestion.from_territory >= 0
              else "Unassigned")
    target = plan.territories[suggestion.to_territory].name
    return (f"first suggestions after {waited:.1f} s from worker pid {client.worker.pid}; accepted "
            f"{counted(suggestion.n_accounts, 'account')} {source} → {target}")
