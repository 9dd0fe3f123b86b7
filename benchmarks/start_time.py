"""Start of the app in the dev venv to its main window's first paint, as a table of medians (issue 15).

    python benchmarks/start_time.py [--runs 5] [--cases window-sample,window-plan,screenshot,raise-now,raise-later]
                                    [--variants lazy,eager] [--tree LABEL=PATH ...]

Every run is a new Python process, offscreen (`QT_QPA_PLATFORM=offscreen`) with a new, empty
`TERRITORY_DESKTOP_DATA_DIR` (so a default layout, no recovery offer), timed from just before the process is
started. Cases:

- `window-sample`: `territory-desktop` with no file, the start a new user sees (the bundled sample, the co-pilot
  attached as `run_gui` does it), to the first paint of the main window; the process then closes the window.
- `window-plan`: the same on the sample saved as a `.territory` (how a planner opens a plan, and close to the
  frozen app's no-file start, which opens the saved sample the build ships).
- `screenshot`: `territory-desktop screenshot --no-copilot --size 1280x800` with no file, timed to its
  "Wrote ..." line as `packaging/start_time.py` and `packaging/build.py` time the frozen app (window shown,
  laid out, map drawn, grabbed), plus its first paint.
- `raise-now` / `raise-later`: on the saved plan, the Capacity tab clicked in its tab bar 0.2 s / 2.5 s after
  the first paint, timed from the click to the chart drawn (what a lazy chart moves from the start to the
  first raise; "later" is after the background warm-up).

Variants, for an A/B in one session (the runs take turns, so a busy machine slows each alike):

- `lazy`: the app as it is (the capacity chart loads matplotlib when it first comes on screen).
- `eager`: the old behaviour, recreated from outside the product: the capacity panel's chart builds its
  matplotlib figure while the panel is constructed (as it did before issue 15, when `ui/capacity/chart.py`
  imported matplotlib at module level and made the figure in its constructor).
- `--tree LABEL=PATH`: the app from another copy of the sources (PATH holds `territory_desktop/` and
  `resources/`, e.g. `git archive` of an older commit, or a copy with a change proposed for a file that is not
  yours), put first on `PYTHONPATH`; labelled LABEL, taking turns with the others.

Beside the wall-clock medians the table gives the CPU time the window's process had used at its first paint
(`time.process_time()`): on a shared machine it moves far less with other people's load than the wall clock,
and it leaves out the co-pilot's worker process. The table also says which heavy libraries (matplotlib,
shapely, ortools, openpyxl, scipy) were imported in the window's process when it first painted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "resources" / "sample"
GOAL_S = 2.0
HEAVY = ("matplotlib", "shapely", "ortools", "openpyxl", "scipy")
CASES = ("window-sample", "window-plan", "screenshot", "raise-now", "raise-later")
RAISE_AFTER_S = {"raise-now": 0.2, "raise-later": 2.5}
VARIANTS = ("lazy", "eager")
PAINT_MARK = "START_TIME first paint"
RAISE_MARK = "START_TIME raised"


# ----- the child: the app's own start, with a probe on the main window's first paint ------------------------
def _child(variant: str, app_args: list[str], quit_after_paint: bool, raise_after_s: float | None) -> int:
    """Run `territory_desktop.app.main(app_args)` with the first paint of the main window reported on stdout.

    The cycle collector is turned off first, as `app.main` does before its first heavy import, so patching
    the window class before `app.main` runs costs the same as the app's own imports."""
    import gc

    gc.disable()
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from territory_desktop.ui.capacity import panel as capacity_panel
    from territory_desktop.ui.shell import main_window

    if variant == "eager":
        built = capacity_panel.CapacityPanel.__init__

        def eager_init(self, *args, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
            built(self, *args, **kwargs)
            _ = self.chart.canvas  # the chart's figure and canvas, made now as before issue 15

        capacity_panel.CapacityPanel.__init__ = eager_init

    class ProbedWindow(main_window.MainWindow):
        painted = False

        def paintEvent(self, event) -> None:  # noqa: N802, ANN001 (Qt API)
            super().paintEvent(event)
            if ProbedWindow.painted:
                return
            ProbedWindow.painted = True
            loaded = ",".join(h for h in HEAVY if h in sys.modules) or "-"
            print(f"{PAINT_MARK} {time.process_time():.4f} {loaded}", flush=True)
            if raise_after_s is not None:
                QTimer.singleShot(int(raise_after_s * 1000), self._raise_capacity)
            elif quit_after_paint:
                QTimer.singleShot(0, self._leave)

        def _raise_capacity(self) -> None:
            """Click the Capacity tab as a user does, then wait for the chart's first full draw."""
            from PySide6.QtCore import Qt
            from PySide6.QtTest import QTest
            from PySide6.QtWidgets import QTabBar

            bar = next(b for b in self.findChildren(QTabBar) if "Capacity" in [b.tabText(i) for i in range(b.count())])
            tab = [bar.tabText(i) for i in range(bar.count())].index("Capacity")
            chart = self.capacity_panel.chart
            t0 = time.perf_counter()
            QTest.mouseClick(bar, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, bar.tabRect(tab).center())

            def drawn() -> None:
                if getattr(chart, "_background", None) is None:  # set by the chart after every full draw
                    QTimer.singleShot(5, drawn)
                    return
                print(f"{RAISE_MARK} {time.perf_counter() - t0:.4f}", flush=True)
                self._leave()

            drawn()

        def _leave(self) -> None:
            self.close()
            QApplication.quit()

    main_window.MainWindow = ProbedWindow  # startup and screenshot import the class from here when they run
    from territory_desktop.app import main

    return main(app_args)


# ----- the parent: runs, medians, table -------------------------------------------------------------------
class Run:
    """One start: seconds to the first paint (wall clock and the process's CPU), to the screenshot's "Wrote"
    line and from a click on the Capacity tab to the chart drawn (None when the case has none)."""

    def __init__(self, paint: float, cpu: float, wrote: float | None, raised: float | None, loaded: str) -> None:
        self.paint, self.cpu, self.wrote, self.raised, self.loaded = paint, cpu, wrote, raised, loaded


def _one(variant: str, case: str, plan: Path, tmp: Path, i: int, trees: dict[str, Path]) -> Run:
    data = Path(tempfile.mkdtemp(prefix=f"data-{variant}-{i}-", dir=tmp))
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", TERRITORY_DESKTOP_DATA_DIR=str(data))
    if variant in trees:
        env["PYTHONPATH"] = os.pathsep.join([str(trees[variant]), *filter(None, [env.get("PYTHONPATH")])])
    if case == "screenshot":
        args = ["screenshot", "-o", str(data / "shot.png"), "--no-copilot", "--size", "1280x800"]
    else:
        args = [] if case == "window-sample" else [str(plan)]
    raise_opt = ["--raise-after", str(RAISE_AFTER_S[case])] if case in RAISE_AFTER_S else []
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", "lazy" if variant in trees else variant,
           *(["--quit-after-paint"] if case != "screenshot" else []), *raise_opt, "--", *args]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT)
    assert proc.stdout is not None
    paint = wrote = raised = None
    cpu, loaded, lines = 0.0, "", []
    for line in proc.stdout:
        lines.append(line)
        if paint is None and line.startswith(PAINT_MARK):
            paint = time.perf_counter() - t0
            cpu_text, _, loaded = line[len(PAINT_MARK):].strip().partition(" ")
            cpu = float(cpu_text)
        elif wrote is None and line.startswith("Wrote "):
            wrote = time.perf_counter() - t0
        elif raised is None and line.startswith(RAISE_MARK):
            raised = float(line[len(RAISE_MARK):])
    proc.wait(timeout=120)
    if proc.returncode != 0 or paint is None:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {''.join(lines).strip()[-600:]}")
    if case in RAISE_AFTER_S and raised is None:
        raise SystemExit(f"{' '.join(cmd)}: the capacity chart was never drawn: {''.join(lines).strip()[-600:]}")
    return Run(paint, cpu, wrote, raised, loaded)


