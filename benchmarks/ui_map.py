"""Map view speed: pan/zoom frame, full redraw, recolour after a move, lasso, hover, outlines, UI stalls.

    python benchmarks/ui_map.py [--sizes 100000,1000000] [--territories 200] [--repeats 9] [--big-repeats 7]
                                [--no-scattered]

Goals (the map issue), in a 1200x800 canvas: a pan or zoom frame (what the widget paints while the gesture
runs: the last frame moved and scaled; every layer is painted again once it rests) <= 16 ms at
100k accounts / 200 territories and <= 50 ms at 1M; a full redraw with the base-map cache dropped <= 30 ms;
recolour after moving 1,000 accounts (controller.apply -> map has the new colours) <= 20 ms; a 200-vertex lasso
over ~10% of the points <= 20 ms; hover lookup <= 2 ms; the longest UI-thread stall while two outlines compute
in the background <= 50 ms. Baselines measured in the same run: the same apply with no map attached, and
matplotlib's Path.contains_points for the lasso. At 1M only the frame, the full redraw and the hover are
measured. The plan's territories are regions (each account goes to its nearest rep home); a short extra
section uses ui_window.py's random assignment, where every territory's outline covers the whole map. Runs
offscreen; the user's settings and recovery folder are not touched. About 100 s on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TERRITORY_DESKTOP_DATA_DIR", tempfile.mkdtemp(prefix="territory-bench-"))

import numpy as np  # noqa: E402
from bench_table import print_table, samples  # noqa: E402 — run from benchmarks/
from matplotlib.path import Path as MplPath  # noqa: E402
from PySide6.QtCore import QEventLoop, QSize, QTimer  # noqa: E402
from PySide6.QtGui import QColor, QImage, QPainter  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from territory_desktop.core.edits import MoveAccounts  # noqa: E402
from territory_desktop.core.palette import color_for  # noqa: E402
from territory_desktop.core.plan import Plan, accounts_frame  # noqa: E402
from territory_desktop.core.territory import Territory  # noqa: E402
from territory_desktop.ui.hub.plan_controller import PlanController  # noqa: E402
from territory_desktop.ui.hub.selection import Selection  # noqa: E402
from territory_desktop.ui.map.layers import render_shapes  # noqa: E402
from territory_desktop.ui.map.outlines import territory_outline  # noqa: E402
from territory_desktop.ui.map.overlays import geometry_path  # noqa: E402
from territory_desktop.ui.map.view import MapView  # noqa: E402
from territory_desktop.ui.shell.startup import ensure_app  # noqa: E402

WIDTH, HEIGHT = 1200, 800


def build(n: int, k: int, seed: int = 1, compact: bool = True) -> Plan:
    """The synthetic US plan of the other UI benchmarks (accounts uniform over the lower 48). `compact` gives
    each account to its nearest rep home, so territories are regions as in a real plan; otherwise the
    assignment is random, as in ui_window.py, and every territory is scattered over the whole map."""
    rng = np.random.default_rng(seed)
    lat, lon = rng.uniform(25, 49, n), rng.uniform(-124, -67, n)
    acc = accounts_frame({
        "account_id": np.char.add("A", np.arange(n).astype(str)).astype(object),
        "name": np.char.add("Company ", np.arange(n).astype(str)).astype(object),
        "city": rng.choice(np.array(["Austin", "Boston", "Chicago", "Denver"], dtype=object), n),
        "lat": lat, "lon": lon,
        "potential": rng.lognormal(11, 1.2, n).round(2), "pipeline": np.where(rng.random(n) < .15, 5e4, 0.0),
        "segment": rng.choice(np.array(["SMB", "Mid-Market", "Enterprise"], dtype=object), n, p=[.7, .22, .08]),
    })
    home_lat, home_lon = rng.uniform(30, 45, k), rng.uniform(-120, -75, k)
    terrs = [Territory(f"Territory {i:03d}", rep=f"Rep {i}", home_lat=float(home_lat[i]),
                       home_lon=float(home_lon[i]), capacity_hours=4000.0, color=color_for(i)) for i in range(k)]
    if not compact:
        return Plan(acc, terrs, rng.integers(0, k, n))
    assign = np.empty(n, dtype=np.int32)
    for a in range(0, n, 100_000):  # nearest home, in chunks so 1M x 200 distances stay small
        la, lo = lat[a:a + 100_000, None], lon[a:a + 100_000, None]
        assign[a:a + 100_000] = np.argmin((la - home_lat) ** 2 + ((lo - home_lon) * 0.8) ** 2, axis=1)
    return Plan(acc, terrs, assign)


def wait_outlines(view: MapView, app: QApplication, timeout_s: float = 60.0) -> None:
    """Let the outline worker finish what is queued and deliver it to the UI thread."""
    done = view.outlines._pool.submit(lambda: None)
    end = time.monotonic() + timeout_s
    while not done.done() and time.monotonic() < end:
        app.processEvents()
        time.sleep(0.005)
    for _ in range(3):
        app.processEvents()


def drop_outline_work(view: MapView, app: QApplication) -> None:
    """Cancel queued outline requests (a move of 1,000 scattered accounts queues one per territory touched),
    so they neither pile up across repeats nor compete with the next timing."""
    view.outlines._pool.shutdown(wait=True, cancel_futures=True)
    view.outlines._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="map-outlines")
    app.processEvents()


class Bench:
    def __init__(self, n: int, k: int, app: QApplication, compact: bool = True) -> None:
        self.n, self.k, self.app, self.compact = n, k, app, compact
        t = time.perf_counter()
        self.plan = build(n, k, compact=compact)
        self.build_s = time.perf_counter() - t
        t = time.perf_counter()
        self.controller = PlanController(self.plan)
        self.view = MapView(self.plan, Selection(), self.controller)
        self.canvas = self.view.canvas
        self.canvas.setFixedSize(QSize(WIDTH, HEIGHT))
        self.view.show()
        app.processEvents()
        self.canvas.fit_rows()
        self.open_s = time.perf_counter() - t
        t = time.perf_counter()
        if compact:
            wait_outlines(self.view, app)
        else:  # 200 scattered outlines take about a minute: measured a few at a time instead
            drop_outline_work(self.view, app)
            self.canvas.outlines.clear()
        self.outlines_s = time.perf_counter() - t
        self._bare: tuple[Plan, PlanController] | None = None
        assert (self.canvas.width(), self.canvas.height()) == (WIDTH, HEIGHT), self.canvas.size()
        self.image = QImage(WIDTH, HEIGHT, QImage.Format.Format_ARGB32_Premultiplied)
        self.rng = np.random.default_rng(7)

    def paint(self) -> None:
        """A frame as the screen gets it: the widget painted into an image (during a pan or zoom, the last
        frame moved and scaled; once settled, every layer that changed)."""
        self.canvas.render(self.image)

    # ----- frames -----------------------------------------------------------------------------------
    def pan_frame(self, repeats: int) -> list[float]:
        step = iter([30, -30] * repeats)
        self.paint()
        return samples(lambda: (self.canvas.pan_by(next(step), 0), self.paint()), repeats)

    def zoom_frame(self, repeats: int) -> list[float]:
        factor = iter([1.25, 0.8] * repeats)
        self.paint()
        return samples(lambda: (self.canvas.zoom(next(factor)), self.paint()), repeats)

    def full_redraw(self, repeats: int) -> list[float]:
        """A settled frame with the base map, the accounts and the labels painted again (the outline layer
        is painted on a worker thread and only composited here)."""
        def drop() -> None:
            c = self.canvas
            c._interact_until = 0.0
            c._base_cache = None
            c._points_dirty = True
            c._frame_dirty = True
        return samples(self.paint, repeats, drop)

    def parts(self, repeats: int) -> dict[str, list[float]]:
        """Where a full redraw goes: base map pixmap, accounts splat, the rest of paintEvent."""
        c = self.canvas

        def dirty() -> None:
            c._points_dirty = True

        def nobase() -> None:
            c._base_cache = None
        base = samples(c._base_pixmap, repeats, nobase)
        splat = samples(c.render_points, repeats, dirty)
        c.render_points()
        c._base_pixmap()
        rest = samples(lambda: c.render(self.image), repeats)
        out = {"base": base, "splat": splat, "rest": rest}
        for name in ("labels", "homes"):
            out[name] = samples(lambda name=name: self.layer(name), repeats)
        out["outlines"] = samples(lambda: render_shapes(WIDTH, HEIGHT, c.world_transform(),
                                                        list(c.outlines.values())), repeats)
        return out

    def layer(self, name: str) -> None:
        """One vector layer of paintEvent painted into the image, as paintEvent sets the painter up."""
        painter = QPainter(self.image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        getattr(self.canvas, f"_paint_{name}")(painter)
        painter.end()

    def scattered_outlines(self, repeats: int) -> tuple[list[float], list[float]]:
        """(outline of one scattered territory, painting those outlines): a random-assignment plan."""
        p, c = self.canvas.points, self.canvas
        times = []
        for t in range(repeats):
            rows = np.flatnonzero(self.plan.assignment == t)
            s = time.perf_counter()
            g = territory_outline(p.x[rows], p.y[rows], t)
            times.append((time.perf_counter() - s) * 1000)
            c.outlines[t] = (geometry_path(g, None), QColor(self.plan.territories[t].color), False)
        return times, samples(lambda: render_shapes(WIDTH, HEIGHT, c.world_transform(),
                                                    list(c.outlines.values())), repeats)

    # ----- edits ------------------------------------------------------------------------------------
    def recolour(self, repeats: int, rows_for: Callable[[int], tuple[np.ndarray, int]]
                 ) -> tuple[list[float], list[float]]:
        """(apply + render_points with the map attached, the same apply on a twin plan with no map)."""
        if self._bare is None:
            bare = build(self.n, self.k, compact=self.compact)
            self._bare = (bare, PlanController(bare))
        bare_ctl = self._bare[1]
        with_map, without = [], []
        for i in range(repeats):
            rows, target = rows_for(i)
            t = time.perf_counter()
            bare_ctl.apply(MoveAccounts(rows, target))
            without.append((time.perf_counter() - t) * 1000)
            drop_outline_work(self.view, self.app)
            t = time.perf_counter()
            self.controller.apply(MoveAccounts(rows, target))
            self.canvas.render_points()
            with_map.append((time.perf_counter() - t) * 1000)
            drop_outline_work(self.view, self.app)
        return with_map, without

    def scattered(self, i: int) -> tuple[np.ndarray, int]:
        return np.sort(self.rng.choice(self.n, 1000, replace=False)), int(i % self.k)

    def two_territories(self, i: int) -> tuple[np.ndarray, int]:
        """Up to 1,000 accounts of one territory to another: outlines of 2 territories change."""
        src, dst = (2 * i) % self.k, (2 * i + 1) % self.k
        rows = np.flatnonzero(self.plan.assignment == src)[:1000]
        return rows, dst

    def stall(self, repeats: int, window_s: float = 1.0) -> list[float]:
        """Longest gap between QTimer(0) ticks over `window_s` after a move that changes 2 outlines."""
        out = []
        for i in range(repeats):
            wait_outlines(self.view, self.app)
            src, dst = (2 * i + 40) % self.k, (2 * i + 41) % self.k
            rows = np.flatnonzero(self.plan.assignment == src)[:300]
            self.controller.apply(MoveAccounts(rows, dst))
            ticks = [time.perf_counter()]
            timer = QTimer()
            timer.setInterval(0)
            timer.timeout.connect(lambda ticks=ticks: ticks.append(time.perf_counter()))
            loop = QEventLoop()
            QTimer.singleShot(int(window_s * 1000), loop.quit)
            timer.start()
            loop.exec()
            timer.stop()
            out.append(float(np.max(np.diff(ticks))) * 1000 if len(ticks) > 1 else window_s * 1000)
        wait_outlines(self.view, self.app)
        return out

    # ----- picking ----------------------------------------------------------------------------------
    def lasso_polygon(self, share: float = 0.10, vertices: int = 200) -> np.ndarray:
        """A wobbly 200-vertex lasso round the canvas centre whose size is set to hold `share` of the points."""
        p, v = self.canvas.points, self.canvas.view
        sx, sy = v.to_screen(p.x[p.placed], p.y[p.placed])
        cx, cy = WIDTH / 2, HEIGHT / 2
        ang = np.arctan2(sy - cy, sx - cx)
        wob = 1 + 0.15 * np.sin(5 * ang)
        radius = float(np.quantile(np.hypot(sx - cx, sy - cy) / wob, share * p.placed.sum() / len(p.placed)))
        th = np.linspace(0, 2 * np.pi, vertices, endpoint=False)
        r = radius * (1 + 0.15 * np.sin(5 * th))
        return np.column_stack([cx + r * np.cos(th), cy + r * np.sin(th)])

    def lasso(self, repeats: int) -> tuple[list[float], list[float], float, int]:
        p, v = self.canvas.points, self.canvas.view
        poly = self.lasso_polygon()
        got = p.inside(poly, v)
        wx, wy = v.to_world(poly[:, 0], poly[:, 1])
        path = MplPath(np.column_stack([wx, wy]))
        pool = np.flatnonzero(p.placed)
        xy = np.column_stack([p.x[pool], p.y[pool]])

        def mpl() -> np.ndarray:
            return pool[path.contains_points(xy)]
        ref = mpl()
        agree = len(np.setxor1d(got, ref))
        ours = samples(lambda: p.inside(poly, v), repeats)
        theirs = samples(mpl, repeats)
        return ours, theirs, len(got) / self.n, agree

    def hover(self, repeats: int) -> list[float]:
        p, v = self.canvas.points, self.canvas.view
        spots = iter(self.rng.uniform([0, 0], [WIDTH, HEIGHT], size=(repeats, 2)))
        return samples(lambda: p.nearest(*next(spots), v, 6), repeats)

    def outline(self, repeats: int) -> list[float]:
        p = self.canvas.points
        out = []
        for t in range(repeats):
            rows = np.flatnonzero(self.plan.assignment == t)
            x, y = p.x[rows], p.y[rows]
            s = time.perf_counter()
            territory_outline(x, y, t)
            out.append((time.perf_counter() - s) * 1000)
        return out

    def close(self) -> None:
        drop_outline_work(self.view, self.app)
        self.view.shutdown()
        self.view.close()
        self.view.deleteLater()
        self.app.processEvents()


def main(argv: list[str] | None = None) -> int:
    start = time.perf_counter()
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100000,1000000")
    ap.add_argument("--territories", type=int, default=200)
    ap.add_argument("--repeats", type=int, default=9, help="repeats of each measure at the first size")
    ap.add_argument("--big-repeats", type=int, default=7, help="repeats at the other sizes (>= 7)")
    ap.add_argument("--no-scattered", dest="scattered", action="store_false",
                    help="skip the random-assignment plan (every territory spread over the whole map)")
    a = ap.parse_args(argv)
    app = ensure_app(offscreen=True)
    k = a.territories
    table: list[tuple[str, str, float, float | None, int, str]] = []  # measure, size, median, goal, n, note

    def add(what: str, size: str, ms: list[float], goal: float | None = None, note: str = "") -> float:
        med = statistics.median(ms)
        table.append((what, size, med, goal, len(ms), note))
        return med

    notes: list[str] = []
    for i, n in enumerate(int(s) for s in a.sizes.split(",")):
        small = i == 0
        reps = a.repeats if small else a.big_repeats
        size = f"{n // 1000:,}k" if n < 1_000_000 else f"{n / 1e6:g}M"
        b = Bench(n, k, app)
        notes.append(f"{size}: plan built in {b.build_s:.1f} s, map opened in {b.open_s:.1f} s, first "
                     f"{k} outlines delivered {b.outlines_s:.1f} s later (background)")
        add("pan frame: pan_by(30,0) + paint", size, b.pan_frame(max(reps, 15) if small else reps),
            16.0 if small else 50.0)
        add("zoom frame: zoom(1.25/0.8) + paint", size,
            b.zoom_frame(max(reps, 15) if small else reps), 16.0 if small else 50.0)
        add("full redraw, settled (base, accounts, labels)", size, b.full_redraw(reps), 30.0 if small else None)
        parts = b.parts(reps)
        for part, label in (("base", "base map pixmap"), ("splat", "accounts layer (splat)"),
                            ("rest", "widget paint, caches warm"),
                            ("outlines", "  outlines layer (6 ms slices)"),
                            ("labels", "  labels layer"), ("homes", "  rep homes layer")):
            add(f"  of which: {label}", size, parts[part])
        if small:
            mapped, bare = b.recolour(reps, b.scattered)
            base = add("move 1,000 scattered: apply, no map (baseline)", size, bare)
            med = add("recolour: move 1,000 scattered + render_points", size, mapped, 20.0)
            table[-1] = (*table[-1][:5], f"{med / base:.1f}x baseline")
            moved = int(np.mean([len(b.two_territories(j)[0]) for j in range(reps)]))
            mapped, bare = b.recolour(reps, b.two_territories)
            base = add(f"move ~{moved} of 1 territory: apply, no map (baseline)", size, bare)
            med = add(f"recolour: move ~{moved} of 1 territory + render_points", size, mapped, 20.0)
            table[-1] = (*table[-1][:5], f"{med / base:.1f}x baseline")
            ours, theirs, share, differ = b.lasso(reps)
            ref = add("lasso: matplotlib Path.contains_points (reference)", size, theirs)
            med = add(f"lasso: ProjectedPoints.inside, 200 vertices, {share:.0%} of points", size, ours, 20.0)
            table[-1] = (*table[-1][:5], f"{ref / med:.1f}x faster than ref, {differ} rows differ")
        hover = b.hover(max(reps, 25) if small else reps)
        add("hover: ProjectedPoints.nearest(x, y, view, 6)", size, hover, 2.0)
        if small:
            add("outline of one territory (background thread)", size, b.outline(reps),
                note="off the UI thread")
            gaps = b.stall(reps)
            add("UI stall: longest QTimer(0) gap, 2 outlines in bg", size, gaps, 50.0,
                note=f"worst of the {len(gaps)} windows {max(gaps):.0f} ms")
        b.close()
        del b
        if small and a.scattered:
            b = Bench(n, k, app, compact=False)
            outline, paint = b.scattered_outlines(reps)
            add("scattered plan: outline of one territory (bg thread)", size, outline, note="off the UI thread")
            med = add(f"scattered plan: paint {reps} outlines (6 ms slices)", size, paint)
            table[-1] = (*table[-1][:5], f"~{med / reps * k / 1000:.1f} s for all {k}")
            b.close()
            del b

    print(f"{k} territories, canvas {WIDTH}x{HEIGHT}, Python {sys.version.split()[0]}, {os.cpu_count()} cores")
    print_table(table, "size")
    for line in notes:
        print(line)
    print(f"total {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
