"""Import a CRM export as a new plan: choose files, confirm the columns, import, review the report, open.

Four pages in one dialog: files and a preview of the first rows; the guessed column mapping, editable, beside
the segments and potential it gives (thresholds and potential model editable, with the formula and the
resulting counts and distribution, so the planner sees and changes them before importing); the import running
on a worker thread with a progress bar and a Cancel that stops it; the report (rows read, kept, rejected,
unplaced, territories, problems by row) before anything is committed. A file that cannot be read shows the
importer's message on the page, never a traceback.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from territory_desktop.core.potential import PotentialModel
from territory_desktop.core.segments import SegmentRules
from territory_desktop.io.importing.columns import guess_mapping
from territory_desktop.io.importing.importer import ImportFailed, ImportResult, write_problems_csv
from territory_desktop.io.importing.table_reader import read_table
from territory_desktop.ui.importing.mapping_model import MappingEditor
from territory_desktop.ui.importing.preview import PreviewModel, sheet_names
from territory_desktop.ui.importing.report import ReportPage
from territory_desktop.ui.importing.sizing import SizingPanel
from territory_desktop.ui.importing.worker import ImportFn, ImportRunner, import_plan

PREVIEW_ROWS = 200
FILES, MAPPING, RUNNING, REPORT = range(4)
_TITLES = ("Choose the files", "Match the columns, check segments and potential", "Importing…",
           "Review the import")
_STEPS = {FILES: 1, MAPPING: 2, RUNNING: 3, REPORT: 3}
"""The steps the planner acts in: importing is the way to the review, not a step of its own (counting it made
the dialog jump from "Step 2" to "Step 4 of 4")."""
_FILTER = "Tables (*.csv *.txt *.tsv *.xlsx);;All files (*)"
_ERROR_STYLE = "color: #B3261E;"


def _file_row(edit: QLineEdit, browse: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    row.setSpacing(6)
    row.addWidget(edit, 1)
    row.addWidget(browse)
    return row


class ImportDialog(QDialog):
    """The import flow; after exec() == Accepted, `result_import` holds the io ImportResult."""

    def __init__(self, accounts_path: str | None = None, parent: QWidget | None = None,
                 import_fn: ImportFn = import_plan, segment_rules: SegmentRules | None = None,
                 potential_model: PotentialModel | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import Accounts")
        self.result_import: ImportResult | None = None
        self.import_fn = import_fn
        self._preview: pd.DataFrame | None = None
        self._loaded_path = ""
        self.runner: ImportRunner | None = None  # the import in progress, if any

        self.step_label = QLabel()
        self.step_label.setStyleSheet("color: #6B6F76;")
        self.title_label = QLabel()
        self.title_label.setStyleSheet("font-size: 14pt; font-weight: 600;")
        self.pages = QStackedWidget()
        self.pages.addWidget(self._build_files_page())
        self.mapping = MappingEditor()
        self.mapping.changed.connect(self._update_buttons)
        self.sizing = SizingPanel(segment_rules, potential_model)
        self.mapping.changed.connect(self._update_sizing)
        self.mapping_note = QLabel()
        self.mapping_note.setWordWrap(True)
        self.outcome_label = QLabel()  # why the last import did not finish (failed or cancelled)
        self.outcome_label.setWordWrap(True)
        self.outcome_label.hide()
        self.pages.addWidget(self._build_mapping_page())
        self.pages.addWidget(self._build_running_page())
        self.report = ReportPage()
        self.report.save_button.clicked.connect(self.save_report)
        self.pages.addWidget(self.report)

        self.back_button = QPushButton("&Back")
        self.next_button = QPushButton("&Next")
        self.cancel_button = QPushButton("Cancel")
        self.back_button.clicked.connect(self.go_back)
        self.next_button.clicked.connect(self.go_next)
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        buttons.addWidget(self.next_button)
        buttons.addWidget(self.cancel_button)
        header = QVBoxLayout()
        header.setSpacing(2)
        header.addWidget(self.step_label)
        header.addWidget(self.title_label)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(18, 14, 18, 14)
        lay.setSpacing(12)
        lay.addLayout(header)
        lay.addWidget(self.pages, 1)
        lay.addLayout(buttons)
        self.resize(*_first_size(self))  # the mapping and the segments & potential panel side by side
        if accounts_path:
            self.accounts_edit.setText(str(accounts_path))
            self.load_preview()
        self._show_page(FILES)

    # ----- pages -----------------------------------------------------------------------------------------
    def _build_files_page(self) -> QWidget:
        page = QWidget()
        self.accounts_edit = QLineEdit()
        self.accounts_edit.setPlaceholderText("CSV or Excel export of your CRM accounts")
        self.accounts_edit.editingFinished.connect(self.load_preview)
        self.accounts_edit.textChanged.connect(self._update_buttons)
        browse = QPushButton("Bro&wse…")
        browse.clicked.connect(self._browse_accounts)
        self.reps_edit = QLineEdit()
        self.reps_edit.setPlaceholderText("Optional: reps or territories with homes and capacity")
        self.reps_edit.setClearButtonEnabled(True)
        self.reps_edit.textChanged.connect(self._update_buttons)
        browse_reps = QPushButton("Brows&e…")
        browse_reps.clicked.connect(self._browse_reps)
        form = QFormLayout()
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(8)
        acc_label = QLabel("&Accounts file:")
        acc_label.setBuddy(self.accounts_edit)
        reps_label = QLabel("Re&ps file:")
        reps_label.setBuddy(self.reps_edit)
        form.addRow(acc_label, _file_row(self.accounts_edit, browse))
        self.sheet_combo = QComboBox()
        self.sheet_combo.setMinimumContentsLength(24)
        self.sheet_combo.activated.connect(self._sheet_chosen)
        self.sheet_label = QLabel("S&heet:")
        self.sheet_label.setBuddy(self.sheet_combo)
        sheet_row = QHBoxLayout()
        sheet_row.addWidget(self.sheet_combo)
        sheet_row.addStretch(1)
        form.addRow(self.sheet_label, sheet_row)
        self._files_form, self._sheet_form_row = form, form.rowCount() - 1
        form.addRow(reps_label, _file_row(self.reps_edit, browse_reps))
        self.preview_label = QLabel("Choose a file to see its first rows.")
        self.preview_label.setWordWrap(True)
        self.preview_model = PreviewModel(self)
        self.preview = QTableView()
        self.preview.setModel(self.preview_model)
        self.preview.setAlternatingRowColors(True)
        self.preview.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.preview.horizontalHeader().setDefaultSectionSize(120)
        self.preview.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.preview.setWordWrap(False)
        lay = QVBoxLayout(page)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(10)
        lay.addLayout(form)
        lay.addWidget(self.preview_label)
        self._fill_sheets("")
        lay.addWidget(self.preview, 1)
        return page

    def _build_mapping_page(self) -> QWidget:
        page = QWidget()
        intro = QLabel("Each field of the plan is filled from the column chosen here. Guesses come from the "
                       "column names; * marks the account ID and name: one of them is needed.")
        intro.setWordWrap(True)
        lay = QVBoxLayout(page)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(8)
        lay.addWidget(intro)
        # beside the panel the mapping is narrower: sample values wrap beneath their combos (mapping_model.py)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)
        split.addWidget(self.mapping)
        split.addWidget(self.sizing)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        lay.addWidget(split, 1)
        lay.addWidget(self.outcome_label)
        lay.addWidget(self.mapping_note)
        return page

    def _build_running_page(self) -> QWidget:
        page = QWidget()
        self.stage_label = QLabel("Starting…")
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.stop_button = QPushButton("&Cancel Import")
        self.stop_button.clicked.connect(self.cancel_import)
        stop_row = QHBoxLayout()
        stop_row.addStretch(1)
        stop_row.addWidget(self.stop_button)
        lay = QVBoxLayout(page)
        lay.setContentsMargins(40, 0, 40, 0)
        lay.addStretch(2)
        lay.addWidget(self.stage_label)
        lay.addWidget(self.progress)
        lay.addLayout(stop_row)
        lay.addStretch(3)
        return page

    def current_page(self) -> int:
        return self.pages.currentIndex()

    def _show_page(self, page: int) -> None:
        self.pages.setCurrentIndex(page)
        self.step_label.setText(f"Step {_STEPS[page]} of {max(_STEPS.values())}")
        self.title_label.setText(_TITLES[page])
        self.next_button.setText({FILES: "&Next", MAPPING: "&Import", RUNNING: "&Import",
                                  REPORT: "&Open Plan"}[page])
        self.next_button.setDefault(True)
        self._update_buttons()

    def _update_buttons(self) -> None:
        page = self.current_page()
        running = self.importing
        self.back_button.setEnabled(page in (MAPPING, REPORT) and not running)
        if page == FILES:
            self.next_button.setEnabled(bool(self.accounts_edit.text().strip()))
        elif page == MAPPING:
            errors, warnings = self.mapping.issues()
            self.next_button.setEnabled(not errors)
            self.mapping_note.setText("\n".join(errors or warnings))
            self.mapping_note.setStyleSheet(_ERROR_STYLE if errors else "color: #9A5B00;")
        else:
            self.next_button.setEnabled(page == REPORT and self.result_import is not None)
        self.next_button.setVisible(page != RUNNING)

    # ----- files and preview -----------------------------------------------------------------------------
    def _ask_open_path(self, caption: str) -> str:
        """The file dialog (a separate method so tests and the window can answer it)."""
        start = str(Path(self.accounts_edit.text()).parent) if self.accounts_edit.text() else ""
        path, _ = QFileDialog.getOpenFileName(self, caption, start, _FILTER)
        return path

    def _browse_accounts(self) -> None:
        path = self._ask_open_path("Choose the Accounts File")
        if path:
            self.accounts_edit.setText(path)
            self.load_preview()

    def _browse_reps(self) -> None:
        path = self._ask_open_path("Choose the Reps File")
        if path:
            self.reps_edit.setText(path)

    def load_preview(self) -> bool:
        """Read the first rows of the accounts file and guess the mapping; show the reason if it fails."""
        path = self.accounts_edit.text().strip()
        if path == self._loaded_path and self._preview is not None:
            return True
        if path != self._loaded_path:
            self._fill_sheets(path)
        self._preview, self._loaded_path = None, path
        self.preview_model.set_frame(pd.DataFrame())
        if not path:
            self.preview_label.setText("Choose a file to see its first rows.")
            self.preview_label.setStyleSheet("")
            self._update_buttons()
            return False
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # ~0.6 s for a 1M-row CSV
        try:
            df = read_table(path, sheet=self.sheet(), nrows=PREVIEW_ROWS)
        except ImportFailed as exc:
            self.preview_label.setText(str(exc))
            self.preview_label.setStyleSheet(_ERROR_STYLE)
            self._update_buttons()
            return False
        finally:
            QApplication.restoreOverrideCursor()
        self._preview = df
        self.preview_model.set_frame(df)
        self._fit_preview_columns()
        shown = f"the first {len(df):,} rows" if len(df) >= PREVIEW_ROWS else f"all {len(df):,} rows"
        where = f"{Path(path).name}" + (f", sheet {self.sheet()!r}" if self.sheet() else "")
        self.preview_label.setText(f"{where}: {len(df.columns)} columns; showing {shown}.")
        self.preview_label.setStyleSheet("")
        self.mapping.set_columns(list(df.columns), guess_mapping(list(df.columns)), df)
        self._update_buttons()
        return True

    def _update_sizing(self) -> None:
        """Segments and potential follow the mapping, computed on the rows the preview read."""
        df = self._preview
        self.sizing.set_source(df, self.mapping.mapping(), df is None or len(df) < PREVIEW_ROWS)

    def _fit_preview_columns(self) -> None:
        """Each column as wide as its header (a CRM's "Billing State/Province" was cut to "ing State/Provi")
        or its widest shown cell, within 90-280 px so one long cell cannot push the rest out of view."""
        header = self.preview.horizontalHeader()
        fm = header.fontMetrics()
        for c in range(self.preview_model.columnCount()):
            title = str(self.preview_model.headerData(c, Qt.Orientation.Horizontal))
            want = max(fm.horizontalAdvance(title) + 24, self.preview.sizeHintForColumn(c))
            header.resizeSection(c, max(90, min(280, want)))

    def _fill_sheets(self, path: str) -> None:
        names = sheet_names(path) if path else []
        self.sheet_combo.clear()
        self.sheet_combo.addItems(names)
        self._files_form.setRowVisible(self._sheet_form_row, len(names) > 1)  # one sheet: no choice to make

    def sheet(self) -> str | None:
        """The chosen sheet of a workbook with several, else None (the first sheet, or a text file)."""
        return self.sheet_combo.currentText() or None if self.sheet_combo.count() > 1 else None

    def _sheet_chosen(self) -> None:
        self._preview = None  # same file, another sheet: read it again
        self.load_preview()

    # ----- navigation ------------------------------------------------------------------------------------
    def go_next(self) -> None:
        page = self.current_page()
        if page == FILES:
            if self.load_preview():
                self._show_page(MAPPING)
                self.mapping.combos["account_id"].setFocus()
        elif page == MAPPING:
            self.start_import()
        elif page == REPORT and self.result_import is not None:
            self.accept()

    def go_back(self) -> None:
        page = self.current_page()
        if page == MAPPING:
            self._show_page(FILES)
        elif page == REPORT:
            self.result_import = None
            self._show_page(MAPPING)

    # ----- the import ------------------------------------------------------------------------------------
    @property
    def importing(self) -> bool:
        return self.runner is not None and self.runner.running

    def start_import(self) -> None:
        errors, _ = self.mapping.issues()
        if errors or self.importing:
            return
        reps = self.reps_edit.text().strip() or None
        self.result_import = None
        self._set_outcome("")
        self.stage_label.setText("Starting…")
        self.progress.setValue(0)
        self._show_page(RUNNING)
        self.title_label.setText(f"Importing {Path(self._loaded_path).name}")
        runner = ImportRunner()
        runner.progress.connect(self._on_progress)
        runner.succeeded.connect(self._on_succeeded)
        runner.failed.connect(self._on_failed)
        runner.finished.connect(self._on_runner_finished)
        self.runner = runner
        import_fn = partial(self.import_fn, segment_rules=self.sizing.segment_rules(),
                            potential_model=self.sizing.potential_model())
        runner.start(self._loaded_path, reps, self.mapping.mapping(), import_fn, self.sheet())
        self._update_buttons()
        self.stop_button.setFocus()

    def cancel_import(self) -> None:
        """Stop the import: the worker is told to stop (it does at its next check, its result is dropped)
        and the dialog lets go of it at once, so the planner is never kept waiting."""
        runner = self.runner
        if runner is None:
            return
        runner.cancel()
        for signal, slot in ((runner.progress, self._on_progress), (runner.succeeded, self._on_succeeded),
                             (runner.failed, self._on_failed), (runner.finished, self._on_runner_finished)):
            signal.disconnect(slot)
        self.runner = None
        self._show_page(MAPPING)
        self._set_outcome("Import cancelled. Nothing was changed.", "font-weight: 600;")

    def _on_progress(self, fraction: float, stage: str) -> None:
        self.stage_label.setText(stage if stage.endswith("…") else f"{stage}…")
        self.progress.setValue(int(round(max(0.0, min(1.0, fraction)) * 1000)))

    def _on_succeeded(self, result: ImportResult) -> None:
        self.result_import = result
        self.report.show_result(result)
        self._show_page(REPORT)

    def _set_outcome(self, text: str, style: str = "") -> None:
        self.outcome_label.setText(text)
        self.outcome_label.setStyleSheet(style)
        self.outcome_label.setVisible(bool(text))

    def _on_failed(self, message: str) -> None:
        self._show_page(MAPPING)
        self._set_outcome(f"The import stopped: {message}", _ERROR_STYLE + " font-weight: 600;")

    def _on_runner_finished(self) -> None:
        self.runner = None
        self._update_buttons()

    # ----- report ----------------------------------------------------------------------------------------
    def _ask_save_path(self) -> str:
        base = Path(self._loaded_path)
        suggested = str(base.with_name(base.stem + " import report.csv"))
        path, _ = QFileDialog.getSaveFileName(self, "Save Import Report", suggested, "CSV files (*.csv)")
        return path

    def save_report(self) -> None:
        if self.result_import is None:
            return
        path = self._ask_save_path()
        if not path:
            return
        try:
            write_problems_csv(self.result_import.problems, path)
        except OSError as exc:
            QMessageBox.warning(self, "Save Import Report",
                                f"The report could not be saved to {path}: {exc.strerror or exc}.")

    # ----- closing ---------------------------------------------------------------------------------------
    def reject(self) -> None:
        """Cancel (or Esc, or the close box) stops a running import and closes at once."""
        self.cancel_import()
        self.result_import = None
        super().reject()


def _first_size(widget: QWidget) -> tuple[int, int]:
    """1000×680 at least (the mapping beside the segments panel), growing with the screen up to 1320×900: on a
    1600×1000 screen the fixed size left the problems table four rows tall and the preview's headers clipped."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return 1000, 680
    avail = screen.availableGeometry()
    return (max(1000, min(1320, int(avail.width() * 0.82))), max(680, min(900, int(avail.height() * 0.86))))
