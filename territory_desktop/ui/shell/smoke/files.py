"""The smoke test's file steps, through the window's own commands: File → Save As and File → Open of the
same plan, the assignment exports (CSV, XLSX) and the change list, and an Excel CRM export imported through
the import dialog (preview, mapping, the import in its thread) into the window.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from territory_desktop.ui.shell.smoke.harness import (
    Context,
    SmokeFailure,
    raise_window_errors,
    run_events,
    wait_for,
)

IMPORT_WAIT_S = 60.0
XLSX_ROWS = 400
"""Rows of the sample written to the Excel file the import step reads (enough for every column kind)."""


def check_save_reopen(ctx: Context) -> str:
    """File → Save As, then File → Open of the same plan: the same assignment and KPIs come back."""
    import numpy as np

    w = ctx.window
    path = ctx.folder / "smoke.territory"
    assignment = w.plan.assignment.copy()
    kpis = w.plan.kpis
    if not w.files.save_as(path):
        raise_window_errors(ctx)
        raise SmokeFailure(f"Save As {path} failed")
    if w.doc.modified:
        raise SmokeFailure("the plan still shows unsaved changes after saving")
    old_plan = w.plan
    if not w.files.open_path(path):
        raise_window_errors(ctx)
        raise SmokeFailure(f"opening {path} failed")
    run_events(0.1)
    if w.plan is old_plan or not np.array_equal(w.plan.assignment, assignment) or not w.plan.kpis.equals(kpis):
        raise SmokeFailure(f"{path.name} reopened with a different plan than was saved")
    if "smoke" not in w.windowTitle():
        raise SmokeFailure(f"the window title {w.windowTitle()!r} does not name the reopened file")
    return f"{path.stat().st_size / 1e6:.1f} MB, reopened identical"


def check_exports(ctx: Context) -> str:
    """File → Export Assignments as CSV and as Excel, and the change list since the baseline."""
    from openpyxl import load_workbook

    w = ctx.window
    n = w.plan.n_accounts
    csv_path, xlsx_path, changes = (ctx.folder / "assignments.csv", ctx.folder / "assignments.xlsx",
                                    ctx.folder / "changes.csv")
    for path in (csv_path, xlsx_path):
        if not w.exports.export_assignments(path):
            raise_window_errors(ctx)
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
        raise_window_errors(ctx)
        raise SmokeFailure(f"exporting {changes.name} failed")
    with changes.open(newline="", encoding="utf-8-sig") as f:
        change_rows = sum(1 for _ in csv.reader(f)) - 1
    if change_rows != moved:
        raise SmokeFailure(f"{moved} accounts moved vs the baseline but {change_rows} rows in {changes.name}")
    return f"{n:,} rows in CSV and XLSX, {change_rows} changes"


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


def check_xlsx_import(ctx: Context) -> str:
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
        run_events(0.05)
        dialog.go_next()
        if dialog.current_page() != MAPPING:
            raise SmokeFailure(f"{path.name}: the import dialog did not reach the mapping page "
                               f"({dialog.step_label.text()})")
        dialog.go_next()
        if not wait_for(lambda: dialog.current_page() == REPORT and not dialog.importing, IMPORT_WAIT_S):
            raise SmokeFailure(f"{path.name}: the import did not finish within {IMPORT_WAIT_S:.0f} s")
        result = dialog.result_import
        if result is None:
            raise SmokeFailure(f"{path.name}: the import failed")
        dialog.go_next()  # "Open": accept the report
        w.set_document(Document(result.plan, None, path))
        w.show_status(import_note(result))
    finally:
        dialog.deleteLater()
    run_events(0.1)
    plan = w.plan
    if plan.n_accounts != n - result.rows_rejected - result.rows_skipped or plan.n_accounts == 0:
        raise SmokeFailure(f"{path.name}: {n} rows, {result.rows_rejected} rejected, but the window shows "
                           f"{plan.n_accounts} accounts")
    raise_window_errors(ctx)
    return f"{plan.n_accounts} of {n} rows, {plan.n_territories} territories from the owners"
