"""The window unpickles the worker's messages: importing them must not drag OR-Tools into the window."""

from __future__ import annotations

import subprocess
import sys


def test_solver_messages_import_without_ortools():
    code = ("import sys, territory_desktop.solver.copilot.messages, territory_desktop.solver.copilot.suggestions; "
            "print(any(m.startswith('ortools') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "False", out.stderr
