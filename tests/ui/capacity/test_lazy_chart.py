"""The capacity chart loads matplotlib only when it first comes on screen (issue 15: ~0.45 s of every start),
and is then drawn with the plan's numbers, including moves made while it was a tab behind the territories.

Whether a module is imported cannot be judged in this process (other tests import matplotlib), so the start
is checked in a fresh Python: the real main window on a saved plan, offscreen, with an import hook noting every
matplotlib module imported from the capacity view's code before and after a click on the Capacity tab.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QTabBar

from territory_desktop.core import kpis
from territory_desktop.core.edits import MoveAccounts
from territory_desktop.io.project.project_file import open_project, save_project
from tests.conftest import make_plan
from tests.ui.window_driver import make_window

ROOT = Path(__file__).resolve().parents[3]

# Runs in a fresh interpreter: argv = plan, settings file, "warm" or "cold" (background warm-up on or off).
WINDOW_SCRIPT = r'''
import json, sys, threading, time, traceback

capacity_imports = []  # (module, thread) of matplotlib modules first imported with ui/capacity on the stack
class Hook:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "matplotlib" and name not in sys.modules:
            if any("/ui/capacity/" in f.filename.replace("\\", "/") for f in traceback.extract_stack()):
                capacity_imports.append((name, threading.current_thread().name))
        return None
sys.meta_path.insert(0, Hook())

from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QTabBar

from territory_desktop.ui.capacity import chart as chart_module
if sys.argv[3] == "cold":
    chart_module.WARM_UP_MS = None
from territory_desktop.ui.shell.startup import ensure_app, open_window

def run_for(seconds, until=lambda: False):
    end = time.monotonic() + seconds
    while time.monotonic() < end and not until():
        QApplication.processEvents()
        time.sleep(0.01)

app = ensure_app(offscreen=True)
w = open_window([sys.argv[1]], settings=QSettings(sys.argv[2], QSettings.Format.IniFormat), copilot=False,
                journal=False)
chart = w.capacity_panel.chart
bar = next(b for b in w.findChildren(QTabBar) if "Capacity" in [b.tabText(i) for i in range(b.count())])
tab = [bar.tabText(i) for i in range(bar.count())].index("Capacity")
run_for(3.0 if sys.argv[3] == "warm" else 0.3, lambda: chart_module._warm_thread is not None
        and not chart_module._warm_thread.is_alive())
report = {"front_tab": bar.tabText(bar.currentIndex()), "capacity_shown_to_qt": w.capacity_panel.isVisible(),
          "before": list(capacity_imports), "figure_before": chart.has_figure,
          "warm_modules_loaded": all(m in sys.modules for m in chart_module._WARM_MODULES),
          "qt_canvas_before": "matplotlib.backends.backend_qtagg" in sys.modules}
QTest.mouseClick(bar, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, bar.tabRect(tab).center())
run_for(30.0, lambda: getattr(chart, "_background", None) is not None)  # set after the first full draw
shown = chart.bars["util"].positions()
report.update(after=list(capacity_imports), drawn=chart._background is not None, order=chart.data.order.tolist(),
              shown=shown, util=[chart.bars["util"].width_of(p) for p in shown],
              dev=[chart.bars["dev"].width_of(p) for p in shown], names=chart.names_in_view(),
              canvas=[chart.canvas.width(), chart.canvas.height()], chart_width=chart.width(),
              scroll_width=chart.scroll.width())
print("REPORT " + json.dumps(report))
w.close()
'''


def _start_window(tmp_path: Path, warm: bool) -> tuple[dict, object]:
    plan = make_plan(n=600, k=8, seed=31)
    path = tmp_path / "plan.territory"
    save_project(plan, path)
    script = tmp_path / "window.py"
    script.write_text(WINDOW_SCRIPT, encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", TERRITORY_DESKTOP_DATA_DIR=str(tmp_path / "data"),
               PYTHONPATH=os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]))
    env.pop("MPLBACKEND", None)  # as a planner starts it (the test set-up sets Agg)
    proc = subprocess.run([sys.executable, str(script), str(path), str(tmp_path / "window.ini"),
                           "warm" if warm else "cold"], env=env, capture_output=True, text=True, timeout=180,
                          cwd=ROOT)
    line = next((x for x in proc.stdout.splitlines() if x.startswith("REPORT ")), None)
    assert proc.returncode == 0 and line, proc.stdout[-2000:] + proc.stderr[-3000:]
    return json.loads(line[len("REPORT "):]), open_project(path)


def _check_drawn_numbers(report: dict, plan) -> None:  # noqa: ANN001 — Plan
    table = kpis.territory_table(plan).loc[report["order"]]
    shown = report["shown"]
    assert shown, "no rows drawn"
    util = np.nan_to_num(table["utilisation"].to_numpy()[shown]) * 100
    dev = table[f"dev_{plan.settings.primary.measure}"].to_numpy()[shown] * 100
    assert np.allclose(report["util"], util)
    assert np.allclose(report["dev"], dev)
    names = [plan.territories[t].name for t in np.array(report["order"])[shown]]
    assert all(name in report["names"] for name in names)


def test_window_starts_without_matplotlib_for_the_capacity_view(tmp_path):
    report, plan = _start_window(tmp_path, warm=False)
    # the dock is a tab behind the territories, though Qt counts it as shown (moved off-screen)
    assert report["front_tab"] == "Territories" and report["capacity_shown_to_qt"]
    assert report["before"] == [] and not report["figure_before"] and not report["qt_canvas_before"]
    # raised: the chart imports matplotlib, is drawn at the dock's size, with the plan's numbers
    assert report["drawn"] and "matplotlib.backends.backend_qtagg" in [m for m, _t in report["after"]]
    width, height = report["canvas"]  # the canvas fills the chart beside its scroll bar
    assert width == report["chart_width"] - report["scroll_width"] and width > 300 and height > 150
    _check_drawn_numbers(report, plan)


def test_warm_up_loads_matplotlib_on_a_background_thread_after_the_start(tmp_path):
    report, plan = _start_window(tmp_path, warm=True)
    assert report["front_tab"] == "Territories"
    assert report["warm_modules_loaded"] and not report["figure_before"] and not report["qt_canvas_before"]
    # whatever the capacity view imported before the raise, it imported off the UI thread
    assert {t for _m, t in report["before"]} <= {"capacity-chart-warm-up"}
    assert report["drawn"]
    _check_drawn_numbers(report, plan)


def _click_capacity_tab(window) -> None:  # noqa: ANN001 — MainWindow
    bar = next(b for b in window.findChildren(QTabBar) if "Capacity" in [b.tabText(i) for i in range(b.count())])
    tab = [bar.tabText(i) for i in range(bar.count())].index("Capacity")
    QTest.mouseClick(bar, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, bar.tabRect(tab).center())


def test_moves_made_behind_the_tab_are_drawn_when_it_is_raised(qtbot, tmp_path):
    w = make_window(qtbot, tmp_path, make_plan(n=600, k=8, seed=31))
    chart = w.capacity_panel.chart
    assert not chart.has_figure  # the tab is behind the territories
    w.controller.apply(MoveAccounts(np.arange(0, 120), 3))  # one territory takes 120 accounts
    qtbot.waitUntil(lambda: not w.capacity_panel._due, timeout=2000)
    assert not chart.has_figure  # the move's numbers are kept, not drawn
    _click_capacity_tab(w)
    qtbot.waitUntil(lambda: chart._background is not None, timeout=20_000)  # the first full draw
    assert chart.canvas.isVisible() and chart.canvas.width() > 500
    table = kpis.territory_table(w.plan).loc[chart.data.order]
    shown = chart.bars["util"].positions()
    assert shown == chart.window_positions().tolist() and shown
    assert np.allclose([chart.bars["util"].width_of(p) for p in shown],
                       np.nan_to_num(table["utilisation"].to_numpy()[shown]) * 100)
    primary = w.plan.settings.primary.measure
    assert np.allclose([chart.bars["dev"].width_of(p) for p in shown], table[f"dev_{primary}"].to_numpy()[shown] * 100)
    pos = chart.data.order.tolist().index(3)
    assert chart.data.segment_counts[pos].sum() == np.count_nonzero(w.plan.assignment == 3) >= 120
