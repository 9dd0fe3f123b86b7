"""`set_missing_reason`: give the planner's note to every move inside an edit that does not already say why.

It looks inside batches, moves and territory removals, so it sits above the modules that define them.
"""

from __future__ import annotations

import numpy as np

from territory_desktop.core.edits.base import Batch, Edit
from territory_desktop.core.edits.moves import MoveAccounts
from territory_desktop.core.edits.territories import RemoveTerritory


def set_missing_reason(edit: Edit, reason: str) -> None:
    """Give `reason` to every move inside `edit` that has none (the planner's note for hand moves): a move
    that already says why (a co-pilot suggestion, a what-if) keeps its own words."""
    if not reason:
        return
    if isinstance(edit, Batch):
        for e in edit.edits:
            set_missing_reason(e, reason)
    elif isinstance(edit, MoveAccounts) and edit.notes is None:
        if isinstance(edit.reason, str):
            edit.reason = edit.reason or reason
        else:
            edit.reason = np.where(edit.reason == "", reason, edit.reason).astype(object)
    elif isinstance(edit, RemoveTerritory) and not edit.reason:
        edit.reason = reason
