"""Vacant territories: a rep leaves, the book stays whole until the hire, and the hire takes it over.

A departure can be handled two ways (the capacity view's remove-rep what-if offers both): redistribute the book
now (`solver/whatif`), or keep it whole as a vacant seat. The vacant seat is a successor slot, "West (vacant)",
holding every account of West, with no rep and LOCKED, while West itself is marked removed:

- the change list compares each account's territory with the baseline, so every account of the book is listed,
  from "West / Ann Lee" to "West (vacant)" with the reason "Rep departure: Ann Lee (West) ...", and after the
  hire from "West / Ann Lee" to "West / Ben Ortiz" with "New hire: Ben Ortiz (West)". An in-place rename would
  leave the change list empty and show the new rep on both sides (the baseline's rep is read from the slot).
- the lock is the stability rule: the co-pilot never moves accounts into or out of a locked territory, and a
  new rep's carve never takes from it, so the book really stays whole until the planner decides. Unlocking
  it (or removing it with the remove-rep what-if) hands it back to the co-pilot.

Both are made of the core's own edits (AddTerritory, RemoveTerritory, UpdateTerritory, MoveAccounts) in one
`Batch`: one undo step, replayed by the recovery journal like any other edit.
"""

from __future__ import annotations

import math

import numpy as np

from territory_desktop.core.edits import AddTerritory, Batch, MoveAccounts, RemoveTerritory, UpdateTerritory
from territory_desktop.core.plan import Plan
from territory_desktop.core.territory import Territory

VACANT_MARK = " (vacant)"
"""What a vacant seat's name ends with: the territories panel, the map, the change list and exports show it."""


def is_vacant(t: Territory) -> bool:
    """True for a seat kept whole after a departure: not removed, no rep, the name marked "(vacant)"."""
    return not t.removed and not t.rep.strip() and t.name.rstrip().endswith(VACANT_MARK.strip())


def vacant_territories(plan: Plan) -> list[int]:
    """Indices of the plan's vacant seats, in order."""
    return [i for i, t in enumerate(plan.territories) if is_vacant(t)]


def vacant_name(name: str) -> str:
    """ "West" -> "West (vacant)"."""
    return f"{name.strip()}{VACANT_MARK}"


def unvacant_name(name: str) -> str:
    """ "West (vacant)" -> "West": the name the hire's territory goes back to."""
    name = name.rstrip()
    mark = VACANT_MARK.strip()
    return name[: -len(mark)].rstrip() if name.endswith(mark) else name


def departure_reason(t: Territory) -> str:
    """The change list's reason for the accounts of a rep who leaves (the rep's name, else the territory's)."""
    return f"Rep departure: {t.rep or t.name}" + (f" ({t.name})" if t.rep and t.rep != t.name else "")


def vacancy_reason(t: Territory) -> str:
    """The departure reason when the book is kept whole until the hire."""
    return f"{departure_reason(t)}; book kept whole until the hire"


def new_rep_reason(name: str, rep: str = "") -> str:
    """The change list's reason for accounts given to a new rep: the hire by name when known, else the seat."""
    rep = rep.strip()
    if rep:
        return f"New hire: {rep}" + (f" ({name})" if name and name != rep else "")
    return f"New rep: {name}"


def vacate_edit(plan: Plan, territory: int) -> Batch:
    """The edit keeping territory's book whole as a locked, rep-less seat "<name> (vacant)" (module docstring).

    ValueError (a sentence naming the territory) when it is removed, already vacant, locked, or the vacant name
    is taken by another territory.
    """
    if not 0 <= territory < plan.n_territories:
        raise ValueError(f"There is no territory number {territory}.")
    t = plan.territories[territory]
    if t.removed:
        raise ValueError(f"Territory {t.name!r} has been removed.")
    if is_vacant(t):
        raise ValueError(f"{t.name} is already vacant: fill it with Add a rep, or remove it to redistribute.")
    if t.locked:
        raise ValueError(f"Territory {t.name!r} is locked: unlock it first.")
    name = vacant_name(t.name)
    if any(not o.removed and o.name.casefold() == name.casefold() for o in plan.territories):
        raise ValueError(f"A territory is already called {name!r}.")
    seat = Territory.from_dict({**t.to_dict(), "name": name, "rep": "", "locked": True})
    n = len(plan.rows_in(territory))
    label = f"{t.rep or t.name} leaves: {t.name}'s {n:,} account{'s' if n != 1 else ''} kept whole as {name}"
    why = vacancy_reason(t)
    return Batch([AddTerritory(seat, label),
                  RemoveTerritory(territory, to=plan.n_territories, label=label, check_locks=False, reason=why)],
                 label)


def fill_edit(plan: Plan, territory: int, rep: str, home: tuple[float, float] | None = None) -> Batch:
    """The edit giving vacant seat `territory` to the new hire `rep`: its name loses "(vacant)", the lock goes,
    the rep's home is `home` (None keeps the seat's), and every account is noted "New hire: <rep> (<name>)".

    ValueError when the territory is not vacant, the rep has no name, the home is not a place or the plain
    name has been taken meanwhile.
    """
    if not 0 <= territory < plan.n_territories:
        raise ValueError(f"There is no territory number {territory}.")
    t = plan.territories[territory]
    if not is_vacant(t):
        raise ValueError(f"{t.name} is not a vacant territory.")
    rep = rep.strip()
    if not rep:
        raise ValueError("Name the new hire.")
    name = unvacant_name(t.name)
    if any(i != territory and not o.removed and o.name.casefold() == name.casefold()
           for i, o in enumerate(plan.territories)):
        raise ValueError(f"Another territory is already called {name!r}: rename it or this one first.")
    changes: dict[str, object] = {"name": name, "rep": rep, "locked": False}
    if home is not None:
        lat, lon = float(home[0]), float(home[1])
        if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValueError(f"The new rep's home ({lat}, {lon}) is not a place on the map.")
        changes.update(home_lat=lat, home_lon=lon)
    rows = plan.rows_in(territory)
    label = f"New hire {rep} takes over {name} ({len(rows):,} account{'s' if len(rows) != 1 else ''})"
    edits = [UpdateTerritory(territory, changes, label)]
    if len(rows):  # a move to the territory they are in: the totals stay, the change list gets the hire's note
        edits.append(MoveAccounts(np.asarray(rows), territory, label, check_locks=False,
                                  reason=new_rep_reason(name, rep)))
    return Batch(edits, label)
