"""Edits are small command objects: applying one to a plan returns the edit that undoes it.

Every edit serialises to a JSON-ready dict, so the recovery journal can replay a session exactly and no file
ever needs pickle. Inverse edits skip the lock checks: undo must always be possible, even after a lock.

The edits live in modules by what they change; this package re-exports them all, so callers import from
`territory_desktop.core.edits` alone. Importing it defines (and so registers) every edit kind that
`Edit.from_dict` can rebuild.

- `base`: the `Edit` protocol and its kind registry, and `Batch` (several edits as one step).
- `moves`: `MoveAccounts` and `SetAccountLocks`, edits of the accounts themselves.
- `territories`: `UpdateTerritory`, `AddTerritory`, `RemoveTerritory` and their inverses.
- `plan_settings`: `SetSettings` and `SetAdjacency`, plan-wide inputs swapped whole.
- `account_data`: `SetSegments` / `resegment` and `SetScores` / `rescore`, data derived by rules.
- `reasons`: `set_missing_reason`, the planner's note for moves that give none.
- `row_texts`: per-row texts (reasons, notes) checked and coded for the journal.
"""

from territory_desktop.core.edits.account_data import SetScores, SetSegments, rescore, resegment
from territory_desktop.core.edits.base import Batch, Edit
from territory_desktop.core.edits.moves import MoveAccounts, SetAccountLocks
from territory_desktop.core.edits.plan_settings import SetAdjacency, SetSettings
from territory_desktop.core.edits.reasons import set_missing_reason
from territory_desktop.core.edits.territories import AddTerritory, RemoveTerritory, UpdateTerritory

__all__ = [
    "AddTerritory",
    "Batch",
    "Edit",
    "MoveAccounts",
    "RemoveTerritory",
    "SetAccountLocks",
    "SetAdjacency",
    "SetScores",
    "SetSegments",
    "SetSettings",
    "UpdateTerritory",
    "rescore",
    "resegment",
    "set_missing_reason",
]
