"""The capacity chart's look: row and header heights, the band and utilisation colours, segment colours, the
widths below which titles shorten or panels give way, and the scale rounding every axis shares."""

from __future__ import annotations

import numpy as np

ROW_PX = 22
HEADER_PX = 74
IN, NEAR, OUT = "#2E8B57", "#D99A00", "#C8372D"
UTIL_OK, UTIL_HIGH = "#4C7FD9", "#D99A00"
SEGMENT_COLORS = ("#4C72B0", "#DD8452", "#55A868", "#C44E52", "#8172B3", "#937860")
PIPELINE = "#8A929C"
NARROW_PANEL_PX = 70
"""Below this width a panel's titles and ticks run together (a dock squeezed by a wide co-pilot): the chart
then shows workload and potential only, at twice the width; accounts and pipeline come back with room."""
TITLE_CHAR_PX = 5.4
"""About how wide one character of a panel title (8.5 pt at 100 dpi) is, in pixels."""


def util_color(u: float) -> str:
    return OUT if u > 1.0 else UTIL_HIGH if u > 0.9 else UTIL_OK


def nice(v: float) -> float:
    """`v` rounded up to 1, 2 or 5 × a power of ten: scales that stay put through small changes."""
    if v <= 0 or not np.isfinite(v):
        return 1.0
    p = 10 ** np.floor(np.log10(v))
    return float(next(m * p for m in (1, 2, 2.5, 5, 10) if m * p >= v))


def band_color(status: str) -> str:
    return {"in": IN, "near": NEAR, "out": OUT}.get(status, IN)
