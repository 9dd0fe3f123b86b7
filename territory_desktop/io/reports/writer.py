"""Writing a set of reports into a folder, with progress, cancel, and never a half-written file.

Everything is written into a hidden staging folder beside the reports first and moved into place only when
all of it is done: a cancel, a full disk or a crash leaves the folder as it was (the staging folder is
removed; a crash's leftover is a dot-folder named for what it is). Progress is counted in pages, so the bar
moves evenly through a 200-page run, and cancel takes effect at the next page.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shutil
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import matplotlib

from territory_desktop.core.change_notes import default_effective_date
from territory_desktop.core.plan import Plan
from territory_desktop.io.reports.page import Page

SUMMARY_FILE = "Plan summary.pdf"
WORKBOOK_FILE = "Plan workbook.xlsx"
BOOKS_FOLDER = "Rep books"
STAGING_PREFIX = ".territory-reports-"
PDF_FONTTYPE = 3
"""Type 3 fonts: embedding the used glyphs costs ~20 ms a file, where TrueType subsetting (Type 42) costs
~300 ms — 8 s of a 25-book run. Text stays selectable and searchable."""
SHEET_UNITS = 7

Progress = Callable[[int, int, str], None]
"""(done, total, what is being written) in pages and sheets."""


class ReportError(Exception):
    """The reports could not be written; the message names the folder or file and what to do."""


class Cancelled(Exception):  # noqa: N818 — a cancel is not an error
    """The user cancelled; nothing was written."""


@dataclass(frozen=True)
class ReportRequest:
    """Which reports to write: a book per territory (all active ones, or those listed), the plan summary, the
    workbook."""

    rep_books: bool = True
    summary: bool = True
    workbook: bool = True
    territories: tuple[int, ...] | None = None

    def books_for(self, plan: Plan) -> list[int]:
        if not self.rep_books:
            return []
        act = [int(i) for i in plan.active_territories()]
        return act if self.territories is None else [i for i in act if i in set(self.territories)]


# ----- file names ------------------------------------------------------------------------------------------
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]+')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def safe_name(text: str, limit: int = 90) -> str:
    """A file name every OS accepts made from a territory or rep name: no separators or reserved characters,
    no trailing dot or space, no Windows device name, at most `limit` characters."""
    name = _UNSAFE.sub("-", text).strip().strip(".").strip()
    name = re.sub(r"\s+", " ", name)[:limit].rstrip(" .")
    if not name:
        name = "Territory"
    if name.split(".")[0].upper() in _RESERVED:
        name = "_" + name
    return name


def book_names(plan: Plan, territories: Sequence[int]) -> dict[int, str]:
    """File name of each territory's book, "West Coast - Ann Lee.pdf"; names that clash (on a case-blind
    disk) get " (2)", " (3)"."""
    out: dict[int, str] = {}
    seen: set[str] = set()
    for t in territories:
        terr = plan.territories[t]
        stem = safe_name(f"{terr.name} - {terr.rep}" if terr.rep else terr.name)
        name, n = f"{stem}.pdf", 2
        while name.casefold() in seen:
            name, n = f"{stem} ({n}).pdf", n + 1
        seen.add(name.casefold())
        out[t] = name
    return out


def planned_files(plan: Plan, request: ReportRequest) -> list[str]:
    """The paths (relative to the folder) a run of `request` writes, in writing order."""
    files = [f"{BOOKS_FOLDER}/{n}" for n in book_names(plan, request.books_for(plan)).values()]
    if request.summary:
        files.append(SUMMARY_FILE)
    if request.workbook:
        files.append(WORKBOOK_FILE)
    return files


# ----- saving ----------------------------------------------------------------------------------------------
def save_pdf(pages: Sequence[Page], path: Path, title: str, subject: str, tick: Callable[[], None]) -> None:
    """Pages into one PDF with its title in the document properties; fonts embedded as TrueType, so the text
    is selectable and searchable."""
    from matplotlib.backends.backend_pdf import PdfPages

    meta = {"Title": title, "Subject": subject, "Creator": "Territory Desktop", "Author": "Territory Desktop"}
    with matplotlib.rc_context({"pdf.fonttype": PDF_FONTTYPE}), PdfPages(path, metadata=meta) as pdf:
        for page in pages:
            pdf.savefig(page.fig)
            page.fig.clear()
            tick()


class Run:
    """One run's bookkeeping: the staging folder, the page count for progress, the cancel check."""

    def __init__(self, folder: Path, total: int, progress: Progress | None,
                 should_stop: Callable[[], bool] | None) -> None:
        self.folder = folder
        self.total = max(total, 1)
        self.done = 0
        self.what = ""
        self.progress = progress
        self.should_stop = should_stop
        self.staging = folder / f"{STAGING_PREFIX}{uuid.uuid4().hex[:8]}"

    def step(self, what: str | None = None, units: int = 0) -> None:
        """Count `units` of work done (the total grows if a book turns out longer than estimated) and raise
        Cancelled when the user asked to stop."""
        if what is not None:
            self.what = what
        self.done += units
        self.total = max(self.total, self.done + 1)
        if self.should_stop is not None and self.should_stop():
            raise Cancelled()
        if self.progress is not None:
            self.progress(self.done, self.total, self.what)

    def publish(self, names: Sequence[str]) -> list[Path]:
        """Move the finished files from staging into the folder (renames on one disk: all or nothing in
        practice)."""
        out = []
        for rel in names:
            src, dst = self.staging / rel, self.folder / rel
            dst.parent.mkdir(parents=True, exist_ok=True)
            os.replace(src, dst)
            out.append(dst)
        return out

    def discard(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)


