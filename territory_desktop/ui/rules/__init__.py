"""Territories → Territory Rules… and Lock by Rule…: territory definitions, routing, and locks kept as rules.

`rules_dialog.py` edits every territory's definition with a live preview and routes the unassigned accounts;
`lock_dialog.py` edits the lock rules kept in the balance settings; `conditions_table.py` is the
field / operator / value table both use. Each applies its change as one undoable step through the window's
controller.
"""

from __future__ import annotations

from typing import Any


def open_rules(window: Any) -> bool:
    """Show the territory rules editor; True if the planner pressed OK."""
    from territory_desktop.ui.rules.rules_dialog import TerritoryRulesDialog

    return bool(TerritoryRulesDialog(window).exec())


def open_lock_rules(window: Any) -> bool:
    """Show the lock rules editor; True if the planner pressed OK."""
    from territory_desktop.ui.rules.lock_dialog import LockRulesDialog

    return bool(LockRulesDialog(window).exec())
