"""The import dialog on messy and broken files: preview, mapping, off-thread import, cancel, report, accept."""

from __future__ import annotations

import csv

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from territory_desktop.io.importing.importer import ImportFailed
from territory_desktop.ui.importing.dialog import FILES, MAPPING, REPORT, RUNNING, ImportDialog
from territory_desktop.ui.importing.report import ERRORS, WARNINGS

MESSY = (
    "Account ID;Account Name;Billing City;Billing State;Billing Zip;Annual Revenue;Wallet Est.;Account Owner;Segment\n"
    "A-001;Acme Corp;Boston;MA;02134;1200000;900000;Alice;Enterprise\n"
    "A-002;Bolt Inc;Chicago;IL;60601;350000;410000;Bob;SMB\n"
    "A-002;Bolt Again;Chicago;IL;60601;1;1;Bob;SMB\n"          # row 4: duplicate id -> rejected
    "A-003;Crane LLC;Denver;CO;80202;120000;12O000;Alice;Mid-Market\n"  # row 5: letter O -> not a number
    "A-004;Nowhere Ltd;Qwxzyville;;;50000;50000;Bob;SMB\n"  # row 6: no place can be found
    "A-005;Delta Co;Seattle;WA;98101;75000;80000;Alice;SMB\n"
)


@pytest.fixture
def messy(tmp_path):
    path = tmp_path / "crm export.csv"
    path.write_text(MESSY, encoding="utf-8")
    return path


def _dialog(qtbot, path=None, **kw) -> ImportDialog:
    d = ImportDialog(str(path) if path else None, **kw)
    qtbot.addWidget(d)
    d.show()
    return d


def _click(qtbot, button) -> None:
    assert button.isEnabled() and button.isVisible(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _choose(combo, text: str) -> None:
    """Pick an entry of a combo box as the planner would (keyboard-select the matching item)."""
    combo.setFocus()
    combo.setCurrentIndex(combo.findText(text))


def _shown_problems(d: ImportDialog) -> list[tuple[int | None, str | None, str]]:
    m = d.report.model
    return [(m.problem(r).row, m.problem(r).column, m.problem(r).severity) for r in range(m.rowCount())]


def test_messy_csv_mapping_change_report_and_accept(qtbot, messy, tmp_path, monkeypatch):
    d = _dialog(qtbot, messy)
    assert d.preview_model.rowCount() == 6 and d.preview_model.columnCount() == 9
    _click(qtbot, d.next_button)
    assert d.current_page() == MAPPING
    # company revenue is size, not potential: the wallet column is the potential guess
    assert d.mapping.combos["revenue"].currentText() == "Annual Revenue"
    assert d.mapping.combos["potential"].currentText() == "Wallet Est."
    _choose(d.mapping.combos["potential"], "Annual Revenue")  # a planner's wrong choice...
    _choose(d.mapping.combos["potential"], "Wallet Est.")  # ...corrected
    assert d.mapping.mark_of("potential") == "set"
    _click(qtbot, d.next_button)  # Import
    qtbot.waitUntil(lambda: d.current_page() == REPORT, timeout=15_000)

    shown = _shown_problems(d)
    assert shown[:2] == [(4, "Account ID", "error"), (5, "Wallet Est.", "warning")]
    assert [(row, sev) for row, _, sev in shown[2:]] == [(6, "warning")]
    assert "cannot place" in d.report.model.problem(2).reason
    d.report.set_filter(ERRORS)
    assert _shown_problems(d) == [(4, "Account ID", "error")]
    d.report.set_filter(WARNINGS)
    assert [p[0] for p in _shown_problems(d)] == [5, 6]
    stats = [w.text() for w in d.report.findChildren(type(d.report.note), "statValue")]
    assert stats[:3] == ["6", "5", "1"]  # rows read, kept, rejected

    report_csv = tmp_path / "report.csv"
    monkeypatch.setattr(d, "_ask_save_path", lambda: str(report_csv))
    _click(qtbot, d.report.save_button)
    with report_csv.open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["row"], r["severity"]) for r in rows] == [("4", "error"), ("5", "warning"), ("6", "warning")]

    _click(qtbot, d.next_button)  # Open Plan
    assert d.result() == QDialog.DialogCode.Accepted
    plan = d.result_import.plan
    assert list(plan.ids) == ["A-001", "A-002", "A-003", "A-004", "A-005"]
    acc = plan.accounts.set_index("account_id")
    assert acc.loc["A-001", "potential"] == 900000  # from Wallet Est., not Annual Revenue
    assert np.isnan(acc.loc["A-003", "potential"]) or acc.loc["A-003", "potential"] == 0
    assert acc.loc["A-002", "name"] == "Bolt Inc"  # the first of the duplicates is kept
    assert not np.isfinite(plan.lat[plan.rows_of(["A-004"])]).any()
    assert {t.name for t in plan.territories} >= {"Alice", "Bob"}


def test_missing_required_columns_block_the_import(qtbot, messy):
    d = _dialog(qtbot, messy)
    _click(qtbot, d.next_button)
    _choose(d.mapping.combos["account_id"], "— not in file —")
    assert d.next_button.isEnabled()  # the name can stand in for the id, with a warning
    assert "name is used as the ID" in d.mapping_note.text()
    _choose(d.mapping.combos["name"], "— not in file —")
    assert not d.next_button.isEnabled() and "account ID or the account name" in d.mapping_note.text()
    _choose(d.mapping.combos["name"], "Account ID")
    _choose(d.mapping.combos["city"], "Account ID")
    assert not d.next_button.isEnabled() and "chosen for both" in d.mapping_note.text()


