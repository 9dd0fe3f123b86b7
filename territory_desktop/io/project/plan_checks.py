"""The checks an opened file must pass before its plan is built: territories read from their rows (routing
rules included) and refused when two open ones share a name or hold numbers the app never saves, account
positions off the globe, assignments that are not territory numbers, bands out of range.

Each ends in a ProjectFileError naming the file and the value, so a damaged plan never opens with wrong
data. Split from project_file.py; plan_reader.py and scenario_reader.py call these.
"""

from __future__ import annotations

import json
import math
import sqlite3
from typing import Any

import numpy as np
import pandas as pd

from territory_desktop.core.routing import Criterion
from territory_desktop.core.settings import BalanceSettings
from territory_desktop.core.territory import Territory
from territory_desktop.core.wording import agree
from territory_desktop.io.project.file_format import (
    MAX_BAND,
    MAX_RULES,
    OPTIONAL_TERRITORY_FIELDS,
    TERRITORY_COLUMNS,
    ProjectFileError,
)


def territory_numbers(series: pd.Series, what: str, k: int, name: str) -> np.ndarray:
    """The assignment or baseline as int32, refused unless every value is a whole number naming a territory
    slot (or -1): a float, a date or a masked column would otherwise be cast into a plausible, wrong plan, and
    a wide integer would wrap into a valid territory."""
    dtype = series.dtype
    if not (isinstance(dtype, np.dtype) and dtype.kind in "iu"):
        raise ProjectFileError(f"{name} is damaged: the {what} must hold whole numbers (territory numbers), "
                               f"not {dtype}.")
    values = series.to_numpy()
    if len(values) and (int(values.min()) < -1 or int(values.max()) >= k):
        raise ProjectFileError(f"{name} is damaged: the {what} refers to a territory that does not exist.")
    return values.astype(np.int32)



def check_settings(settings: BalanceSettings, name: str) -> None:
    """Settings the app could never have saved: a band that is negative, above MAX_BAND or not a number."""
    for m in settings.measures:
        if not 0.0 <= m.band <= MAX_BAND:
            raise ProjectFileError(f"{name} is damaged: the band of the measure {m.measure!r} is {m.band!r}; a "
                                   f"band lies between 0 and {MAX_BAND:g} (0% to {MAX_BAND:.0%} of the mean).")



def check_territory_fields(con: sqlite3.Connection, name: str) -> list[str]:
    """The territory fields the file holds (a file older than an optional field lacks it)."""
    have = [r[1] for r in con.execute("PRAGMA table_info(territories)")]
    lacking = [c for c, _ in TERRITORY_COLUMNS if c not in have and c not in OPTIONAL_TERRITORY_FIELDS]
    if lacking:
        raise ProjectFileError(f"{name} is incomplete: territory {agree(len(lacking), 'field')} {', '.join(lacking)} "
                               f"{agree(len(lacking), 'is', 'are')} missing.")
    return [c for c, _ in TERRITORY_COLUMNS if c in have]



def territories_from(rows: list[tuple[Any, ...]], name: str, fields: list[str]) -> list[Territory]:
    """The territories of one scenario from its stored rows (position, fields...)."""
    out: list[Territory] = []
    for i, row in enumerate(rows):
        if row[0] != i:
            raise ProjectFileError(f"{name} is damaged: territory {i + 1} is missing.")
        d = {**OPTIONAL_TERRITORY_FIELDS, **dict(zip(fields, row[1:], strict=True))}
        try:
            out.append(Territory(
                name=str(d["name"]), rep=str(d["rep"] or ""), role=str(d["role"] or ""),
                region=str(d["region"] or ""), home_lat=_real(d["home_lat"]), home_lon=_real(d["home_lon"]),
                capacity_hours=_real(d["capacity_hours"]), color=str(d["color"] or ""),
                locked=bool(d["locked"]), target_share=_real(d["target_share"]), removed=bool(d["removed"]),
                rules=_rules(d["rules"], name, i), area=str(d["area"] or "")))
        except (TypeError, ValueError) as exc:
            raise ProjectFileError(f"{name} is damaged: territory {i + 1} ({exc}).") from exc
    return out



