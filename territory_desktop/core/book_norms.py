"""How many accounts a rep of each role can carry: the playbook's book-size norms, matched to a territory.

A book far outside its norm is a coverage problem whatever the balance says (an SMB rep with 900 accounts
cannot touch them all; an enterprise rep with 10 has too little to sell into), so the capacity view and the
health check measure every book against the range for its role.

Settings imports this module for the default norms, so it must not import the plan at run time.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from territory_desktop.core.plan import Plan

DEFAULT_BOOK_NORMS: dict[str, tuple[int, int]] = {
    "Enterprise": (30, 80), "Mid-Market": (100, 200), "SMB": (200, 500),
}
"""Accounts per rep by segment / role, the industry's rule of thumb (see settings.DEFAULT_HOURS)."""


def default_book_norms() -> tuple[tuple[str, int, int], ...]:
    """DEFAULT_BOOK_NORMS as the settings hold them: (name, low, high) tuples, so settings stay comparable."""
    return tuple((name, lo, hi) for name, (lo, hi) in DEFAULT_BOOK_NORMS.items())


def book_norms_from_dict(d: Any) -> tuple[tuple[str, int, int], ...]:
    """Norms read from a saved {name: [low, high]} mapping; ValueError naming a range that makes no sense."""
    if not isinstance(d, dict):
        raise ValueError("book norms must map a role or segment to [low, high] accounts per rep")
    out: list[tuple[str, int, int]] = []
    for name, pair in d.items():
        try:
            lo, hi = (int(v) for v in pair)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"book norm for {name!r} must be [low, high] accounts, not {pair!r}") from exc
        if not 0 <= lo <= hi:
            raise ValueError(f"book norm for {name!r} must have 0 ≤ low ≤ high, not {lo}–{hi}")
        if str(name).strip():
            out.append((str(name).strip(), lo, hi))
    return tuple(out)


def _squash(text: str) -> str:
    """'Mid Market AE' -> 'midmarketae': compare names ignoring case, spaces and punctuation."""
    return re.sub(r"[^0-9a-z]+", "", text.casefold())


def _initials(name: str) -> str:
    """'Mid-Market' -> 'mm' (only for names of several words: one word's initial says nothing)."""
    words = [w for w in re.split(r"[^0-9a-zA-Z]+", name.casefold()) if w]
    return "".join(w[0] for w in words) if len(words) > 1 else ""


@lru_cache(maxsize=1024)  # a plan asks the same few roles once per territory on every refresh
def match_norm(text: str, norms: tuple[tuple[str, int, int], ...]) -> tuple[int, int] | None:
    """The range whose name the text contains ("Enterprise AE" -> Enterprise, "MM AE" -> Mid-Market)."""
    squashed = _squash(text)
    if not squashed:
        return None
    tokens = {_squash(w) for w in re.split(r"[^0-9a-zA-Z]+", text) if w}
    best: tuple[int, tuple[int, int]] | None = None
    for name, lo, hi in norms:
        key = _squash(name)
        if key and key in squashed:
            score = len(key)  # the longest name wins: "Enterprise SMB" would be Enterprise
        elif (ini := _initials(name)) and ini in tokens:
            score = len(ini)
        else:
            continue
        if best is None or score > best[0]:
            best = (score, (lo, hi))
    return None if best is None else best[1]


def norm_for(plan: Plan, t: int) -> tuple[int, int] | None:
    """Accounts-per-rep range for territory t: by its rep's role, else (a role that names no norm, or none)
    by the segment that holds most of its accounts. None when neither names a norm.
    """
    norms = plan.settings.book_norms
    terr = plan.territories[t]
    found = match_norm(terr.role, norms)
    if found is not None:
        return found
    seg = plan.kpis.seg_counts[t]
    if not len(seg) or seg.max() <= 0:
        return None
    return match_norm(plan.segment_names[int(seg.argmax())], norms)

