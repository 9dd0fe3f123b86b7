"""The plan edits the territories panel makes: moving dropped accounts, adding, renaming, recolouring,
locking, removing and editing a territory, putting it in a region, and judging balance within region.

Kept apart from the panel because none of it is about widgets: each method words one undoable edit, hands
it to the PlanController (which reports a refused edit, e.g. a locked territory, in one place) and says the
result on `message`. A mixin of `TerritoryPanel`; without a territory, a method acts on the selected one.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QColorDialog, QInputDialog

from territory_desktop.core import kpis
from territory_desktop.core.edits import (
    AddTerritory,
    Edit,
    MoveAccounts,
    RemoveTerritory,
    SetSettings,
    UpdateTerritory,
)
from territory_desktop.core.palette import PALETTE, color_for
from territory_desktop.core.plan import EditRefused, Plan
from territory_desktop.core.territory import Territory
from territory_desktop.ui.hub.plan_controller import PlanController
from territory_desktop.ui.territories.dialog import RemoveTerritoryDialog, TerritoryDialog


class TerritoryEditsMixin:
    """Territory edits through the controller; mix in before QWidget (dialogs take the panel as parent)."""

    plan: Plan
    controller: PlanController
    message: Signal

    def move_rows_to(self, rows: np.ndarray, territory: int) -> bool:
        """Move plan rows to a territory as one mergeable step (consecutive drops merge in the history)."""
        rows = np.asarray(rows, dtype=np.int64)
        rows = rows[(rows >= 0) & (rows < self.plan.n_accounts)]
        if not len(rows):
            return False
        name = self.plan.territories[territory].name if territory >= 0 else "Unassigned"
        edit = MoveAccounts(rows, territory, f"Move {len(rows):,} account{'s' if len(rows) != 1 else ''} "
                                             f"to {name}")
        if not self.controller.apply(edit, mergeable=True):
            return False
        self.message.emit(f"Moved {len(rows):,} account{'s' if len(rows) != 1 else ''} to {name}.")
        return True

    def drop_problem(self, rows: np.ndarray, territory: int) -> str:
        """Why these rows may not go to `territory` ("" if they may): shown while the drag hovers."""
        rows = np.asarray(rows, dtype=np.int64)
        rows = rows[(rows >= 0) & (rows < self.plan.n_accounts)]
        try:
            self.plan.check_movable(rows, territory)
        except EditRefused as exc:
            return str(exc)
        return ""

    def add_territory(self, name: str | None = None) -> int | None:
        """Add an empty territory; without a name, the territory editor asks for one."""
        if name is not None:
            edit: Edit | None = AddTerritory(Territory(name.strip(), color=self._free_colour()),
                                             f"Add territory {name.strip()}")
        else:
            dlg = TerritoryDialog(self.plan, None, self)
            edit = dlg.result_edit() if dlg.exec() else None
        if edit is None or not self.controller.apply(edit):
            return None
        index = self.plan.n_territories - 1
        self.select_territory(index)
        self.message.emit(f"Added {self.plan.territories[index].name}.")
        return index

    def _free_colour(self) -> str:
        """The first palette colour no territory uses (else the next colour of the cycle)."""
        used = {t.color.upper() for t in self.plan.territories if not t.removed}
        return next((c for c in PALETTE if c.upper() not in used), color_for(self.plan.n_territories))

    def rename_territory(self, territory: int | None = None, name: str | None = None) -> bool:
        """Rename a territory; without a name, ask for one."""
        territory = self.current_territory() if territory is None else territory
        if territory is None:
            return False
        old = self.plan.territories[territory].name
        if name is None:
            name, ok = QInputDialog.getText(self, "Rename Territory", f"New name for {old}:", text=old)
            if not ok or name.strip() == old:
                return False
        return self.controller.apply(UpdateTerritory(territory, {"name": name.strip()},
                                                     f"Rename {old} to {name.strip()}"))

    def recolour_territory(self, territory: int | None = None, colour: str | None = None) -> bool:
        """Give a territory another map colour; without one, the colour picker asks (palette as custom colours)."""
        territory = self.current_territory() if territory is None else territory
        if territory is None:
            return False
        t = self.plan.territories[territory]
        if colour is None:
            for i, c in enumerate(PALETTE[:16]):
                QColorDialog.setCustomColor(i, QColor(c))
            picked = QColorDialog.getColor(QColor(t.color), self, f"Colour of {t.name}")
            if not picked.isValid():
                return False
            colour = picked.name().upper()
        return self.controller.apply(UpdateTerritory(territory, {"color": colour}, f"Recolour {t.name}"))

    def set_locked(self, territory: int, locked: bool) -> bool:
        """Lock (nothing moves in or out) or unlock a territory as one undoable edit."""
        name = self.plan.territories[territory].name
        ok = self.controller.apply(UpdateTerritory(territory, {"locked": bool(locked)},
                                                   f"{'Lock' if locked else 'Unlock'} {name}"))
        if ok:
            self.message.emit(f"{name} is {'locked: its accounts stay put' if locked else 'unlocked'}.")
        self._update_actions()
        return ok

    def toggle_lock(self, territory: int | None = None) -> bool:
        """Lock an unlocked territory, unlock a locked one."""
        territory = self.current_territory() if territory is None else territory
        if territory is None:
            return False
        return self.set_locked(territory, not self.plan.territories[territory].locked)

    def remove_territory(self, territory: int | None = None, to: int | None = None) -> bool:
        """Remove a territory; its accounts go to `to` (-1 = unassigned). Asks where when `to` is None."""
        territory = self.current_territory() if territory is None else territory
        if territory is None:
            return False
        name = self.plan.territories[territory].name
        if to is None:
            dlg = RemoveTerritoryDialog(self.plan, territory, self)
            if not dlg.exec():
                return False
            edit = dlg.result_edit()
        else:
            edit = RemoveTerritory(territory, to, f"Remove territory {name}")
        ok = self.controller.apply(edit)
        if ok:
            self.message.emit(f"Removed {name}.")
        return ok

    def edit_territory(self, territory: int | None = None) -> bool:
        """Open the territory editor (rep, home, capacity, region, colour, lock) for one territory."""
        territory = self.current_territory() if territory is None else territory
        if territory is None:
            return False
        dlg = TerritoryDialog(self.plan, territory, self)
        edit = dlg.result_edit() if dlg.exec() else None
        return edit is not None and self.controller.apply(edit)

    # ----- hierarchy ------------------------------------------------------------------------------------
    def regions(self) -> list[str]:
        """The regions the plan's territories name, each once (as first written), for the region chooser."""
        seen: dict[str, str] = {}
        for t in self.plan.territories:
            if not t.removed and t.region.strip():
                seen.setdefault(t.region.strip().casefold(), t.region.strip())
        return sorted(seen.values(), key=str.casefold)

    def set_region(self, territory: int, region: str, area: str | None = None) -> bool:
        """Put a territory in a region (and area) as one undoable edit; the tree moves it there."""
        t = self.plan.territories[territory]
        changes: dict[str, str] = {"region": region.strip()}
        if area is not None:
            changes["area"] = area.strip()
        elif region.strip():  # a region that lives in one area brings its area along
            areas = {o.area.strip() for o in self.plan.territories
                     if not o.removed and o is not t and o.region.strip().casefold() == region.strip().casefold()}
            if len(areas) == 1:
                changes["area"] = areas.pop()
        if all(getattr(t, k) == v for k, v in changes.items()):
            return False
        where = changes["region"] or "no region"
        ok = self.controller.apply(UpdateTerritory(territory, changes, f"Move {t.name} to {where}"))
        if ok:
            self.message.emit(f"{t.name} is now in {where}.")
        return ok

    def ask_region(self, territory: int | None = None) -> bool:
        """Ask which region the selected territory belongs to (an existing one or a new name)."""
        territory = self.current_territory() if territory is None else territory
        if territory is None:
            return False
        t = self.plan.territories[territory]
        names = self.regions()
        current = names.index(t.region.strip()) if t.region.strip() in names else 0
        region, ok = QInputDialog.getItem(self, "Set Region", f"Region of {t.name} (type a new one to add it):",
                                          names, current, True)
        return bool(ok) and self.set_region(territory, region)

    def set_balance_within_region(self, on: bool) -> bool:
        """Judge balance within each region (on) or across the plan, as one undoable settings edit."""
        if self.plan.settings.balance_within_region == on:
            self._show_within_region()
            return False
        label = "Judge balance within each region" if on else "Judge balance across regions"
        ok = self.controller.apply(SetSettings(replace(self.plan.settings, balance_within_region=on), label))
        self._show_within_region()
        if ok:
            out = kpis.plan_health(self.plan).out_of_band
            self.message.emit(f"Balance is now judged {'within each region' if on else 'across regions'}: "
                              f"{out} territor{'y' if out == 1 else 'ies'} out of band.")
        return ok
