"""The README's two set-up commands: one line each, self-contained (they make and use their own .venv, so a
stock system Python that refuses a global pip install runs them), and the very lines .ci/run executes."""

from __future__ import annotations

import re
import subprocess

from tests.packaging.conftest import ROOT

README = ROOT / "README.md"


def _setup_section() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("## Set up\n")
    end = text.index("\n## ", start + 1)
    return text[start:end]


def _bash_blocks() -> list[str]:
    return re.findall(r"```bash\n(.*?)```", _setup_section(), flags=re.DOTALL)


def test_two_one_line_commands_that_make_and_use_their_own_venv() -> None:
    blocks = _bash_blocks()
    assert len(blocks) == 2
    app, tests = (b.strip() for b in blocks)
    for command in (app, tests):
        assert "\n" not in command
        steps = [s.strip() for s in command.split("&&")]
        assert steps[0] == "python3 -m venv .venv"
        for step in steps[1:]:
            assert step.startswith(".venv/bin/"), f"{step!r} would run outside the .venv"
    assert app.endswith(".venv/bin/territory-desktop")
    assert '.venv/bin/python -m pip install -e ".[test]"' in tests and tests.endswith(".venv/bin/python -m pytest")


def test_ci_runs_exactly_the_readme_lines() -> None:
    """.ci/run's own extraction, run here, yields the README's two commands in order."""
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    (definition,) = [line for line in ci.splitlines() if line.startswith("readme_commands()")]
    done = subprocess.run(["bash", "-c", f"{definition}\nreadme_commands"], cwd=ROOT, capture_output=True,
                          text=True, check=True)
    assert done.stdout.splitlines() == [b.strip() for b in _bash_blocks()]
    assert 'bash -c "$TEST_CMD"' in ci and 'bash -c "$APP_CMD --smoke-test"' in ci and 'bash -c "$APP_CMD"' in ci
