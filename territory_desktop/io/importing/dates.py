"""Dates as CRM exports write them, read into ISO "YYYY-MM-DD": ISO stamps, US and day-first slashes (decided per
column), dots, month names and epoch milliseconds. Split from values.py, whose per-distinct-cell machinery
(`on_uniques`) it uses."""

from __future__ import annotations

import numpy as np
import pandas as pd

from territory_desktop.io.importing.values import BLANK_TOKENS, on_uniques


def parse_dates(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Dates written the usual export ways as ISO "YYYY-MM-DD" text; returns (dates, mask of cells that are not
    dates). Read: ISO ("2026-03-04", "2026-03-04 10:22"), slashes ("03/04/2026", "3/4/26"), dots
    ("15.01.2024", always day first), month names ("Mar 3, 2024", "3 March 2024", "03-Mar-2024") and epoch
    milliseconds. Slashes are US month-first unless the column proves itself day-first (a "14/02/2024" and no
    "3/14/2024"); a cell that reads only one way ("14/02/2024" in a US column) is read that way."""
    def parse(u: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        text = u.str.strip()
        blank = text.str.casefold().isin(BLANK_TOKENS).to_numpy()
        out = pd.to_datetime(text.where(~blank), errors="coerce", format="ISO8601")
        rest = out.isna().to_numpy() & ~blank
        if rest.any():
            out[rest] = _slash_dates(text[rest]).to_numpy()
        for formats, cells in ((_DOT_FORMATS, text), (_NAME_FORMATS, _month_words(text))):
            rest = out.isna().to_numpy() & ~blank
            for fmt in formats:
                if not rest.any():
                    break
                out[rest] = pd.to_datetime(cells[rest], errors="coerce", format=fmt).to_numpy()
                rest = out.isna().to_numpy() & ~blank
        rest = out.isna().to_numpy() & ~blank
        if rest.any():
            digits = pd.to_numeric(text[rest], errors="coerce")
            epoch = pd.to_datetime(digits.where(digits > 1e11), unit="ms", errors="coerce")
            out[rest] = epoch.to_numpy()
        iso = np.where(out.isna(), "", out.dt.strftime("%Y-%m-%d").fillna("")).astype(object)
        return iso, (iso == "") & ~blank

    return on_uniques(s, parse)


_DOT_FORMATS = ("%d.%m.%Y", "%d.%m.%y")
_NAME_FORMATS = ("%b %d, %Y", "%B %d, %Y", "%b %d %Y", "%B %d %Y", "%d %b %Y", "%d %B %Y", "%d-%b-%Y", "%d-%b-%y",
                 "%d %b, %Y", "%b. %d, %Y")


def _month_words(text: pd.Series) -> pd.Series:
    """"Sept" (common in exports, unknown to strptime) as "Sep"."""
    return text.str.replace(r"(?i)\bsept\b", "Sep", regex=True)


def _slash_dates(text: pd.Series) -> pd.Series:
    """m/d/y or d/m/y (4- or 2-digit years), per the column (see parse_dates); NaT where neither reads."""
    def read(order: str) -> pd.Series:
        four = pd.to_datetime(text, errors="coerce", format=f"%{order[0]}/%{order[1]}/%Y")
        two = pd.to_datetime(text.where(four.isna()), errors="coerce", format=f"%{order[0]}/%{order[1]}/%y")
        return four.fillna(two)

    us, eu = read("md"), read("dm")
    if bool((eu.notna() & us.isna()).any()) and not bool((us.notna() & eu.isna()).any()):
        return eu.fillna(us)  # the column proves itself day-first
    return us.fillna(eu)
