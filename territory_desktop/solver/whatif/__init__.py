"""What-if proposals (add a rep or fill a vacancy, remove a rep or keep its book vacant): previewed as
before/after tables, applied as one edit. No Qt."""

from __future__ import annotations

from territory_desktop.solver.whatif.coverage import thinnest_coverage_home
from territory_desktop.solver.whatif.proposals import WhatIf, copy_plan, propose_add_rep, propose_remove_rep
from territory_desktop.solver.whatif.vacancy import propose_fill_vacancy, propose_vacancy

__all__ = ["WhatIf", "copy_plan", "propose_add_rep", "propose_fill_vacancy", "propose_remove_rep",
           "propose_vacancy", "thinnest_coverage_home"]
