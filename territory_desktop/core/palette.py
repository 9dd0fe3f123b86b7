"""Territory colours that stay distinguishable for colour-blind planners.

The first eight are Okabe & Ito's colour-blind-safe set (without black); after that the Tol "muted" and
"light" sets extend it. Colours repeat beyond the list, and the territory name always sits beside the swatch.
"""

from __future__ import annotations

PALETTE: tuple[str, ...] = (
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999",
    "#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677", "#882255",
    "#AA4499", "#77AADD", "#EE8866", "#EEDD88", "#FFAABB", "#99DDFF", "#44BB99", "#BBCC33",
)


def color_for(index: int) -> str:
    """The palette colour for the territory at position `index`."""
    return PALETTE[index % len(PALETTE)]
