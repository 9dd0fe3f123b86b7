"""Start the window: one QApplication with the house style, the given file (or the bundled sample), the
recovery offer once the window is up. `render_screenshot` renders the same window offscreen to a PNG.

The frozen app ships the sample also as a saved plan (`sample.territory`, made from the CSV by the build), so
a start without a file opens it in ~0.1 s instead of importing the CSV (~2 s) every time.

A CSV or Excel export given on the command line goes through the import dialog (mapping, report), as File →
Open does, never imported silently; with no display the app says in one line that it runs offscreen, where it
used to sit silent and look hung.
"""

from __future__ import annotations

import gc
import os
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer, QtMsgType, qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QMessageBox

from territory_desktop.core.plan import Plan, accounts_frame
from territory_desktop.io.importing.importer import ImportFailed, import_plan
from territory_desktop.io.sample.generate import bundled_sample_paths, write_sample
from territory_desktop.ui.hub.document import (
    IMPORTABLE,
    Document,
    DocumentError,
    import_note,
    load_path,
    open_project_file,
)
from territory_desktop.ui.shell.about import app_icon
from territory_desktop.ui.shell.preferences import APPLICATION, ORGANISATION
from territory_desktop.ui.theme.style import apply_style
from territory_desktop.ui.theme.wheel_guard import install_wheel_guard

DESKTOP_FILE = "territory-desktop"
"""The menu entry's name without `.desktop` (packaging/linux): Wayland and GNOME match the window to it, so
the dock shows the app's own icon and name, not a generic one."""
SAMPLE_PLAN = "sample.territory"
"""The bundled sample saved as a plan, next to its CSV (packaging/territory_desktop.spec writes it)."""


def _quiet_offscreen(_kind: QtMsgType, _context: object, message: str) -> None:
    """The offscreen platform warns that it cannot size windows to their hints on every top-level window:
    noise for a screenshot or a smoke test. Everything else Qt says still reaches stderr."""
    if "propagateSizeHints" not in message:
        print(message, file=sys.stderr)


def ensure_app(offscreen: bool = False) -> QApplication:
    """The QApplication (created once, styled); offscreen when asked or when there is no display."""
    app = QApplication.instance()
    if app is None:
        headless = sys.platform.startswith("linux") and not (os.environ.get("DISPLAY")
                                                             or os.environ.get("WAYLAND_DISPLAY"))
        if offscreen or headless:
            os.environ["QT_QPA_PLATFORM"] = "offscreen"
        if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
            qInstallMessageHandler(_quiet_offscreen)
        app = QApplication(sys.argv[:1])
        app.setOrganizationName(ORGANISATION)
        app.setApplicationName(APPLICATION)
        app.setApplicationDisplayName(APPLICATION)
        app.setDesktopFileName(DESKTOP_FILE)
        app.setWindowIcon(app_icon())
        apply_style(app)
        install_wheel_guard(app)
    assert isinstance(app, QApplication)
    return app


def sample_document() -> Document:
    """The bundled sample (5,000 accounts, 25 reps) as an untitled plan: the saved `sample.territory` when
    the build shipped it, else imported from its CSV (generated if not shipped at all)."""
    try:
        accounts, reps = bundled_sample_paths()
    except FileNotFoundError:
        accounts, reps = write_sample(Path(tempfile.mkdtemp(prefix="territory-sample-")), 5000, 25)
    saved = accounts.with_name(SAMPLE_PLAN)
    doc = None
    if saved.is_file():
        try:
            plan = open_project_file(saved).plan
        except DocumentError:
            plan = None  # a damaged copy: the CSV still gives the same plan
        if plan is not None:
            doc = Document(plan, None, accounts)
            doc.note = f"Sample plan: {plan.n_accounts:,} accounts in {len(plan.active_territories())} territories."
    if doc is None:
        try:
            result = import_plan(accounts, reps)
        except ImportFailed as exc:
            raise DocumentError(str(exc)) from exc
        doc = Document(result.plan, None, accounts)
        doc.note = import_note(result)
    doc.untitled_name = "Sample plan"
    return doc