def _save_sample_plan(path: Path, tmp: Path) -> None:
    """The bundled sample imported and saved once by the app's own `import` command (run from `tmp`, so
    `PYTHONPATH` decides which sources, not the current folder)."""
    env = dict(os.environ, TERRITORY_DESKTOP_DATA_DIR=str(tmp / "data-import"))
    subprocess.run([sys.executable, "-m", "territory_desktop", "import", str(SAMPLE / "accounts.csv"), "--reps",
                    str(SAMPLE / "reps.csv"), "-o", str(path)], env=env, check=True, capture_output=True, cwd=tmp)


def measure(cases: list[str], variants: list[str], runs: int,
            trees: dict[str, Path] | None = None) -> dict[tuple[str, str], list[Run]]:
    """(case, variant) -> runs; for each case the variants take turns (A, B, A, B, ...)."""
    trees = trees or {}
    out: dict[tuple[str, str], list[Run]] = {(c, v): [] for c in cases for v in variants}
    with tempfile.TemporaryDirectory(prefix="territory-start-") as tmp_name:
        tmp = Path(tmp_name)
        plan = tmp / "sample.territory"
        if any(c not in ("window-sample", "screenshot") for c in cases):
            _save_sample_plan(plan, tmp)
        for case in cases:
            for v in variants:  # one unmeasured start per case and variant: libraries into the page cache
                _one(v, case, plan, tmp, -1, trees)
            for i in range(runs):
                for v in variants:
                    out[(case, v)].append(_one(v, case, plan, tmp, i, trees))
                    print(f"  {case:14s} {v:8s} run {i + 1}: first paint {out[(case, v)][-1].paint:.2f} s",
                          file=sys.stderr, flush=True)
    return out