def check_folder(folder: Path) -> None:
    """Refuse a folder that is a file, is missing (its parent must exist: the folder itself is created) or
    cannot be written."""
    if folder.exists() and not folder.is_dir():
        raise ReportError(f"{folder} is a file, not a folder: choose a folder for the reports.")
    if not folder.exists():
        if not folder.parent.is_dir():
            raise ReportError(f"Cannot write the reports to {folder}: the folder {folder.parent} does not exist.")
        try:
            folder.mkdir()
        except OSError as exc:
            raise ReportError(f"Cannot create the folder {folder}: {exc.strerror or exc}.") from exc
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ReportError(f"Cannot write to the folder {folder}: it is read-only. Choose another folder.")


def write_reports(plan: Plan, folder: str | os.PathLike[str], request: ReportRequest = ReportRequest(),
                  plan_name: str = "Territory plan", date: dt.date | None = None,
                  effective_date: dt.date | None = None, progress: Progress | None = None,
                  should_stop: Callable[[], bool] | None = None) -> list[Path]:
    """Write the requested reports of `plan` into `folder` and return the files written.

    Raises Cancelled (nothing written) when `should_stop()` turns true, ReportError naming the folder or file
    when the disk refuses. The plan must not change while this runs (the window's dialog is modal)."""
    from territory_desktop.io.reports import rep_book, summary, workbook
    from territory_desktop.io.reports.maps import project_plan
    from territory_desktop.io.reports.tables import build_context

    folder = Path(folder)
    check_folder(folder)
    books = request.books_for(plan)
    names = book_names(plan, books)
    if not books and not request.summary and not request.workbook:
        raise ReportError("Choose at least one report to write.")
    est = {t: 2 + len(plan.rows_in(t)) // 45 for t in books}
    # units ~ 20 ms of work: a page built and saved = 2; a sheet or 1,000 workbook rows = SHEET_UNITS
    sheet_rows = plan.n_accounts + int((plan.assignment != plan.baseline).sum())
    total = 2 * sum(est.values()) + (12 if request.summary else 0) + (
        SHEET_UNITS * (4 + sheet_rows // 1000) if request.workbook else 0)
    run = Run(folder, total, progress, should_stop)
    date = date or dt.date.today()
    effective_date = effective_date or default_effective_date(date)
    try:
        run.step("Preparing the figures")
        ctx = build_context(plan, plan_name, date)
        projected = project_plan(plan) if books or request.summary else None
        run.staging.mkdir()
        (run.staging / BOOKS_FOLDER).mkdir()
        for t in books:
            terr = plan.territories[t]
            what = f"Book of {terr.name}" + (f" ({terr.rep})" if terr.rep else "")
            run.step(what)
            pages = rep_book.build_rep_book(ctx, projected, t, tick=lambda: run.step(units=1))
            save_pdf(pages, run.staging / BOOKS_FOLDER / names[t], f"{terr.name} — territory book",
                     f"{plan_name}, prepared {date.isoformat()}", tick=lambda: run.step(units=1))
        if request.summary:
            run.step("Plan summary")
            pages = summary.build_summary(ctx, projected, effective_date, tick=lambda: run.step(units=1))
            save_pdf(pages, run.staging / SUMMARY_FILE, f"{plan_name} — plan summary",
                     f"Prepared {date.isoformat()}", tick=lambda: run.step(units=1))
        if request.workbook:
            run.step("Workbook")
            workbook.write_workbook(ctx, run.staging / WORKBOOK_FILE, effective_date,
                                    tick=lambda: run.step(units=SHEET_UNITS))
        run.step("Finishing")
        return run.publish(planned_files(plan, request))
    except OSError as exc:
        raise ReportError(f"Cannot write the reports to {folder}: {exc.strerror or exc}.") from exc
    finally:
        with contextlib.suppress(OSError):
            run.discard()
