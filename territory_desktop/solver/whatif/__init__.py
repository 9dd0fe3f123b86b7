"""What-if proposals (add a rep, remove a rep): previewed as before/after tables, applied as one edit. No Qt."""

from __future__ import annotations

from territory_desktop.solver.whatif.coverage import thinnest_coverage_home
from territory_desktop.solver.whatif.proposals import WhatIf, copy_plan, propose_add_rep, propose_remove_rep

__all__ = ["WhatIf", "copy_plan", "propose_add_rep", "propose_remove_rep", "thinnest_coverage_home"]
