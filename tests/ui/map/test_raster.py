"""The accounts layer puts every point's square where it belongs, clipped at the edges, in any density."""

from __future__ import annotations

import numpy as np

from territory_desktop.ui.map.raster import splat


def _naive(sx, sy, colors, w, h, size):
    """The colours whose square covers each pixel (an independent per-point loop)."""
    cover = [[set() for _ in range(w)] for _ in range(h)]
    half = size // 2
    for x, y, c in zip(sx, sy, colors, strict=True):
        x0, y0 = int(np.floor(x)) - half, int(np.floor(y)) - half
        for yy in range(max(y0, 0), min(y0 + size, h)):
            for xx in range(max(x0, 0), min(x0 + size, w)):
                cover[yy][xx].add(int(c))
    return cover


def _check(got, cover):
    for yy, line in enumerate(cover):
        for xx, owners in enumerate(line):
            assert (int(got[yy, xx]) in owners) if owners else got[yy, xx] == 0, (xx, yy)


def test_sparse_points_are_squares_clipped_at_the_border():
    rng = np.random.default_rng(1)
    sx, sy = rng.uniform(-5, 65, 300), rng.uniform(-5, 45, 300)
    colors = rng.integers(1, 2**31, 300).astype(np.uint32)
    _check(splat(sx, sy, colors, 60, 40, 4), _naive(sx, sy, colors, 60, 40, 4))


def test_dense_points_cover_the_same_pixels_as_per_point_squares():
    rng = np.random.default_rng(2)
    sx, sy = rng.uniform(0, 30, 3000), rng.uniform(0, 20, 3000)  # denser than the screen: the dilated path
    colors = rng.integers(1, 2**31, 3000).astype(np.uint32)
    _check(splat(sx, sy, colors, 30, 20, 3), _naive(sx, sy, colors, 30, 20, 3))
