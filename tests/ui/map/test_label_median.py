"""A territory's map label sits at the median of its accounts, exactly as numpy's median puts it."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from territory_desktop.ui.map.view import _median


@settings(max_examples=200, deadline=None)
@given(arrays(np.float64, st.integers(1, 400), elements=st.floats(-1e7, 1e7)))
def test_label_position_is_numpys_median(values: np.ndarray) -> None:
    assert _median(values) == float(np.median(values))
