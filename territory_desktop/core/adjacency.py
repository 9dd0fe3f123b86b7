"""Which accounts touch on the map, for plans whose accounts are geographic units (counties, ZIPs).

A planner who builds territories from counties imports the county adjacency (a CSV of `a,b` id pairs) so the
co-pilot can keep each territory one connected piece. The pairs are kept by account id, not by row, so they
survive a CRM refresh that adds or drops accounts: a pair naming an account that left the plan is simply
skipped when the solver asks for rows. The rows-of-text parser is shared with `solve-points` (solver/points.py),
so both read the same file the same way and name a bad row the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

import numpy as np
import pandas as pd


class Accounts(Protocol):
    """What an adjacency needs of a plan: its account ids, and an index to find their rows (core/plan.py's Plan;
    a protocol rather than an import, so the plan and its adjacency do not import each other)."""

    ids: np.ndarray

    def id_index(self) -> pd.Index: ...


class AdjacencyError(ValueError):
    """A pairs file that cannot be read as an adjacency; the message names the file, row and column."""


@dataclass(frozen=True, eq=False)
class AccountAdjacency:
    """Pairs of account ids that touch (each pair once, in the order read) and the file they came from."""

    a: np.ndarray
    b: np.ndarray
    source: str = ""

    def __post_init__(self) -> None:
        if len(self.a) != len(self.b):
            raise ValueError("adjacency pairs need two ids each")

    def __len__(self) -> int:
        return len(self.a)

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, AccountAdjacency) and self.source == other.source
                and np.array_equal(self.a, other.a) and np.array_equal(self.b, other.b))

    __hash__: ClassVar[None] = None  # type: ignore[assignment]

    def row_pairs(self, plan: Accounts) -> np.ndarray:
        """(E, 2) account rows of the pairs whose both accounts are in the plan (others left the plan)."""
        if not len(self):
            return np.empty((0, 2), dtype=np.int64)
        index = plan.id_index()
        ra = index.get_indexer(self.a)
        rb = index.get_indexer(self.b)
        keep = (ra >= 0) & (rb >= 0)
        return np.column_stack([ra[keep], rb[keep]]).astype(np.int64)

    def units(self) -> int:
        """How many distinct accounts the pairs name."""
        return len(pd.unique(np.concatenate([self.a, self.b]))) if len(self) else 0

    def to_dict(self) -> dict[str, Any]:
        return {"a": [str(x) for x in self.a], "b": [str(x) for x in self.b], "source": self.source}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> AccountAdjacency:
        a, b = d.get("a"), d.get("b")
        if not isinstance(a, list) or not isinstance(b, list) or len(a) != len(b):
            raise ValueError("an adjacency record needs two lists of account ids of one length")
        return cls(np.asarray([str(x) for x in a], dtype=object), np.asarray([str(x) for x in b], dtype=object),
                   str(d.get("source", "")))


def pair_rows(rows: Sequence[Sequence[str]], ids: Sequence[str], label: str, what: str = "account") -> np.ndarray:
    """(E, 2) positions in `ids` of the pairs in CSV `rows` (a header, then `a,b` a row; more columns ignored).

    Blank lines are skipped; a short row or an id not in `ids` raises AdjacencyError naming `label` (the file),
    the row number as a spreadsheet shows it and the column. `what` names the ids ("account", "point")."""
    if not rows:
        raise AdjacencyError(f"{label}: empty; needs a header row and one a,b pair of {what} ids a row")
    head = [c.strip() for c in rows[0]]
    if len(head) < 2:
        raise AdjacencyError(f"{label}: needs two columns of {what} ids (a,b) per adjacent pair; the header has "
                             f"{len(head)}")
    pos = {str(pid): i for i, pid in enumerate(ids)}
    pairs = np.empty((max(len(rows) - 1, 0), 2), dtype=np.int64)
    kept = 0
    for r, row in enumerate(rows[1:], start=2):
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        if len(cells) < 2 or not cells[0] or not cells[1]:
            raise AdjacencyError(f"{label}: row {r}: needs two {what} ids ({head[0]},{head[1]}), "
                                 f"got {','.join(row)!r}")
        for col in (0, 1):
            if cells[col] not in pos:
                owner = "points file" if what == "point" else "plan"
                article = "an" if what[:1] in "aeiou" else "a"
                raise AdjacencyError(f"{label}: row {r}, column {head[col]!r}: {cells[col]!r} is not {article} "
                                     f"{what} id of the {owner}")
        pairs[kept] = (pos[cells[0]], pos[cells[1]])
        kept += 1
    return pairs[:kept]


def adjacency_from_rows(rows: Sequence[Sequence[str]], plan: Accounts, label: str) -> AccountAdjacency:
    """The plan's account adjacency from a pairs CSV's rows; self-pairs and repeats are dropped."""
    pairs = pair_rows(rows, [str(x) for x in plan.ids], label)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    if len(pairs):
        pairs = np.unique(np.sort(pairs, axis=1), axis=0)
    if not len(pairs):
        raise AdjacencyError(f"{label}: holds no pair of two different accounts; nothing touches anything")
    return AccountAdjacency(plan.ids[pairs[:, 0]], plan.ids[pairs[:, 1]], label)
