"""File → Import Adjacency… / Remove Adjacency: which accounts (counties, ZIPs) touch on the map.

`commands.py` holds the two commands the shell's menus call: choose a pairs CSV, read it (io/adjacency_file.py),
apply it as one undoable `SetAdjacency`; or take it away, undoably too. The co-pilot's rule that keeps each
territory one connected piece (`BalanceSettings.keep_connected`) needs it; the settings dialog and the co-pilot
dock read `plan.adjacency` themselves.
"""

from __future__ import annotations

from territory_desktop.ui.adjacency.commands import AdjacencyCommands

__all__ = ["AdjacencyCommands"]
