"""`territory-desktop --smoke-test`: prove an install (above all the frozen app) works end to end, headless.

A frozen build can start and still be broken: a data file PyInstaller did not collect (ZIP centroids, the
sample, the base map), a native library OR-Tools loads lazily, a Qt plugin, a matplotlib backend the map's
SVG/PDF export needs, or a worker process that cannot re-launch the frozen executable. Each of those only
shows when its code path runs, so this runs the product once the way a planner does, in the real main
window offscreen: open the bundled sample, check Qt's collation (the bundle slims ICU's data), move
accounts and undo, let the co-pilot's worker process suggest and accept a suggestion, save and reopen,
export CSV and XLSX, render the map (PNG, SVG, PDF) and the capacity view, and import an Excel export
through the import dialog. One line per step with its time; exit
0 and "smoke test passed", or exit 1 naming the step that broke.

The headless steps come first and Qt is imported only after them, so a broken Qt still reports those.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import struct
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PASSED = "smoke test passed"
SOLVER_WAIT_S = 60.0
"""Worker start (OR-Tools import, ~2 s frozen) plus the first suggestions; generous for a busy 2-core machine."""
IMPORT_WAIT_S = 60.0
WINDOW_SIZE = (1280, 800)
XLSX_ROWS = 400
"""Rows of the sample written to the Excel file the import step reads (enough for every column kind)."""
MOVED = 12
"""Accounts the move step drags to another territory."""


class SmokeFailure(Exception):
    """A step ran but its result is wrong; the message says what was expected."""


@dataclass
class _Context:
    """What the steps hand to each other: the folder, the headless plan, then the window."""

    folder: Path
    plan: Any = None
    window: Any = None
    errors: list[tuple[str, str]] = field(default_factory=list)

    def close(self) -> None:
        """Close the window (and so the co-pilot's worker process) whatever happened before."""
        w = self.window
        if w is None:
            return
        from PySide6.QtWidgets import QApplication

        self.window = None
        w.close()
        w.deleteLater()
        QApplication.processEvents()


# ----- headless ------------------------------------------------------------------------------------------
def check_sample(ctx: _Context) -> str:
    from territory_desktop.io.importing.importer import import_plan
    from territory_desktop.io.sample.generate import bundled_sample_paths

    accounts, reps = bundled_sample_paths()
    result = import_plan(accounts, reps)
    plan = result.plan
    if plan.n_accounts == 0 or plan.n_territories == 0:
        raise SmokeFailure(f"{accounts.name}: imported {plan.n_accounts} accounts into "
                           f"{plan.n_territories} territories")
    located = int(((plan.lat == plan.lat) & (plan.lon == plan.lon)).sum())  # NaN != NaN
    if located == 0:
        raise SmokeFailure(f"{accounts.name}: no account was placed on the map (geocoding data missing?)")
    ctx.plan = plan
    return (f"{plan.n_accounts:,} accounts, {plan.n_territories} territories, {located:,} located, "
            f"{result.rows_rejected} rejected, from {accounts.parent}")


def check_kpis(ctx: _Context) -> str:
    from territory_desktop.core.kpi_state import KpiState

    if not ctx.plan.kpis.equals(KpiState.full(ctx.plan)):
        raise SmokeFailure("the plan's running KPI totals differ from a full recomputation")
    return f"{int(ctx.plan.kpis.counts[:-1].sum()):,} assigned accounts"


def check_ortools(ctx: _Context) -> str:
    """Both native solvers the engine uses load and solve (the co-pilot's first plan may come from the numpy
    heuristic alone, so it would not notice a missing OR-Tools library)."""
    from ortools.linear_solver import pywraplp
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    x, y = model.new_int_var(0, 10, "x"), model.new_int_var(0, 10, "y")
    model.add(x + 2 * y <= 14)
    model.maximize(3 * x + 4 * y)
    cp = cp_model.CpSolver()
    status = cp.solve(model)
    if status != cp_model.OPTIMAL or cp.objective_value != 38:
        raise SmokeFailure(f"CP-SAT: expected the optimum 38 of a two-variable model, got {status} "
                           f"{cp.objective_value}")
    mip = pywraplp.Solver.CreateSolver("SCIP")
    if mip is None:
        raise SmokeFailure("SCIP is not available in this OR-Tools build")
    a, b = mip.IntVar(0, 10, "a"), mip.IntVar(0, 10, "b")
    mip.Add(a + 2 * b <= 14)
    mip.Maximize(3 * a + 4 * b)
    if mip.Solve() != pywraplp.Solver.OPTIMAL or round(mip.Objective().Value()) != 38:
        raise SmokeFailure("SCIP: did not find the optimum 38 of a two-variable MIP")
    return "CP-SAT and SCIP solve a small model"


# ----- the window ----------------------------------------------------------------------------------------
def _events(seconds: float = 0.0) -> None:
    """Let the event loop run (timers, queued signals, paints) for about `seconds`."""
    from PySide6.QtWidgets import QApplication

    end = time.monotonic() + seconds
    QApplication.processEvents()
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.01)


