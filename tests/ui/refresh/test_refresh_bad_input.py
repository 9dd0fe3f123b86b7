"""Bad exports in the refresh dialog: a sentence naming the file (and column), never a traceback, Apply off and
the plan untouched; an export whose ids match nothing is probably the wrong file and is warned about."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt

from territory_desktop.ui.refresh.dialog import RefreshDialog
from tests.ui.refresh.conftest import routed_book, write_newer_export
from tests.ui.window_driver import make_window


def _read(qtbot, w, export: Path) -> RefreshDialog:
    dlg = RefreshDialog(w, export)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitUntil(lambda: dlg.prepared is not None or bool(dlg.problem), timeout=10_000)
    return dlg


def _rewrite(src: Path, dst: Path, old: str, new: str) -> Path:
    dst.write_text(src.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    return dst


def test_an_export_without_an_id_column_is_refused_naming_the_file_and_column(qtbot, tmp_path):
    w = make_window(qtbot, tmp_path, routed_book())
    ids, version = w.plan.accounts["account_id"].tolist(), w.plan.version
    good = write_newer_export(tmp_path)
    lines = good.read_text(encoding="utf-8").splitlines()
    no_id = tmp_path / "no_ids.csv"
    no_id.write_text("\n".join(line.split(",", 1)[1] for line in lines) + "\n", encoding="utf-8")
    dlg = _read(qtbot, w, no_id)
    assert dlg.problem.startswith("no_ids.csv has no account id column (the account name column 'Account Name'")
    assert "Account ID" in dlg.problem and dlg.status.text().endswith("The plan is unchanged.")
    assert not dlg.apply_button.isEnabled() and not dlg.apply()
    assert w.plan.accounts["account_id"].tolist() == ids and w.plan.version == version


def test_unreadable_and_missing_files_get_a_sentence(qtbot, tmp_path):
    w = make_window(qtbot, tmp_path, routed_book())
    version = w.plan.version
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"this is not a workbook at all\x00\x01")
    dlg = _read(qtbot, w, broken)
    assert "broken.xlsx" in dlg.problem and "Traceback" not in dlg.problem
    assert not dlg.apply_button.isEnabled()
    dlg.export_edit.setText(str(tmp_path / "gone.csv"))
    dlg.read()
    qtbot.waitUntil(lambda: "gone.csv" in dlg.problem, timeout=5000)
    assert dlg.problem == f"The export gone.csv does not exist (looked in {tmp_path})."
    dlg.export_edit.setText(str(write_newer_export(tmp_path)))
    dlg.reps_edit.setText(str(tmp_path / "no_reps.csv"))
    dlg.read()
    qtbot.waitUntil(lambda: "no_reps.csv" in dlg.problem, timeout=5000)
    assert dlg.problem.startswith("The reps file no_reps.csv does not exist")
    assert w.plan.version == version


def test_rejected_rows_of_the_export_are_named_before_apply(qtbot, tmp_path):
    w = make_window(qtbot, tmp_path, routed_book())
    dup = _rewrite(write_newer_export(tmp_path), tmp_path / "dup.csv", "R-031,", "R-030,")
    dlg = _read(qtbot, w, dup)
    assert dlg.problem == "" and dlg.notes.isVisible()
    assert dlg.notes.text().startswith("1 row of dup.csv was rejected and is not taken in (e.g. row 20, "
                                       "column 'Account ID': duplicate account id 'R-030'")
    assert "counts as gone" in dlg.notes.text()


def test_an_export_matching_no_id_warns_and_asks_before_removing_every_account(qtbot, tmp_path):
    w = make_window(qtbot, tmp_path, routed_book())
    before = w.plan.assignment.copy()
    other = _rewrite(write_newer_export(tmp_path), tmp_path / "other_crm.csv", "R-0", "SF-0")
    dlg = _read(qtbot, w, other)
    assert dlg.prepared is not None and dlg.prepared.matched == 0
    assert dlg.warning.isVisible()
    assert "None of the 20 accounts of other_crm.csv has an id that is in this plan" in dlg.warning.text()
    assert "would remove all 19 accounts" in dlg.warning.text()
    asked: list[str] = []
    dlg.confirm = lambda title, text: asked.append(text) or False
    qtbot.mouseClick(dlg.apply_button, Qt.MouseButton.LeftButton)
    assert asked and "removes all 19 accounts and adds 20 new ones" in asked[0]
    assert dlg.isVisible() and np.array_equal(w.plan.assignment, before)  # said no: nothing changed
    dlg.confirm = lambda title, text: True
    assert dlg.apply()
    assert w.plan.n_accounts == 20 and w.plan.accounts["account_id"].str.startswith("SF-").all()


def test_blank_lines_and_a_report_footer_are_not_called_rejected_rows(qtbot, tmp_path):
    w = make_window(qtbot, tmp_path, routed_book())
    export = write_newer_export(tmp_path)
    export.write_text(export.read_text(encoding="utf-8") + '\n\n"Grand Totals (20 records)"\n'
                      '"Copyright (c) 2000-2024 salesforce.com, inc. All rights reserved."\n', encoding="utf-8")
    dlg = _read(qtbot, w, export)
    assert dlg.problem == "" and dlg.prepared is not None
    assert "rejected" not in dlg.notes.text() and "counts as gone" not in dlg.notes.text()
