"""How fast the co-pilot answers while the planner edits, and whether the window stays smooth (run on demand).

    python benchmarks/solver_speed.py [--sizes 10000x50,100000x200] [--edits 3] [--time-limit 15]

For each generated plan (accounts clustered around the reps' homes, 20% with open pipeline, which stays put):
the whole real loop runs in an offscreen QApplication — SolverClient, the worker process, suggestions. The plan
is first brought into band by accepting the co-pilot's suggestions; then each "edit" drags the accounts of one
territory nearest to a neighbour's home across (an imbalance a planner would make) and the script measures:

- edit → first suggestion (includes the client's 400 ms debounce; goals ≤ 1 s at 10k, ≤ 2 s at 100k),
- edit → a solver plan with every territory in band (goal ≤ 10 s at 100k when one exists),
- the snapshot (`problem_from_plan`) and `make_suggestions` time on the window's thread (the suggestions dock
  is shown, offscreen, so its list rebuild counts in the stalls too),
- cancel latency (cancel → the worker's Finished "cancelled"),
- event-loop stalls: a 10 ms QTimer ticks throughout; gaps over the solver's work (goal: none > 50 ms).
  Gaps spanning the script's own edits/accepts (user actions, timed separately) are excluded.
Then the objective/bound trace of the last edit at each size. Medians over the edits.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from territory_desktop.core.edits import MoveAccounts  # noqa: E402
from territory_desktop.core.plan import Plan, accounts_frame  # noqa: E402
from territory_desktop.core.territory import Territory  # noqa: E402
from territory_desktop.solver.copilot.messages import Finished, Improved  # noqa: E402
from territory_desktop.solver.copilot.suggestions import make_suggestions, suggestion_edit  # noqa: E402
from territory_desktop.solver.copilot.worker import SolverWorker  # noqa: E402
from territory_desktop.solver.problem.from_plan import problem_from_plan
from territory_desktop.ui.copilot.solver_client import SolverClient  # noqa: E402
from territory_desktop.ui.copilot.suggestions_dock import SuggestionsDock  # noqa: E402
from territory_desktop.ui.hub.selection import Selection  # noqa: E402


def generated_plan(n: int, k: int, seed: int = 0) -> Plan:
    """Accounts in clusters around k homes across the US, each assigned to its nearest home."""
    rng = np.random.default_rng(seed)
    home_lat, home_lon = rng.uniform(30, 46, k), rng.uniform(-122, -72, k)
    c = rng.integers(0, k, n)
    lat = home_lat[c] + rng.normal(0, 0.8, n)
    lon = home_lon[c] + rng.normal(0, 1.0, n)
    ids = np.char.add("A", np.arange(n).astype("U7")).astype(object)
    acc = accounts_frame({
        "account_id": ids, "name": np.char.add("Company ", np.arange(n).astype("U7")).astype(object),
        "lat": lat, "lon": lon, "potential": rng.lognormal(11, 1, n).round(2),
        "pipeline": np.where(rng.random(n) < 0.2, 25_000.0, 0.0),
        "segment": rng.choice(np.array(["SMB", "Mid-Market", "Enterprise"], dtype=object), n, p=[.6, .3, .1]),
    })
    terrs = [Territory(f"T{i}", home_lat=float(home_lat[i]), home_lon=float(home_lon[i]), capacity_hours=0.0)
             for i in range(k)]
    d = (lat[:, None] - home_lat[None]) ** 2 + ((lon[:, None] - home_lon[None]) * 0.8) ** 2
    return Plan(acc, terrs, np.argmin(d, axis=1).astype(np.int32))


class RecordingWorker(SolverWorker):
    """The real worker, noting when each message reached the window."""

    def __init__(self) -> None:
        super().__init__()
        self.log: list[tuple[float, object]] = []

    def poll(self) -> list:
        msgs = super().poll()
        now = time.perf_counter()
        self.log.extend((now, m) for m in msgs)
        return msgs


class TimedClient(SolverClient):
    """The real client, timing its own work on the window's thread (what a stall would be made of)."""

    slot_ms: dict[str, list[float]]

    def _timed(self, name: str, fn, *args) -> None:
        t = time.perf_counter()
        fn(*args)
        self.__dict__.setdefault("slot_ms", {}).setdefault(name, []).append((time.perf_counter() - t) * 1000)

    def _on_poll(self) -> None:
        self._timed("poll", super()._on_poll)

    def solve_now(self) -> None:
        self._timed("snapshot+submit", super().solve_now)

    def _publish(self, assignment) -> None:
        self._timed("suggestions", super()._publish, assignment)


