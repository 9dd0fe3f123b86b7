"""Helper of the kill test: save two alternating plans over one path until killed.

Run as `python _save_victim.py PATH N_ACCOUNTS [moves]`; with "moves", the plan is opened from the file and its
assignment moved back and forth, saved by the quick path (`save_moves`) as the CLI's `move` saves. Prints "ready" once the first save is complete, so the test
knows a valid file exists before it starts killing.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

_ROOT = str(Path(__file__).resolve().parents[3])  # the checkout, so `tests.conftest` imports when run as a script
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)  # never tests/ itself: tests/packaging would shadow the `packaging` library

from territory_desktop.core.edits import MoveAccounts  # noqa: E402
from territory_desktop.core.plan import Plan  # noqa: E402
from territory_desktop.io.project.project_file import open_project, save_moves, save_project  # noqa: E402
from tests.conftest import make_plan  # noqa: E402


def victim_plans(n: int) -> tuple[Plan, Plan]:
    """Two plans with the same accounts and different assignments: the file must always be one of them."""
    a = make_plan(n, 6, seed=11)
    b = Plan(a.accounts, a.territories, np.roll(a.assignment, 1), a.baseline)
    return a, b


def main() -> None:
    path, n = Path(sys.argv[1]), int(sys.argv[2])
    plans = victim_plans(n)
    save_project(plans[0], path)
    quick = sys.argv[3:] == ["moves"]
    plan = open_project(path) if quick else plans[0]
    print("ready", flush=True)
    i = 1
    while True:
        if quick:
            plan.apply(MoveAccounts(np.arange(n), plans[i % 2].assignment))
            if not save_moves(plan, path):
                raise SystemExit("the quick save was not taken")
        else:
            save_project(plans[i % 2], path)
        i += 1


if __name__ == "__main__":
    main()