def document_for(path: str | None) -> Document:
    """A document for a file (project or export), or the sample when no file is given."""
    if not path:
        return sample_document()
    loaded = load_path(path)
    doc = Document(loaded.plan, loaded.project_path, loaded.source_path)
    doc.note = loaded.note
    return doc


def _fallback_plan() -> Plan:
    """An empty plan, so the window can open (and say what went wrong) even when nothing could be read."""
    return Plan(accounts_frame({"account_id": []}), [], [])


def headless_notice(env: Mapping[str, str], platform: str) -> str | None:
    """The line to print when the window will not be seen (no display, or offscreen asked for), else None."""
    if env.get("QT_QPA_PLATFORM") == "offscreen":
        why = "QT_QPA_PLATFORM=offscreen"
    elif platform.startswith("linux") and not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        why = "no display found: DISPLAY and WAYLAND_DISPLAY are not set"
    else:
        return None
    return (f"territory-desktop: {why}, so the window runs offscreen and is not shown (Ctrl+C ends it). "
            "Run it on a desktop session, or render the window with `territory-desktop screenshot -o window.png`.")


def _collect_from_now_on() -> None:
    """Cycle collection back on once the window is up (app.py turns it off for the start): the plan's and the
    libraries' many long-lived objects are first moved out of the collector's generations, which also
    takes ~36 ms full collections off the window's thread (measured at 100k accounts)."""
    gc.freeze()
    gc.enable()


def run_gui(paths: list[str]) -> int:
    """`territory-desktop [FILE]`: show the window on FILE (or the sample) and run until it closes."""
    notice = headless_notice(os.environ, sys.platform)
    if notice:
        print(notice, file=sys.stderr, flush=True)
    app = ensure_app()
    window = open_window(paths)  # held here: a top-level window without a Python reference is deleted
    _collect_from_now_on()
    code = app.exec()
    del window
    return code


def open_window(paths: list[str], settings: QSettings | None = None, copilot: bool = True,
                journal: bool = True) -> object:
    """The shown main window on the first of `paths` (or the sample), with the file's problems and the
    recovery offer queued for once it is up. A CSV/Excel export opens the import dialog over an empty plan."""
    ensure_app()
    from territory_desktop.ui.shell.main_window import MainWindow

    problem = ""
    path = paths[0] if paths else None
    export = path is not None and Path(path).suffix.lower() in IMPORTABLE
    try:
        doc = Document(_fallback_plan()) if export else document_for(path)
    except DocumentError as exc:
        problem = str(exc)
        try:
            doc = sample_document() if paths else Document(_fallback_plan())
        except DocumentError:
            doc = Document(_fallback_plan())
    window = MainWindow(doc, settings=settings, start_journal=journal)
    if copilot:
        window.attach_copilot()
    window.show()
    if export:
        QTimer.singleShot(0, lambda: window.files.open_path(path))
    elif problem:
        QTimer.singleShot(0, lambda: QMessageBox.warning(window, "Cannot Open File", problem))
    elif doc.note:
        window.show_status(doc.note)
    if journal:
        QTimer.singleShot(0, window.files.offer_recovery)
    return window


def render_screenshot(path_or_none: str | None, out_png: str, size: tuple[int, int] = (1920, 1080),
                      copilot_wait_s: float = 0.0) -> None:
    """Render the main window on `path_or_none` (or the sample) offscreen at `size` and save it as a PNG
    (with the co-pilot's first suggestions when `copilot_wait_s` > 0).

    A file that cannot be read or written ends the command with its message (exit status 1), not a traceback.
    """
    from territory_desktop.ui.shell.screenshot import grab_window

    ensure_app(offscreen=True)
    try:
        grab_window(document_for(path_or_none), Path(out_png), size, copilot_wait_s)
    except (DocumentError, OSError) as exc:
        raise SystemExit(f"territory-desktop screenshot: {exc}") from exc
    finally:
        _collect_from_now_on()
