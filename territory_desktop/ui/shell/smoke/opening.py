"""The smoke test's first window steps: the real main window opens offscreen on the bundled sample (the
app's icon and desktop entry, the shipped sample plan checked against its CSV, the co-pilot attached, the
map drawn), and Qt's ICU collation and case mapping work in the slimmed data library the bundle ships.
"""

from __future__ import annotations

from typing import Any

from territory_desktop.ui.shell.smoke.harness import WINDOW_SIZE, Context, SmokeFailure, run_events


def check_window_opens(ctx: Context) -> str:
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
    run_events(0.2)
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


def check_text_services(ctx: Context | None) -> str:
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
