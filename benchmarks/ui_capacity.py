"""Capacity view speed: first draw, update after a move, scroll step.

    python benchmarks/ui_capacity.py [--accounts 100000] [--territories 200,25] [--repeats 9]

Goals (the capacity issue), in a 1400x500 CapacityPanel shown offscreen, 100k accounts / 200 territories:
first draw (CapacityPanel(plan, Selection()) built, shown, laid out, then chart.canvas.draw()) <= 200 ms;
update after moving 1,000 accounts between two territories of one role (controller.apply, the panel's
deferred refresh `_refresh_due` - what its QTimer(0) runs - and the repaint it asks for, processed as the
event loop would: a blit of the changed bars, or a full draw when the scales had to grow) <= 30 ms. The update is
broken down into chart_data, CapacityChart.update_rows, the side lists (`_refresh_lists`: health_check,
fairness, headcount and their widgets) and canvas.draw, timed by wrapping those calls during the real
update; the baseline is the same apply on a twin plan with no panel attached. A scroll step is
chart.scroll.setValue(v + 3) + canvas.draw(). Territories have three roles (three peer groups), rep homes
and nearest-home books; accounts carry last-activity dates, so the health check's "untouched" entry runs.
Runs offscreen; the user's settings and recovery folder are not touched. About 30 s on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TERRITORY_DESKTOP_DATA_DIR", tempfile.mkdtemp(prefix="territory-bench-"))

import matplotlib  # noqa: E402
import numpy as np  # noqa: E402
from bench_table import print_table, samples  # noqa: E402 — run from benchmarks/
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

import territory_desktop.ui.capacity.panel as panel_mod  # noqa: E402
from territory_desktop.core.activity import untouched_mask  # noqa: E402
from territory_desktop.core.edits import MoveAccounts  # noqa: E402
from territory_desktop.core.palette import color_for  # noqa: E402
from territory_desktop.core.plan import Plan, accounts_frame  # noqa: E402
from territory_desktop.core.territory import Territory  # noqa: E402
from territory_desktop.ui.capacity.panel import CapacityPanel  # noqa: E402
from territory_desktop.ui.hub.plan_controller import PlanController  # noqa: E402
from territory_desktop.ui.hub.selection import Selection  # noqa: E402
from territory_desktop.ui.shell.startup import ensure_app  # noqa: E402

WIDTH, HEIGHT = 1400, 500
ROLES = ("Enterprise AE", "Mid-Market AE", "SMB AE")
ROLE_SHARE = (0.1, 0.3, 0.6)


def build(n: int, k: int, seed: int = 1) -> Plan:
    """The synthetic US plan of the other UI benchmarks, with a role per territory (three peer groups), a rep
    home per territory, each account in the territory of its nearest home, and last-activity dates (ISO text,
    5% blank) over the past two years."""
    rng = np.random.default_rng(seed)
    lat, lon = rng.uniform(25, 49, n), rng.uniform(-124, -67, n)
    days = rng.integers(0, 730, n)
    when = (np.datetime64("2025-01-01") - days.astype("timedelta64[D]")).astype(str).astype(object)
    when[rng.random(n) < 0.05] = ""
    acc = accounts_frame({
        "account_id": np.char.add("A", np.arange(n).astype(str)).astype(object),
        "name": np.char.add("Company ", np.arange(n).astype(str)).astype(object),
        "city": rng.choice(np.array(["Austin", "Boston", "Chicago", "Denver"], dtype=object), n),
        "lat": lat, "lon": lon,
        "potential": rng.lognormal(11, 1.2, n).round(2), "pipeline": np.where(rng.random(n) < .15, 5e4, 0.0),
        "segment": rng.choice(np.array(["SMB", "Mid-Market", "Enterprise"], dtype=object), n, p=[.7, .22, .08]),
        "last_activity": when,
    })
    home_lat, home_lon = rng.uniform(30, 45, k), rng.uniform(-120, -75, k)
    roles = rng.choice(np.array(ROLES, dtype=object), k, p=ROLE_SHARE)
    roles[:3] = ROLES  # every role present, even with few territories
    terrs = [Territory(f"Territory {i:03d}", rep=f"Rep {i}", role=str(roles[i]), home_lat=float(home_lat[i]),
                       home_lon=float(home_lon[i]), capacity_hours=4000.0 * 200 / k, color=color_for(i))
             for i in range(k)]
    assign = np.empty(n, dtype=np.int32)
    for a in range(0, n, 100_000):  # nearest home, in chunks
        la, lo = lat[a:a + 100_000, None], lon[a:a + 100_000, None]
        assign[a:a + 100_000] = np.argmin((la - home_lat) ** 2 + ((lo - home_lon) * 0.8) ** 2, axis=1)
    return Plan(acc, terrs, assign)


class Timed:
    """Replace `owner.name` by a wrapper that adds each call's wall time (ms) to `self.ms`; undo() puts it back."""

    def __init__(self, owner: object, name: str) -> None:
        self.owner, self.name, self.ms = owner, name, 0.0
        self.had_own = name in getattr(owner, "__dict__", {})
        self.orig = getattr(owner, name)

        def wrapper(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            t = time.perf_counter()
            try:
                return self.orig(*args, **kwargs)
            finally:
                self.ms += (time.perf_counter() - t) * 1000
        setattr(owner, name, wrapper)

    def take(self) -> float:
        ms, self.ms = self.ms, 0.0
        return ms

    def undo(self) -> None:
        if self.had_own:
            setattr(self.owner, self.name, self.orig)
        else:
            delattr(self.owner, self.name)


class Bench:
    def __init__(self, n: int, k: int, app: QApplication) -> None:
        self.n, self.k, self.app = n, k, app
        t = time.perf_counter()
        self.plan = build(n, k)
        self.build_s = time.perf_counter() - t
        self.controller = PlanController(self.plan)
        bare = build(n, k)
        self.bare = PlanController(bare)
        self.panel = self.open()
        self.canvas = self.panel.chart.canvas
        self.pairs = self.move_pairs()

    def open(self) -> CapacityPanel:
        """The panel as the window shows it: built, sized, shown, laid out, its chart drawn."""
        panel = CapacityPanel(self.plan, Selection())
        panel.resize(WIDTH, HEIGHT)
        panel.show()
        self.app.processEvents()
        panel.chart.canvas.draw()
        return panel

    def close(self, panel: CapacityPanel) -> None:
        panel._timer.stop()
        panel.plan.changed.disconnect(panel._on_plan_changed)
        panel.close()
        panel.deleteLater()
        self.app.processEvents()

    def move_pairs(self) -> list[tuple[np.ndarray, int, int]]:
        """(1,000 rows, from, to): the biggest books, each to another territory of the same role."""
        counts = np.bincount(self.plan.assignment, minlength=self.k)
        roles = [t.role for t in self.plan.territories]
        out = []
        for src in np.argsort(-counts)[:10].tolist():
            if counts[src] < 1000:
                break
            peers = [t for t in range(self.k) if t != src and roles[t] == roles[src]]
            dst = min(peers, key=lambda t: counts[t])
            out.append((np.flatnonzero(self.plan.assignment == src)[:1000], src, dst))
        assert out, "no territory holds 1,000 accounts"
        return out

    def move(self, i: int) -> tuple[np.ndarray, int]:
        """Repeat i: pair i // 2 moves its 1,000 rows over, then back (so each repeat moves exactly 1,000)."""
        rows, src, dst = self.pairs[(i // 2) % len(self.pairs)]
        return rows, (dst if i % 2 == 0 else src)

    # ----- measures ---------------------------------------------------------------------------------------
    def first_draw(self, repeats: int) -> tuple[list[float], list[float], list[float]]:
        """(open, of which construction, of which canvas.draw)."""
        full, build_ms, draw_ms = [], [], []
        for _ in range(repeats):
            self.app.processEvents()
            t0 = time.perf_counter()
            panel = CapacityPanel(self.plan, Selection())
            t1 = time.perf_counter()
            panel.resize(WIDTH, HEIGHT)
            panel.show()
            self.app.processEvents()
            t2 = time.perf_counter()
            panel.chart.canvas.draw()
            t3 = time.perf_counter()
            full.append((t3 - t0) * 1000)
            build_ms.append((t1 - t0) * 1000)
            draw_ms.append((t3 - t2) * 1000)
            self.close(panel)
        return full, build_ms, draw_ms

    def update(self, repeats: int) -> tuple[dict[str, list[float]], list[float]]:
        """(parts of the update with the panel, the same apply on the twin plan with no panel)."""
        panel, out, bare = self.panel, {}, []
        wraps = {"chart_data": Timed(panel_mod, "chart_data"), "update_rows": Timed(panel.chart, "update_rows"),
                 "lists": Timed(panel, "_refresh_lists"), "health_check": Timed(panel_mod, "health_check"),
                 "fairness": Timed(panel_mod, "fairness"), "headcount": Timed(panel_mod, "headcount")}
        keys = ("total", "apply", "refresh_due", *wraps, "draw", "rows")
        out = {key: [] for key in keys}
        try:
            for i in range(repeats):
                rows, target = self.move(i)
                t = time.perf_counter()
                self.bare.apply(MoveAccounts(rows, target))
                bare.append((time.perf_counter() - t) * 1000)
                self.app.processEvents()  # a draw_idle left from the last repeat runs here, not in the timing
                for w in wraps.values():
                    w.take()
                t0 = time.perf_counter()
                assert self.controller.apply(MoveAccounts(rows, target))
                t1 = time.perf_counter()
                panel._timer.stop()
                due = len(panel._due)
                panel._refresh_due()
                t2 = time.perf_counter()
                self.app.processEvents()  # the repaint the update asked for: a blit, or a full draw_idle
                t3 = time.perf_counter()
                for key, ms in (("total", t3 - t0), ("apply", t1 - t0), ("refresh_due", t2 - t1), ("draw", t3 - t2)):
                    out[key].append(ms * 1000)
                for key, w in wraps.items():
                    out[key].append(w.take())
                out["rows"].append(float(due))
        finally:
            for w in wraps.values():
                w.undo()
        return out, bare

    def scroll(self, repeats: int) -> list[float]:
        bar = self.panel.chart.scroll
        step = [3]

        def one() -> None:
            v = bar.value()
            if not bar.minimum() <= v + step[0] <= bar.maximum():
                step[0] = -step[0]
            bar.setValue(v + step[0])
            self.canvas.draw()
        bar.setValue(0)
        self.canvas.draw()
        return samples(one, repeats, self.app.processEvents)

    def empty_draw(self, repeats: int) -> list[float]:
        """An Agg canvas of the chart's size with four empty axes: what a full draw costs before any bar."""
        fig = Figure(figsize=(self.canvas.width() / 100, self.canvas.height() / 100), dpi=100)
        fig.subplots(1, 4, sharey=True)
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        return samples(canvas.draw, repeats)

    def untouched(self, repeats: int) -> list[float]:
        return samples(lambda: untouched_mask(self.plan), repeats)


def main(argv: list[str] | None = None) -> int:
    start = time.perf_counter()
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--accounts", type=int, default=100_000)
    ap.add_argument("--territories", default="200,25")
    ap.add_argument("--repeats", type=int, default=9, help="repeats of each measure (>= 7)")
    a = ap.parse_args(argv)
    app = ensure_app(offscreen=True)
    reps = max(a.repeats, 7)
    table: list[tuple[str, str, float, float | None, int, str]] = []  # measure, size, median, goal, n, note

    def add(what: str, size: str, ms: list[float], goal: float | None = None, note: str = "") -> float:
        med = statistics.median(ms)
        table.append((what, size, med, goal, len(ms), note))
        return med

    notes: list[str] = []
    n = a.accounts
    for k in (int(s) for s in a.territories.split(",")):
        main_size = k == 200
        size = f"{k}"
        b = Bench(n, k, app)
        c = b.canvas
        groups = len(b.panel.chart.data.groups)
        notes.append(f"{k} territories: plan built in {b.build_s:.1f} s; {groups} peer groups; chart canvas "
                     f"{c.width()}x{c.height()} px, {b.panel.chart.visible_rows()} rows in view; "
                     f"{sum(len(ax.collections) for ax in b.panel.chart.axes)} bar collections")
        full, build_ms, draw_ms = b.first_draw(reps)
        add("first draw: CapacityPanel + show + canvas.draw", size, full, 200.0 if main_size else None)
        add("  of which: CapacityPanel(plan, Selection())", size, build_ms)
        add("  of which: resize + show + processEvents", size, [f - b_ - d for f, b_, d in
                                                                 zip(full, build_ms, draw_ms, strict=True)],
            note="the resize draws the figure at least once")
        add("  of which: canvas.draw()", size, draw_ms)
        parts, bare = b.update(reps)
        base = add("move 1,000: apply, no panel (baseline)", size, bare)
        med = add("update: move 1,000 + _refresh_due + repaint", size, parts["total"],
                  30.0 if main_size else None)
        table[-1] = (*table[-1][:5], f"{med / base:.1f}x baseline, {statistics.median(parts['rows']):.0f} "
                                     "territories due")
        for key, label in (("apply", "controller.apply (panel listening)"), ("refresh_due", "_refresh_due"),
                           ("chart_data", "  chart_data"), ("update_rows", "  chart.update_rows"),
                           ("lists", "  _refresh_lists (side lists)"), ("health_check", "    health_check"),
                           ("fairness", "    fairness"), ("headcount", "    headcount"),
                           ("draw", "repaint (blit, or full draw if scales grew)")):
            add(f"  of which: {label}", size, parts[key])
            if key == "headcount":
                add("    list widgets (health list, fairness table, label)", size,
                    [x - y - z - w for x, y, z, w in zip(parts["lists"], parts["health_check"], parts["fairness"],
                                                          parts["headcount"], strict=True)])
        add("    health_check's untouched_mask (date parsing)", size, b.untouched(reps))
        add("scroll step: scroll.setValue(v+3) + canvas.draw", size, b.scroll(max(reps, 15)))
        if main_size:
            add("reference: canvas.draw() of an empty 4-axes figure", size, b.empty_draw(reps),
                note="matplotlib's floor at this canvas size")
        b.close(b.panel)
        del b

    print(f"{n:,} accounts, panel {WIDTH}x{HEIGHT}, Python {sys.version.split()[0]}, matplotlib "
          f"{matplotlib.__version__}, {os.cpu_count()} cores")
    print_table(table, "terr")
    for line in notes:
        print(line)
    print(f"total {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
