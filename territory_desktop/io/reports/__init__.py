"""Reports a planner hands out: one PDF book per rep, a plan summary PDF and an Excel workbook.

`write_reports(plan, folder, ReportRequest(...))` writes them (all or nothing, with progress and cancel);
`tables` holds the numbers they show (the core's), `rep_book`, `summary` and `workbook` lay them out.
"""

from territory_desktop.io.reports.writer import (
    BOOKS_FOLDER,
    SUMMARY_FILE,
    WORKBOOK_FILE,
    Cancelled,
    ReportError,
    ReportRequest,
    planned_files,
    write_reports,
)

__all__ = ["BOOKS_FOLDER", "SUMMARY_FILE", "WORKBOOK_FILE", "Cancelled", "ReportError", "ReportRequest",
           "planned_files", "write_reports"]