def _wait(condition: Callable[[], bool], seconds: float) -> bool:
    end = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > end:
            return False
        _events(0.02)
    return True


def _errors(ctx: _Context) -> None:
    """A message box the window would have shown is a failure of the step that caused it."""
    if ctx.errors:
        title, text = ctx.errors[-1]
        raise SmokeFailure(f"the window reported '{title}': {text}")


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (no Qt needed to check a picture)."""
    head = path.read_bytes()[:24]
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        raise SmokeFailure(f"{path} is not a PNG")
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def _colours(image: Any) -> int:
    """Distinct colours on a sample grid of a QImage: a blank or single-colour widget has one or two."""
    step_x, step_y = max(1, image.width() // 60), max(1, image.height() // 60)
    return len({image.pixel(x, y) for x in range(0, image.width(), step_x)
                for y in range(0, image.height(), step_y)})


def _save_grab(widget: Any, path: Path, what: str, min_colours: int = 12) -> str:
    image = widget.grab().toImage()
    if image.isNull() or image.width() < 50 or image.height() < 50:
        raise SmokeFailure(f"{what} painted nothing ({image.width()}x{image.height()})")
    colours = _colours(image)
    if colours < min_colours:
        raise SmokeFailure(f"{what} looks blank: {colours} colours on a sample of its pixels")
    if not image.save(str(path), "PNG"):
        raise SmokeFailure(f"cannot write {path}")
    return f"{image.width()}x{image.height()}, {colours} colours"


def check_window_opens(ctx: _Context) -> str:
    """The window a planner gets on first start: the bundled sample, the co-pilot attached, the map drawn."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QMessageBox

    from territory_desktop.io.sample.generate import bundled_sample_paths
    from territory_desktop.ui.shell.main_window import MainWindow
    from territory_desktop.ui.shell.startup import DESKTOP_FILE, SAMPLE_PLAN, ensure_app, sample_document

    app = ensure_app(offscreen=True)
    if app.windowIcon().isNull() or app.desktopFileName() != DESKTOP_FILE:
        raise SmokeFailure(f"the app has no icon or is not tied to {DESKTOP_FILE}.desktop (its dock entry)")
    settings = QSettings(str(ctx.folder / "window.ini"), QSettings.Format.IniFormat)
    doc = sample_document()
    saved = bundled_sample_paths()[0].with_name(SAMPLE_PLAN)
    source = f"the saved {SAMPLE_PLAN}" if saved.is_file() else "its CSV"
    if saved.is_file() and ctx.plan is not None and not _same_plan(doc.plan, ctx.plan):
        raise SmokeFailure(f"the shipped {saved} is not the plan its CSV imports to (rebuild it)")
    window = MainWindow(doc, settings=settings, restore_state=False)
    ctx.window = window
    window.ask = lambda *_a, **_k: QMessageBox.StandardButton.Discard  # never block on a question
    window.show_error = lambda title, text: ctx.errors.append((title, text))
    window.attach_copilot()
    window.resize(*WINDOW_SIZE)
    window.arrange_default_layout()
    window.show()
    _events(0.2)
    if not window.map_view.wait_ready(20.0):
        raise SmokeFailure("the map's coverage outlines were still computing after 20 s")
    plan = window.plan
    shown = window.territory_panel.model.rowCount()
    if plan.n_accounts == 0 or shown != plan.n_territories:
        raise SmokeFailure(f"{plan.n_accounts} accounts, {shown} territory rows for {plan.n_territories}")
    return f"{plan.n_accounts:,} accounts, {shown} territories in the panel, from {source}"


