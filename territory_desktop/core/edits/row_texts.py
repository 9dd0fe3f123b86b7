"""Per-row texts of an edit (move reasons, change notes): checked to one per row, and coded for the journal.

Shared by the account moves and the territory removal/restore, which both carry notes for many rows.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def _row_texts(values: Any, n: int, what: str) -> np.ndarray:
    arr = np.asarray(values, dtype=object)
    if arr.shape != (n,):
        raise ValueError(f"a move needs one {what} per account row ({n}), not {arr.shape}")
    return np.array([v if isinstance(v, str) else "" if v is None else str(v) for v in arr], dtype=object)


def _codes(texts: np.ndarray) -> dict[str, list[Any]]:
    """Per-row texts as distinct values + codes: a 10k-row move with 3 reasons journals 3 sentences."""
    values, codes = np.unique(np.asarray(texts, dtype=object).astype(str), return_inverse=True)
    return {"values": values.tolist(), "codes": codes.astype(np.int64).tolist()}


def _uncodes(d: Any, n: int) -> np.ndarray:
    if not isinstance(d, dict) or not isinstance(d.get("values"), list) or not isinstance(d.get("codes"), list):
        raise ValueError("per-row texts must be {values, codes}")
    values = np.array([str(v) for v in d["values"]] + [""], dtype=object)
    codes = np.asarray(d["codes"], dtype=np.int64)
    if codes.shape != (n,) or (len(codes) and (codes.min() < 0 or codes.max() >= len(values) - 1)):
        raise ValueError("per-row text codes do not match the rows")
    return values[codes]
