"""The import's closing summary lines read as English for one territory as for many."""

from __future__ import annotations

import numpy as np

from territory_desktop.core.sanity import glance_lines
from tests.conftest import make_plan


def test_capacity_load_line_counts_one_territory_in_the_singular() -> None:
    plan = make_plan(n=40, k=1)
    line = next(s for s in glance_lines(plan) if s.startswith("Capacity load"))
    assert line.endswith("of 1 territory over capacity.")


def test_capacity_load_line_counts_several_territories_in_the_plural() -> None:
    plan = make_plan(n=40, k=3)
    line = next(s for s in glance_lines(plan) if s.startswith("Capacity load"))
    assert line.endswith("of 3 territories over capacity.")
    assert int(line.split("; ")[1].split(" of ")[0]) == int(np.sum(
        [w > c for w, c in zip(plan.kpis.workload[:3] / 1000, [t.capacity_hours for t in plan.territories],
                               strict=True)]))
