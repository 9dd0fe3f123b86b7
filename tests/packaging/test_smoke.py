"""The install works end to end: `--smoke-test` imports the sample, saves, solves in the worker process and
paints the window, from source (every CI run) and from a frozen build (when one is pointed to)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from territory_desktop.smoke import PASSED

FROZEN_ENV = "TERRITORY_DESKTOP_FROZEN_EXE"


def _run(cmd: list[str], tmp_path: Path, timeout: float) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", TERRITORY_DESKTOP_DATA_DIR=str(tmp_path / "data"))
    return subprocess.run(cmd + ["--smoke-test", "--keep", str(tmp_path / "out")], capture_output=True,
                          text=True, timeout=timeout, env=env, cwd=tmp_path)


def _assert_passed(result: subprocess.CompletedProcess[str], tmp_path: Path) -> None:
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    lines = result.stdout.splitlines()
    assert PASSED in lines, output
    assert not [line for line in lines if line.startswith("FAILED")], output
    # what the checks claim to have written is really there
    assert (tmp_path / "out" / "smoke.territory").stat().st_size > 0
    assert (tmp_path / "out" / "window.png").read_bytes()[:4] == b"\x89PNG"


def test_smoke_test_passes_from_source(tmp_path: Path) -> None:
    result = _run([sys.executable, "-m", "territory_desktop"], tmp_path, timeout=90)
    _assert_passed(result, tmp_path)


def test_smoke_test_fails_with_the_check_named_when_the_sample_is_missing(tmp_path: Path) -> None:
    code = ("import sys; import territory_desktop.io.sample.generate as s; "
            "s.bundled_sample_paths = lambda: (_ for _ in ()).throw(FileNotFoundError('sample gone')); "
            "from territory_desktop.smoke import main; sys.exit(main(sys.argv[1:]))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                            env=dict(os.environ, QT_QPA_PLATFORM="offscreen"), cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "FAILED bundled sample imports: FileNotFoundError: sample gone" in result.stdout
    assert PASSED not in result.stdout


@pytest.mark.skipif(not os.environ.get(FROZEN_ENV),
                    reason=f"no frozen build: set {FROZEN_ENV} to dist/territory-desktop/territory-desktop")
def test_frozen_executable_passes_its_smoke_test(tmp_path: Path) -> None:
    exe = Path(os.environ[FROZEN_ENV])
    assert exe.is_file(), f"{FROZEN_ENV}={exe} is not a file"
    result = _run([str(exe)], tmp_path, timeout=180)
    _assert_passed(result, tmp_path)
    assert "(frozen," in result.stdout, result.stdout