def _median(values: list[float | None]) -> str:
    got = [v for v in values if v is not None]
    return f"{statistics.median(got):.2f} s" if got else "—"


def _range(values: list[float]) -> str:
    return f"{min(values):.2f}–{max(values):.2f} s"


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--child"]:
        rest = argv[2:]
        quit_after = rest[:1] == ["--quit-after-paint"]
        rest = rest[1:] if quit_after else rest
        raise_after = float(rest[1]) if rest[:1] == ["--raise-after"] else None
        rest = rest[2:] if raise_after is not None else rest
        return _child(argv[1], rest[1:] if rest[:1] == ["--"] else rest, quit_after, raise_after)
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="measured runs per case and variant (default 5)")
    ap.add_argument("--cases", default="window-sample,window-plan,screenshot",
                    help=f"comma-separated, of {', '.join(CASES)} (default: the first three)")
    ap.add_argument("--variants", default=",".join(VARIANTS), help=f"comma-separated, of {', '.join(VARIANTS)}")
    ap.add_argument("--tree", action="append", default=[], metavar="LABEL=PATH",
                    help="also run the app from the sources at PATH, labelled LABEL (repeatable)")
    ns = ap.parse_args(argv)
    cases = [c for c in ns.cases.split(",") if c]
    variants = [v for v in ns.variants.split(",") if v]
    bad = [c for c in cases if c not in CASES] + [v for v in variants if v not in VARIANTS]
    if bad:
        ap.error(f"unknown case or variant: {', '.join(bad)}")
    trees: dict[str, Path] = {}
    for spec in ns.tree:
        label, _, path = spec.partition("=")
        if not label or not (Path(path) / "territory_desktop").is_dir() or label in VARIANTS:
            ap.error(f"--tree {spec!r}: want LABEL=PATH, PATH holding territory_desktop/, LABEL not "
                     f"{' or '.join(VARIANTS)}")
        trees[label] = Path(path).resolve()
    variants += list(trees)
    times = measure(cases, variants, max(1, ns.runs), trees)
    print(f"| case | variant | first paint, median of {ns.runs} | range | CPU of the window's process to first "
          f"paint, median | screenshot written, median | tab click to chart drawn, median "
          f"| heavy modules loaded at first paint |")
    print("|---|---|---|---|---|---|---|---|")
    for case in cases:
        for v in variants:
            rs = times[(case, v)]
            paint = [r.paint for r in rs]
            print(f"| {case} | {v} | {_median(paint)} | {_range(paint)} | {_median([r.cpu for r in rs])} "
                  f"| {_median([r.wrote for r in rs])} | {_median([r.raised for r in rs])} | {rs[-1].loaded} |")
    print(f"goal: {GOAL_S:.0f} s (frozen app, sample, to window shown)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