class Ticker:
    """A 10 ms QTimer; the gaps between its ticks are the event-loop stalls."""

    def __init__(self) -> None:
        self.gaps: list[float] = []
        self._last: float | None = None
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        now = time.perf_counter()
        if self._last is not None:
            self.gaps.append(now - self._last)
        self._last = now

    def skip(self) -> None:
        """Forget the gap in progress: the script itself is about to block (a user action)."""
        self._last = None


def wait_until(cond, timeout: float) -> bool:
    """Run the real event loop until cond() holds or timeout passes."""
    loop = QEventLoop()
    check = QTimer()
    check.setInterval(5)
    check.timeout.connect(lambda: loop.quit() if cond() else None)
    deadline = QTimer()
    deadline.setSingleShot(True)
    deadline.timeout.connect(loop.quit)
    check.start()
    deadline.start(int(timeout * 1000))
    if not cond():
        loop.exec()
    check.stop()
    deadline.stop()
    return cond()


def median_ms(fn, repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def drag_edit(plan: Plan, rng: np.random.Generator) -> MoveAccounts:
    """Move the 25% of a territory's movable accounts nearest to a neighbour's home over to that neighbour."""
    act = plan.active_territories()
    a = int(rng.choice(act))
    homes = np.array([[t.home_lat, t.home_lon] for t in plan.territories])
    d = np.hypot(*(homes - homes[a]).T)
    d[a] = np.inf
    b = int(np.argmin(d))
    rows = np.flatnonzero((plan.assignment == a) & ~plan.locked & (plan.accounts["pipeline"].to_numpy() == 0))
    near = np.hypot(plan.lat[rows] - homes[b, 0], plan.lon[rows] - homes[b, 1])
    take = rows[np.argsort(near)[:max(1, int(0.25 * len(rows)))]]
    return MoveAccounts(take, b, "benchmark drag")


def run_size(n: int, k: int, edits: int, time_limit: float) -> dict:
    rng = np.random.default_rng(1)
    plan = generated_plan(n, k)
    snapshot_ms = median_ms(lambda: problem_from_plan(plan))
    worker = RecordingWorker()
    client = TimedClient(plan, worker=worker, time_limit=time_limit)
    dock = SuggestionsDock(plan, lambda edit: plan.apply(edit) is not None, client, Selection())
    dock.resize(440, 800)
    dock.show()  # offscreen, but it lays out and paints the list as the window would
    ticker = Ticker()
    # settle: accept the co-pilot's first full answer so each edit starts from a balanced plan
    wait_until(lambda: client.state in ("idle", "infeasible") and worker.log, timeout=time_limit + 30)
    if client.suggestions:
        ticker.skip()
        plan.apply(suggestion_edit(client.suggestions))
        ticker.skip()
    wait_until(lambda: client.state in ("idle", "infeasible"), timeout=time_limit + 30)
    ticker.gaps.clear()
    first, in_band, sugg_ms, n_sugg, trace = [], [], [], [], []
    for _ in range(edits):
        edit = drag_edit(plan, rng)
        ticker.skip()
        t0 = time.perf_counter()
        plan.apply(edit)
        ticker.skip()
        version = plan.version
        start = len(worker.log)
        wait_until(lambda v=version: bool(client.suggestions) and client.suggestions[0].version == v, time_limit + 5)
        first.append(time.perf_counter() - t0 if client.suggestions else float("nan"))
        n_sugg.append(len(client.suggestions))

        def banded(v: int = version, s: int = start) -> bool:
            return any(isinstance(m, Improved) and m.version == v and m.solution.in_band
                       for _, m in worker.log[s:])

        def done(v: int = version, s: int = start) -> bool:
            return any(isinstance(m, Finished) and m.version == v for _, m in worker.log[s:])

        wait_until(lambda: banded() or done(), time_limit + 10)
        hit = [t for t, m in worker.log[start:] if isinstance(m, Improved) and m.version == version
               and m.solution.in_band]
        in_band.append(hit[0] - t0 if hit else float("nan"))
        wait_until(done, time_limit + 10)
        trace = [(m.solution.elapsed, m.solution.objective, m.solution.bound, m.solution.violation,
                  m.solution.in_band) for _, m in worker.log[start:] if isinstance(m, Improved)
                 and m.version == version]
        last = next((m.solution.assignment for _, m in reversed(worker.log[start:])
                     if isinstance(m, Improved) and m.version == version), None)
        if last is not None:
            sugg_ms.append(median_ms(lambda a=last: make_suggestions(plan, a, plan.version), 3))
        if client.suggestions:  # accept everything: back to a balanced plan for the next edit
            ticker.skip()
            plan.apply(suggestion_edit(client.suggestions))
            ticker.skip()
            wait_until(lambda: client.state in ("idle", "infeasible"), time_limit + 10)
    # cancel latency: an edit, its first answer, then pause at a random moment of the solve
    cancels = []
    for _ in range(5):
        ticker.skip()
        plan.apply(drag_edit(plan, rng))
        ticker.skip()
        client.solve_now()
        mark, version = len(worker.log), plan.version
        wait_until(lambda m=mark: any(isinstance(x, Improved) for _, x in worker.log[m:]), 20)
        pause = QTimer()
        pause.setSingleShot(True)
        pause.start(int(rng.uniform(0, 2000)))
        wait_until(lambda p=pause: not p.isActive(), 3)
        t0 = time.perf_counter()
        client.pause()

        def stopped(m: int = mark, v: int = version, t: float = t0) -> list[float]:
            return [at for at, x in worker.log[m:] if at >= t and isinstance(x, Finished) and x.version == v]

        wait_until(lambda: bool(stopped()), 5)
        ends = stopped()
        cancels.append((ends[0] - t0) if ends else float("nan"))
        client.resume()
    gaps = np.array(ticker.gaps) * 1000
    client.shutdown()
    dock.close()
    ticker.timer.stop()
    return {"n": n, "k": k, "snapshot_ms": snapshot_ms, "first": first, "in_band": in_band,
            "sugg_ms": sugg_ms, "n_sugg": n_sugg, "cancel": cancels, "gaps": gaps, "trace": trace,
            "slots": {k: max(v) for k, v in getattr(client, "slot_ms", {}).items()},
            "restarts": ", ".join(worker.restart_reasons) or "none"}


def _med(xs: list[float]) -> str:
    xs = [x for x in xs if x == x]
    return f"{statistics.median(xs):.2f}" if xs else "—"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10000x50,100000x200")
    ap.add_argument("--edits", type=int, default=3)
    ap.add_argument("--time-limit", type=float, default=15.0)
    ns = ap.parse_args()
    QApplication.instance() or QApplication([])
    results = []
    for spec in ns.sizes.split(","):
        n, k = (int(v) for v in spec.lower().split("x"))
        print(f"running {n:,} x {k} ...", flush=True)
        results.append(run_size(n, k, ns.edits, ns.time_limit))
    print()
    head = (f"{'plan':>13} {'snapshot ms':>11} {'1st sugg s':>10} {'in band s':>9} {'suggest ms':>10} "
            f"{'#sugg':>6} {'cancel ms':>9} {'stall max ms':>12} {'p99':>6} {'median':>6} {'>50ms':>5}")
    print(head)
    print("-" * len(head))
    for r in results:
        g = r["gaps"]
        print(f"{r['n']:>7,} x {r['k']:<3} {r['snapshot_ms']:>11.1f} {_med(r['first']):>10} "
              f"{_med(r['in_band']):>9} {_med(r['sugg_ms']):>10} {int(statistics.median(r['n_sugg'])):>6} "
              f"{np.nanmedian(np.array(r['cancel'], dtype=float)) * 1000:>9.0f} "
              f"{g.max() if len(g) else float('nan'):>12.1f} {np.percentile(g, 99) if len(g) else 0:>6.1f} "
              f"{np.median(g) if len(g) else 0:>6.1f} {int((g > 50).sum()):>5}")
    for r in results:
        slots = ", ".join(f"{k} {v:.0f} ms" for k, v in r["slots"].items())
        print(f"\n{r['n']:,} x {r['k']}: longest client work on the window thread: {slots}; "
              f"worker restarts: {r['restarts']}")
        print("objective vs bound after the last edit:")
        print(f"{'elapsed s':>9} {'objective':>14} {'bound':>12} {'violation':>10} {'in band':>7}")
        for el, obj, bound, viol, ib in r["trace"]:
            b = f"{bound:>12,.1f}" if bound is not None else f"{'—':>12}"
            print(f"{el:>9.2f} {obj:>14,.1f} {b} {viol:>10.4f} {str(ib):>7}")


if __name__ == "__main__":
    main()
