"""The reports' look in one place: page sizes, type sizes and colours (the window's band colours, the
territory colours of `core/palette.py` via each territory's own colour), so every PDF reads as one family."""

from __future__ import annotations

LETTER = (8.5, 11.0)
"""US Letter portrait, inches: the rep books (US sales teams print on Letter)."""
LETTER_LANDSCAPE = (11.0, 8.5)
"""The plan summary: wide charts and the territory table need the width."""
MARGIN = 0.5

INK = "#1F2328"
MUTED = "#5B636E"
FAINT = "#8A929C"
RULE = "#D5D9DF"
ZEBRA = "#F4F6F9"
HEADER_BG = "#E9EDF2"
PAPER = "#FFFFFF"
SEA = "#EEF2F6"
LAND = "#FFFFFF"
LAND_EDGE = "#C9D1DA"
STATE_EDGE = "#DDE3EA"
OTHER_ACCOUNTS = "#C4CAD2"

BAND_COLORS = {"in": ("#1E6B34", "#E5F3E8"), "near": ("#8A5300", "#FFF1D1"), "out": ("#B3261E", "#FCE4E1")}
"""(text, fill) per band status: the same pairs the window's territory table paints."""
BAND_WORDS = {"in": "In band", "near": "Near edge", "out": "Out of band"}
UTIL_OK, UTIL_HIGH, UTIL_OVER = "#4C7FD9", "#D99A00", "#B3261E"
"""Workload bars: under 90% of capacity, 90–100%, over (the capacity dock's colours)."""
IN_COLOR, OUT_COLOR = "#1E6B34", "#B3261E"
"""Accounts joining and leaving a territory."""

TITLE_SIZE = 17
HEADING_SIZE = 10.5
BODY_SIZE = 8.5
TABLE_SIZE = 7.5
SMALL_SIZE = 6.8
