"""What makes the installed app start fast: the window's path skips the CLI, the frozen app keeps
matplotlib's font list between starts, and the sample opens as the plan the build saved from its CSV."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from territory_desktop import app
from territory_desktop.io.importing.importer import import_plan
from territory_desktop.io.sample.generate import bundled_sample_paths
from territory_desktop.ui.shell import smoke, startup
from tests.packaging.conftest import ROOT, packaging_module

sample_plan = packaging_module("sample_plan.py")


def test_opening_a_file_does_not_import_the_cli(tmp_path: Path) -> None:
    """`territory-desktop plan.territory` goes to the window without loading the headless commands."""
    code = ("import sys; import territory_desktop.ui.shell.startup as s\n"
            "s.run_gui = lambda args: print('window', args) or 0\n"
            "from territory_desktop.app import main\n"
            "code = main(['plan.territory'])\n"
            "print(sorted(m for m in sys.modules if m.startswith('territory_desktop.cli')))\n"
            "sys.exit(code)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=tmp_path,
                          env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["window ['plan.territory']", "[]"]


def test_commands_still_reach_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert app.main(["info", str(tmp_path / "missing.territory")]) == 2
    assert "missing.territory" in capsys.readouterr().err
    with pytest.raises(SystemExit) as done:
        app.main(["--help"])
    assert done.value.code == 0
    assert "screenshot" in capsys.readouterr().out  # the CLI's own help, which names the window commands


@pytest.mark.parametrize(("arg", "command"), [("info", True), ("solve-points", True), ("--help", True),
                                              ("plan.territory", False), ("CRM export.xlsx", False),
                                              ("./q3/accounts.csv", False)])
def test_a_file_name_is_never_taken_for_a_command(arg: str, command: bool) -> None:
    assert app._may_be_command(arg) is command


def test_the_frozen_app_keeps_matplotlib_font_list_between_starts(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MPLCONFIGDIR", "/tmp/_MEIxxxx-new-every-start")
    monkeypatch.setenv("TERRITORY_DESKTOP_DATA_DIR", str(tmp_path))
    app._keep_font_cache()  # from source: matplotlib's own default stays
    assert os.environ["MPLCONFIGDIR"] == "/tmp/_MEIxxxx-new-every-start"
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    app._keep_font_cache()
    assert os.environ["MPLCONFIGDIR"] == str(tmp_path / "cache" / "matplotlib")
    monkeypatch.delenv("TERRITORY_DESKTOP_DATA_DIR")
    app._keep_font_cache()
    cache = Path(os.environ["MPLCONFIGDIR"])  # the user's cache folder (~/.cache/TerritoryDesktop on Linux)
    assert cache.name == "matplotlib" and "TerritoryDesktop" in cache.parts


@pytest.fixture(scope="module")
def shipped_sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample folder as a bundle ships it: the CSVs and the plan the build saves from them."""
    folder = tmp_path_factory.mktemp("bundle") / "sample"
    accounts, reps = bundled_sample_paths()
    folder.mkdir()
    shutil.copy2(accounts, folder / accounts.name)
    shutil.copy2(reps, folder / reps.name)
    made = sample_plan.make_sample_plan(sys.executable, folder, folder, ROOT)
    assert made == folder / startup.SAMPLE_PLAN
    return folder


def test_the_sample_opens_as_the_saved_plan_the_build_made(shipped_sample: Path, qapp: object,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    accounts, reps = shipped_sample / "accounts.csv", shipped_sample / "reps.csv"
    monkeypatch.setattr(startup, "bundled_sample_paths", lambda: (accounts, reps))
    calls: list[object] = []
    monkeypatch.setattr(startup, "import_plan", lambda *a, **k: calls.append(a) or import_plan(*a, **k))
    doc = startup.sample_document()
    assert calls == []  # opened, not imported
    assert doc.path is None and doc.untitled_name == "Sample plan" and doc.source_path == accounts
    assert doc.note == f"Sample plan: {doc.plan.n_accounts:,} accounts in 25 territories."
    assert smoke._same_plan(doc.plan, import_plan(accounts, reps).plan)  # the very plan the CSV gives


def test_a_damaged_saved_sample_falls_back_to_the_csv(shipped_sample: Path, tmp_path: Path, qapp: object,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "sample"
    shutil.copytree(shipped_sample, folder)
    (folder / startup.SAMPLE_PLAN).write_bytes(b"SQLite format 3\0" + b"\0" * 100)
    monkeypatch.setattr(startup, "bundled_sample_paths", lambda: (folder / "accounts.csv", folder / "reps.csv"))
    doc = startup.sample_document()
    assert doc.note.startswith("Imported 5,000 accounts") and doc.untitled_name == "Sample plan"
    assert doc.plan.n_accounts == 5000


def test_cycle_collection_is_back_on_once_the_window_is_up(tmp_path: Path, shipped_sample: Path) -> None:
    """The start runs without the cycle collector (app.py); the window, once drawn, runs with it again."""
    code = ("import gc, sys; from territory_desktop.app import main\n"
            f"code = main(['screenshot', {str(shipped_sample / startup.SAMPLE_PLAN)!r}, '-o', 'w.png', "
            "'--no-copilot', '--size', '800x600'])\n"
            "print('collector on' if gc.isenabled() else 'collector off', gc.get_freeze_count() > 0)\n"
            "sys.exit(code)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=tmp_path,
                          env=dict(os.environ, QT_QPA_PLATFORM="offscreen",
                                   TERRITORY_DESKTOP_DATA_DIR=str(tmp_path / "data")))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "collector on True"
    assert (tmp_path / "w.png").read_bytes()[:4] == b"\x89PNG"