def check_unique_names(territories: list[Territory], name: str, where: str) -> None:
    """Two open territories with one name (trimmed, case-folded, as the core's edits compare them) cannot be
    told apart in the change list, a rules file or `move --to`; the app never saves that, so it is damage. A
    removed territory may share the name of a later one (the core allows it: the slot only keeps history)."""
    seen: dict[str, int] = {}
    for i, t in enumerate(territories):
        if t.removed:
            continue
        key = t.name.strip().casefold()
        if key in seen:
            j = seen[key]
            raise ProjectFileError(f"{name} is damaged: territories {j + 1} and {i + 1}{where} have the same name "
                                   f"({territories[j].name!r} and {t.name!r}); a plan never holds two "
                                   "territories of one name.")
        seen[key] = i



LARGEST = 1e15
"""A capacity or target share beyond this (1e300) is no real quantity: damage, as in a recovery journal."""



def check_territory_numbers(territories: list[Territory], name: str, where: str) -> None:
    """Numbers the app never saves: a negative, infinite or absurd capacity or target share, a home off the
    globe (a missing home, NaN, is a rep with no address yet, and fine)."""
    for i, t in enumerate(territories):
        label = f"territory {i + 1} ({t.name!r}){where}"
        for what, v in (("capacity", t.capacity_hours), ("target share", t.target_share)):
            if not (math.isfinite(v) and 0.0 <= v <= LARGEST):
                raise ProjectFileError(f"{name} is damaged: the {what} of {label} is {_shown(v)}; a plan holds "
                                       f"a number from 0 to {LARGEST:.0e}.")
        for what, v, limit in (("latitude", t.home_lat, 90.0), ("longitude", t.home_lon, 180.0)):
            if not math.isnan(v) and not -limit <= v <= limit:
                raise ProjectFileError(f"{name} is damaged: the home {what} of {label} is {_shown(v)}, off the "
                                       f"globe (-{limit:g} to {limit:g}).")



def check_positions(accounts: pd.DataFrame, name: str, where: str) -> None:
    """Account positions off the globe or infinite (the importer never keeps one; NaN is an unplaced
    account): distances and the map would be nonsense, so the file is damaged."""
    for col, what, limit in (("lat", "latitude", 90.0), ("lon", "longitude", 180.0)):
        values = pd.to_numeric(accounts[col], errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
        with np.errstate(invalid="ignore"):
            bad = np.flatnonzero(~np.isnan(values) & ~(np.abs(values) <= limit))
        if len(bad):
            r = int(bad[0])
            more = f" (and {len(bad) - 1:,} more)" if len(bad) > 1 else ""
            raise ProjectFileError(f"{name} is damaged: the {what} of account {r + 1} "
                                   f"({accounts['account_id'].iloc[r]!s}){where} is {_shown(values[r])}{more}, "
                                   f"off the globe (-{limit:g} to {limit:g}).")



def _shown(v: float) -> str:
    """A number as a planner reads it ("inf", "-5", "400"), not numpy's repr."""
    return f"{float(v):g}"



def _rules(text: Any, name: str, i: int) -> list[dict[str, Any]]:
    """A territory's routing rules from their JSON, each criterion checked by the core's own rule reader."""
    try:
        raw = json.loads(text if isinstance(text, str) else "[]")
    except (ValueError, RecursionError) as exc:
        raise ProjectFileError(f"{name} is damaged: the rules of territory {i + 1} are unreadable.") from exc
    if not isinstance(raw, list) or len(raw) > MAX_RULES or not all(isinstance(r, dict) for r in raw):
        raise ProjectFileError(f"{name} is damaged: the rules of territory {i + 1} are not a list of criteria.")
    try:
        return [Criterion.from_dict(r).to_dict() for r in raw]
    except ValueError as exc:
        raise ProjectFileError(f"{name} is damaged: a rule of territory {i + 1} cannot be used ({exc}).") from exc



def _real(v: Any) -> float:
    return math.nan if v is None else float(v)
