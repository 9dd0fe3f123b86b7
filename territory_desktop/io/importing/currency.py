"""Which currency an amount is written in ("$1,200" USD, "CAD 12M" CAD, "£5,000" GBP), so the importer can name a
cell in another currency than the rest of its column: amounts are read as written, and an MXN amount read as
dollars is 18 times too big. Split from values.py, whose factorization it shares."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from territory_desktop.io.importing.values import factorize_text, on_uniques

_MARKS = (("us$", "USD"), ("usd", "USD"), ("nz$", "NZD"), ("mx$", "MXN"), ("c$", "CAD"), ("a$", "AUD"),
          ("$", "USD"), ("eur", "EUR"), ("€", "EUR"), ("gbp", "GBP"), ("£", "GBP"), ("cad", "CAD"),
          ("aud", "AUD"), ("chf", "CHF"), ("jpy", "JPY"), ("¥", "JPY"), ("sek", "SEK"), ("nok", "NOK"),
          ("dkk", "DKK"), ("nzd", "NZD"), ("mxn", "MXN"))
"""Currency markers an export writes before or after an amount, with the ISO code each one means (`_MARK_RE`
finds them, trying "us$", "c$"... before a bare "$")."""
_MARK_RE = re.compile(r"^\(?-?\s*(us\$|nz\$|mx\$|c\$|a\$|\$|€|£|¥|[a-z]{3}\b)|(\$|€|£|¥|\b[a-z]{3})\s*\)?$")


_FOREIGN = ("€", "£", "¥", "eur", "gbp", "cad", "aud", "chf", "jpy", "sek", "nok", "dkk", "nzd", "mxn", "c$", "a$")
"""Substrings that may name a currency other than dollars (a hit only sends the column to the exact check)."""


def names_other_currency(s: pd.Series) -> bool:
    """Whether any cell may name a currency other than dollars: substring searches over the distinct cells
    joined (a few ms inside an import, where the parser already factorized the column), so the per-cell
    `currency_marks` runs only on the rare column that needs it (~1.5 s a column at 1M)."""
    _codes, distinct = factorize_text(s)  # inside an import: the parser's own factorization, cached
    text = "\n".join(map(str, distinct)).casefold()
    return any(mark in text for mark in _FOREIGN)  # plain substring searches: a regex here took 1.7 s at 1M


def currency_marks(s: pd.Series) -> np.ndarray:
    """The ISO code of the currency each cell is written in ("" when it names none): "$1,200" USD, "CAD 12M"
    CAD, "£5,000" GBP. The importer reads every amount as written; a cell in another currency than the rest of
    its column is warned about (an MXN amount read as dollars is 18 times too big)."""
    codes = dict(_MARKS)

    def marks(u: pd.Series) -> np.ndarray:
        out = []
        for text in u.str.strip().str.casefold().tolist():
            m = _MARK_RE.search(text)
            out.append(codes.get(next((g for g in m.groups() if g), ""), "") if m else "")
        return np.array(out, dtype=object)

    return on_uniques(s, lambda u: (marks(u),))[0]
