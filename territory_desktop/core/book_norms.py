"""How many accounts a rep of each role can carry: the playbook's book-size norms, matched to a territory.

A book far outside its norm is a coverage problem whatever the balance says (an SMB rep with 900 accounts
cannot touch them all; an enterprise rep with 10 has too little to sell into), so the capacity view and the
health check measure every book against the range for its role.

"""

from __future__ import annotations

import re
from functools import lru_cache

from territory_desktop.core.capacity_settings import (  # noqa: F401 — the norms' home, re-exported
    DEFAULT_BOOK_NORMS,
    book_norms_from_dict,
    default_book_norms,
)
from territory_desktop.core.plan import Plan


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