def _same_plan(a: Any, b: Any) -> bool:
    """The same accounts in the same territories with the same totals (what a planner would compare)."""
    import numpy as np

    return (a.n_accounts == b.n_accounts and [t.name for t in a.territories] == [t.name for t in b.territories]
            and a.accounts["account_id"].tolist() == b.accounts["account_id"].tolist()
            and np.array_equal(a.assignment, b.assignment) and a.kpis.equals(b.kpis))


def check_text_services(ctx: _Context) -> str:
    """Qt's ICU (collation, case mapping) works: the bundle ships a slimmed ICU data library (English and
    every locale-independent table), and Qt's own file dialog sorts names with it (file9 before file10)."""
    from functools import cmp_to_key

    from PySide6.QtCore import QCollator, QLocale

    collator = QCollator(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    collator.setNumericMode(True)
    names = sorted(["file10.csv", "Banana.csv", "file9.csv", "apple.csv"], key=cmp_to_key(collator.compare))
    expected = ["apple.csv", "Banana.csv", "file9.csv", "file10.csv"]
    if names != expected:
        raise SmokeFailure(f"ICU collation sorts {names}, expected {expected} (ICU data missing?)")
    upper = QLocale(QLocale.Language.Turkish, QLocale.Country.Turkey).toUpper("i")
    if upper != "\u0130":
        raise SmokeFailure(f"ICU case mapping: Turkish 'i' upper-cased to {upper!r}, expected 'İ'")
    return "ICU: numeric, case-blind collation; Turkish case mapping"


def _movable(plan: Any, territory: int) -> Any:
    import numpy as np

    rows = np.flatnonzero((plan.assignment == territory) & ~plan.locked)
    return rows[:MOVED]


def check_move_undo(ctx: _Context) -> str:
    """Select accounts, Move Selection To another territory (Ctrl+M), then Edit → Undo."""
    import numpy as np

    from territory_desktop.core.kpi_state import KpiState

    w = ctx.window
    plan = w.plan
    before_assignment = plan.assignment.copy()
    before_kpis = KpiState.full(plan)
    for source in range(plan.n_territories):
        rows = _movable(plan, source)
        if len(rows) < MOVED:
            continue
        for target in range(plan.n_territories):
            if target == source:
                continue
            w.selection.set_rows(rows, None)
            if w.move_selection(territory=target):
                break
        else:
            continue
        break
    else:
        raise SmokeFailure(f"no {MOVED} unlocked accounts could move to another territory: "
                           f"{w.statusBar().currentMessage()}")
    _events(0.05)
    if not (plan.assignment[rows] == target).all():
        raise SmokeFailure("the moved accounts are not in their new territory")
    if plan.kpis.counts[target] != before_kpis.counts[target] + len(rows):
        raise SmokeFailure(f"territory {plan.territories[target].name} has {plan.kpis.counts[target]} "
                           f"accounts, expected {before_kpis.counts[target] + len(rows)}")
    if not plan.kpis.equals(KpiState.full(plan)):
        raise SmokeFailure("after the move the running KPIs differ from a full recomputation")
    moved_to = plan.territories[target].name
    w.actions_by_name["undo"].trigger()
    _events(0.05)
    if not np.array_equal(plan.assignment, before_assignment) or not plan.kpis.equals(before_kpis):
        raise SmokeFailure("Undo did not restore the plan exactly")
    _errors(ctx)
    return (f"{len(rows)} accounts {plan.territories[source].name} → {moved_to} and back; "
            f"KPIs bit-identical after Undo")


def check_copilot(ctx: _Context) -> str:
    """The co-pilot's worker process solves the plan and one suggestion is accepted as one undoable edit."""
    from territory_desktop.ui.copilot.suggestions_dock import SuggestionsPanel

    w = ctx.window
    client = w.copilot_client
    panel = w.findChild(SuggestionsPanel)
    if panel is None:
        raise SmokeFailure("the co-pilot panel is missing from the window")
    t0 = time.monotonic()
    client.solve_now()
    if not _wait(lambda: bool(client.suggestions), SOLVER_WAIT_S):
        worker = client.worker
        raise SmokeFailure(f"no suggestion within {SOLVER_WAIT_S:.0f} s (co-pilot: {client.state} "
                           f"{client.detail!r}; worker alive: {worker.is_alive()}, "
                           f"restarts: {worker.restart_reasons})")
    waited = time.monotonic() - t0
    panel.flush()
    panel.list.setCurrentRow(0)
    suggestion = panel.current()
    if suggestion is None:
        raise SmokeFailure(f"the co-pilot has {len(client.suggestions)} suggestions but the list shows none")
    plan = w.plan
    steps = w.controller.stack.index()
    if not panel.accept():
        raise SmokeFailure(f"accepting the suggestion was refused: {w.statusBar().currentMessage()}")
    _events(0.05)
    if not (plan.assignment[suggestion.rows] == suggestion.to_territory).all():
        raise SmokeFailure("the accepted suggestion's accounts did not move")
    if w.controller.stack.index() != steps + 1:
        raise SmokeFailure("accepting a suggestion was not one undoable step")
    _errors(ctx)
    source = (plan.territories[suggestion.from_territory].name if suggestion.from_territory >= 0
              else "Unassigned")
    return (f"first suggestions after {waited:.1f} s from worker pid {client.worker.pid}; accepted "
            f"{suggestion.n_accounts} account(s) {source} → {plan.territories[suggestion.to_territory].name}")


def check_save_reopen(ctx: _Context) -> str:
    """File → Save As, then File → Open of the same plan: the same assignment and KPIs come back."""
    import numpy as np

    w = ctx.window
    path = ctx.folder / "smoke.territory"
    assignment = w.plan.assignment.copy()
    kpis = w.plan.kpis
    if not w.files.save_as(path):
        _errors(ctx)
        raise SmokeFailure(f"Save As {path} failed")
    if w.doc.modified:
        raise SmokeFailure("the plan still shows unsaved changes after saving")
    old_plan = w.plan
    if not w.files.open_path(path):
        _errors(ctx)
        raise SmokeFailure(f"opening {path} failed")
    _events(0.1)
    if w.plan is old_plan or not np.array_equal(w.plan.assignment, assignment) or not w.plan.kpis.equals(kpis):
        raise SmokeFailure(f"{path.name} reopened with a different plan than was saved")
    if "smoke" not in w.windowTitle():
        raise SmokeFailure(f"the window title {w.windowTitle()!r} does not name the reopened file")
    return f"{path.stat().st_size / 1e6:.1f} MB, reopened identical"


def check_exports(ctx: _Context) -> str:
    """File → Export Assignments as CSV and as Excel, and the change list since the baseline."""
    from openpyxl import load_workbook

    w = ctx.window
    n = w.plan.n_accounts
    csv_path, xlsx_path, changes = (ctx.folder / "assignments.csv", ctx.folder / "assignments.xlsx",
                                    ctx.folder / "changes.csv")
    for path in (csv_path, xlsx_path):
        if not w.exports.export_assignments(path):
            _errors(ctx)
            raise SmokeFailure(f"exporting {path.name} failed")
    with csv_path.open(newline="", encoding="utf-8-sig") as f:
        csv_rows = sum(1 for _ in csv.reader(f)) - 1
    book = load_workbook(xlsx_path, read_only=True)
    try:
        xlsx_rows = sum(1 for _ in book.worksheets[0].iter_rows()) - 1
    finally:
        book.close()
    if csv_rows != n or xlsx_rows != n:
        raise SmokeFailure(f"{n:,} accounts but {csv_rows:,} rows in {csv_path.name}, {xlsx_rows:,} in "
                           f"{xlsx_path.name}")
    moved = w.plan.kpis.moved_count
    if not w.exports.export_changes(changes, dt.date.today(), "smoke test"):
        _errors(ctx)
        raise SmokeFailure(f"exporting {changes.name} failed")
    with changes.open(newline="", encoding="utf-8-sig") as f:
        change_rows = sum(1 for _ in csv.reader(f)) - 1
    if change_rows != moved:
        raise SmokeFailure(f"{moved} accounts moved vs the baseline but {change_rows} rows in {changes.name}")
    return f"{n:,} rows in CSV and XLSX, {change_rows} changes"


def check_map(ctx: _Context) -> str:
    """View → Go to Map: the map paints, and exports as PNG, SVG and PDF (matplotlib's vector backends)."""
    w = ctx.window
    w.focus_map()
    _events(0.1)
    w.map_view.wait_ready(20.0)
    shown = _save_grab(w.map_view, ctx.folder / "map-view.png", "the map", min_colours=8)
    sizes = []
    for ext, magic in (("png", b"\x89PNG"), ("svg", b"<?xml"), ("pdf", b"%PDF")):
        path = ctx.folder / f"map.{ext}"
        if not w.map_view.export(str(path)):
            raise SmokeFailure(f"the map could not be exported as {ext.upper()}: "
                               f"{w.statusBar().currentMessage()}")
        head = path.read_bytes()[:5]
        if not head.startswith(magic):
            raise SmokeFailure(f"{path.name} does not start like a {ext.upper()} file ({head!r})")
        sizes.append(f"{ext.upper()} {path.stat().st_size / 1e3:.0f} kB")
    w.focus_table()
    return f"{shown}; exported {', '.join(sizes)}"


def check_capacity(ctx: _Context) -> str:
    """The Capacity tab: workload chart, health check, fairness and headcount for the open plan."""
    w = ctx.window
    w.focus_capacity()
    _events(0.3)
    panel = w.capacity_panel
    if panel.health.count() == 0:
        raise SmokeFailure("the capacity view's health check is empty")
    shown = _save_grab(panel, ctx.folder / "capacity.png", "the capacity view")
    return f"{shown}, {panel.health.count()} health-check entries"


def check_window_png(ctx: _Context) -> str:
    """The whole window grabbed to a PNG (what `territory-desktop screenshot` does)."""
    out = ctx.folder / "window.png"
    ctx.window.territory_panel.view.selectRow(0)
    _events(0.05)
    _save_grab(ctx.window, out, "the main window")
    width, height = png_size(out)
    if (width, height) != WINDOW_SIZE:
        raise SmokeFailure(f"window PNG is {width}x{height}, expected {WINDOW_SIZE[0]}x{WINDOW_SIZE[1]}")
    return f"{width}x{height} PNG, {out.stat().st_size / 1e3:.0f} kB"


def _write_sample_xlsx(path: Path, rows: int) -> int:
    """The first `rows` accounts of the bundled sample as an Excel workbook, the way a CRM exports one."""
    from openpyxl import Workbook

    from territory_desktop.io.sample.generate import bundled_sample_paths

    accounts, _reps = bundled_sample_paths()
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Accounts")
    with accounts.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.reader(f)
        written = -1
        for written, row in enumerate(reader):
            sheet.append(row)
            if written >= rows:
                break
    book.save(path)
    return written


def check_xlsx_import(ctx: _Context) -> str:
    """File → Open of an .xlsx export: the import dialog previews, maps, imports in its thread, and the
    window shows the imported plan."""
    from territory_desktop.ui.hub.document import Document, import_note
    from territory_desktop.ui.importing.dialog import MAPPING, REPORT, ImportDialog

    w = ctx.window
    path = ctx.folder / "crm export.xlsx"
    n = _write_sample_xlsx(path, XLSX_ROWS)
    dialog = ImportDialog(str(path), w)
    try:
        dialog.show()
        _events(0.05)
        dialog.go_next()
        if dialog.current_page() != MAPPING:
            raise SmokeFailure(f"{path.name}: the import dialog did not reach the mapping page "
                               f"({dialog.step_label.text()})")
        dialog.go_next()
        if not _wait(lambda: dialog.current_page() == REPORT and not dialog.importing, IMPORT_WAIT_S):
            raise SmokeFailure(f"{path.name}: the import did not finish within {IMPORT_WAIT_S:.0f} s")
        result = dialog.result_import
        if result is None:
            raise SmokeFailure(f"{path.name}: the import failed")
        dialog.go_next()  # "Open": accept the report
        w.set_document(Document(result.plan, None, path))
        w.show_status(import_note(result))
    finally:
        dialog.deleteLater()
    _events(0.1)
    plan = w.plan
    if plan.n_accounts != n - result.rows_rejected or plan.n_accounts == 0:
        raise SmokeFailure(f"{path.name}: {n} rows, {result.rows_rejected} rejected, but the window shows "
                           f"{plan.n_accounts} accounts")
    _errors(ctx)
    return f"{plan.n_accounts} of {n} rows, {plan.n_territories} territories from the owners"


CHECKS: tuple[tuple[str, Callable[[_Context], str]], ...] = (
    ("bundled sample imports", check_sample),
    ("KPIs match a full recompute", check_kpis),
    ("OR-Tools native solvers load", check_ortools),
    ("main window opens the sample", check_window_opens),
    ("Qt collation and case mapping work", check_text_services),
    ("accounts move and undo", check_move_undo),
    ("co-pilot suggests, one is accepted", check_copilot),
    ("plan saves and reopens", check_save_reopen),
    ("assignments export as CSV and XLSX", check_exports),
    ("map renders and exports", check_map),
    ("capacity view renders", check_capacity),
    ("main window renders offscreen", check_window_png),
    ("an Excel export imports", check_xlsx_import),
)


def run_smoke_test(keep: Path | None = None, echo: Callable[[str], None] = print) -> bool:
    """Run every step in order (each needs the ones before); stop at the first failure. True if all pass."""
    key = "TERRITORY_DESKTOP_DATA_DIR"
    previous = os.environ.get(key)
    with tempfile.TemporaryDirectory(prefix="territory-smoke-") as tmp:
        folder = keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        # Window settings and recovery journals go to the temp folder: a smoke test leaves no trace, and
        # the variable is restored afterwards so nothing points at the deleted folder.
        if previous is None:
            os.environ[key] = str(Path(tmp) / "data")
        ctx = _Context(folder)
        try:
            return _run_checks(ctx, echo)
        finally:
            ctx.close()
            if previous is None:
                os.environ.pop(key, None)


def _run_checks(ctx: _Context, echo: Callable[[str], None]) -> bool:
    for name, check in CHECKS:
        t0 = time.perf_counter()
        try:
            detail = check(ctx)
        except SmokeFailure as exc:
            echo(f"FAILED {name}: {exc}")
            return False
        except Exception as exc:  # the point is to say which step broke and how, never to crash
            echo(f"FAILED {name}: {type(exc).__name__}: {exc}")
            traceback.print_exc(file=sys.stderr)
            return False
        echo(f"ok     {name} ({detail}; {time.perf_counter() - t0:.1f} s)")
    echo(PASSED)
    return True


def main(argv: list[str] | None = None) -> int:
    """`territory-desktop --smoke-test [--keep FOLDER]`: exit 0 when every step passes, 1 otherwise."""
    ap = argparse.ArgumentParser(prog="territory-desktop --smoke-test",
                                 description="Check headless that this install opens, edits, solves, saves, "
                                             "exports, draws and imports, in the real window offscreen.")
    ap.add_argument("--keep", type=Path, help="write the plan, exports and pictures here instead of a temp folder")
    ns = ap.parse_args(argv)
    frozen = "frozen" if getattr(sys, "frozen", False) else "from source"
    from territory_desktop import __version__

    print(f"Territory Desktop {__version__} smoke test ({frozen}, Python {sys.version.split()[0]}, "
          f"{sys.platform})", flush=True)
    t0 = time.perf_counter()
    ok = run_smoke_test(ns.keep, lambda line: print(line, flush=True))
    print(f"total {time.perf_counter() - t0:.1f} s", flush=True)
    return 0 if ok else 1
