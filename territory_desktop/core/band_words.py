"""A deviation written so that the number and its band word agree: "+15.3%  out", never "+15%  out".

Rounding to whole percent is how planners read deviations, but right at a band edge it hides the judgement:
15.3% against a ±15% band rounds to "+15%", which reads as in band while the word beside it says "out". So the
number gets the fewest decimals (0, 1, 2) at which, read back, it falls in the same band as the true value; if
float noise sits beyond two decimals, the last digit is rounded away from the edge it is on the far side of.
The territories panel, the status bar, the co-pilot and `info` all write deviations through here.
"""

from __future__ import annotations

import math

from territory_desktop.core import kpis

MAX_DIGITS = 2


def status_of(dev: float, band: float, near_fraction: float) -> str:
    """"in", "near" or "out": the core's judgement (`kpis.band_status`) of one deviation."""
    return kpis.band_status_one(math.nan if dev is None else float(dev), band, near_fraction)  # None: no number, "in" as before


def deviation_text(dev: float, band: float, near_fraction: float, signed: bool = True,
                   min_digits: int = 0) -> str:
    """The deviation as a percentage with just enough decimals (at least `min_digits`) to read as its band word."""
    if dev is None or not math.isfinite(dev):
        return "—"
    word = status_of(dev, band, near_fraction)
    sign = "+" if signed else ""
    for digits in range(min(min_digits, MAX_DIGITS), MAX_DIGITS + 1):
        shown = round(dev * 100, digits)
        if status_of(shown / 100, band, near_fraction) == word:
            return f"{shown:{sign}.{digits}f}%"
    # noise beyond two decimals: round the magnitude away from the nearer edge so it reads on the right side
    edges = sorted((band, near_fraction * band), key=lambda e: abs(abs(dev) - e))
    scaled = abs(dev) * 10 ** (MAX_DIGITS + 2)
    magnitude = math.ceil(scaled) if abs(dev) > edges[0] else math.floor(scaled)
    shown = math.copysign(magnitude / 100, dev)
    return f"{shown:{sign}.{MAX_DIGITS}f}%"


def deviation_phrase(dev: float, band: float, near_fraction: float) -> str:
    """"+15.3% (out)": a deviation with its word, for sentences and change lists."""
    return f"{deviation_text(dev, band, near_fraction)} ({status_of(dev, band, near_fraction)})"