@pytest.mark.parametrize("content, expected", [
    (b"\x00\x01\x02\x03garbage\x00" * 50, "not a text table"),
    (b"PK\x03\x04 this is not really a workbook", "not a readable Excel workbook"),
    (b"", "empty"),
])
def test_unreadable_file_shows_the_reason_not_a_traceback(qtbot, tmp_path, content, expected):
    path = tmp_path / ("accounts.xlsx" if content.startswith(b"PK") else "accounts.csv")
    path.write_bytes(content)
    d = _dialog(qtbot, path)
    assert expected in d.preview_label.text() and path.name in d.preview_label.text()
    _click(qtbot, d.next_button)
    assert d.current_page() == FILES  # stays on the files page with the message


def test_failure_during_import_is_reported_on_the_mapping_page(qtbot, messy):
    def failing(*_a, **_k):
        raise ImportFailed("crm export.csv: the disk went away")

    d = _dialog(qtbot, messy, import_fn=failing)
    _click(qtbot, d.next_button)
    _click(qtbot, d.next_button)
    qtbot.waitUntil(lambda: not d.importing and d.current_page() == MAPPING, timeout=5000)
    assert "the disk went away" in d.outcome_label.text() and d.result_import is None


def test_unexpected_error_becomes_a_message(qtbot, messy):
    def buggy(*_a, **_k):
        raise KeyError("oops")

    d = _dialog(qtbot, messy, import_fn=buggy)
    _click(qtbot, d.next_button)
    _click(qtbot, d.next_button)
    qtbot.waitUntil(lambda: not d.importing and d.current_page() == MAPPING, timeout=5000)
    assert "unexpected problem" in d.outcome_label.text() and "Traceback" not in d.outcome_label.text()


def _big_csv(path, n: int) -> None:
    zips = np.array(["02134", "60601", "80202", "98101", "10001", "94105"])
    rng = np.random.default_rng(1)
    ids = np.char.add("A", np.arange(n).astype(str))
    lines = ["Account ID,Account Name,Zip,Potential,Owner"]
    lines += [f"{i},Company {i},{z},{p},Rep {k}" for i, z, p, k in
              zip(ids, zips[rng.integers(0, 6, n)], rng.integers(1000, 10**6, n), rng.integers(0, 20, n),
                  strict=True)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _start_big_import(qtbot, d: ImportDialog):
    """Import, and return the runner with a record of its stages and outcome once it has started."""
    _click(qtbot, d.next_button)
    seen: dict[str, list] = {"stages": [], "outcome": []}
    with qtbot.waitSignal(d.pages.currentChanged, timeout=5000):
        _click(qtbot, d.next_button)  # Import
    runner = d.runner
    runner.progress.connect(lambda _f, stage: seen["stages"].append(stage))
    runner.succeeded.connect(lambda _r: seen["outcome"].append("succeeded"))
    runner.cancelled.connect(lambda: seen["outcome"].append("cancelled"))
    return runner, seen


def test_cancel_during_a_big_import_really_stops(qtbot, tmp_path):
    path = tmp_path / "big.csv"
    _big_csv(path, 80_000)
    d = _dialog(qtbot, path)
    runner, seen = _start_big_import(qtbot, d)
    assert d.current_page() == RUNNING and runner.running
    _click(qtbot, d.stop_button)
    # the planner is not kept waiting: back on the mapping page at once, nothing imported
    assert d.current_page() == MAPPING and "cancelled" in d.outcome_label.text()
    assert d.result_import is None and d.next_button.isEnabled()
    _click(qtbot, d.next_button)  # and may start again straight away, while the old worker winds down
    # the old worker really stops: it ends by cancelling, without reaching the end of the import
    with qtbot.waitSignal(runner.finished, timeout=20_000):
        pass
    assert seen["outcome"] == ["cancelled"] and "Done" not in seen["stages"]
    qtbot.waitUntil(lambda: d.current_page() == REPORT, timeout=30_000)
    assert d.result_import.plan.n_accounts == 80_000


def test_closing_during_import_stops_it(qtbot, tmp_path):
    path = tmp_path / "big.csv"
    _big_csv(path, 40_000)
    d = _dialog(qtbot, path)
    runner, seen = _start_big_import(qtbot, d)
    qtbot.keyClick(d, Qt.Key.Key_Escape)
    assert not d.isVisible() and d.result() == QDialog.DialogCode.Rejected
    with qtbot.waitSignal(runner.finished, timeout=20_000):
        pass
    assert seen["outcome"] == ["cancelled"] and d.result_import is None


def test_workbook_sheet_can_be_chosen(qtbot, tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "Notes"
    notes.append(["Exported from the CRM on Monday"])
    accounts = wb.create_sheet("Accounts")
    accounts.append(["Account ID", "Account Name", "Zip", "Potential"])
    for i in range(5):
        accounts.append([f"X{i}", f"Firm {i}", "02134", 1000 * (i + 1)])
    path = tmp_path / "export.xlsx"
    wb.save(path)

    d = _dialog(qtbot, path)
    assert d.sheet_combo.isVisibleTo(d) and d.sheet() == "Notes"
    d.sheet_combo.setCurrentIndex(d.sheet_combo.findText("Accounts"))
    d.sheet_combo.activated.emit(d.sheet_combo.currentIndex())
    assert d.preview_model.rowCount() == 5 and "sheet 'Accounts'" in d.preview_label.text()
    _click(qtbot, d.next_button)
    _click(qtbot, d.next_button)
    qtbot.waitUntil(lambda: d.current_page() == REPORT, timeout=15_000)
    assert list(d.result_import.plan.ids) == [f"X{i}" for i in range(5)]
