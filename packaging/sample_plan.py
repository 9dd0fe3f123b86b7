"""The bundled sample saved as a plan at build time, so the frozen app opens it instead of importing its CSV.

A start without a file shows the sample. Importing its 5,000-row CSV (reading, geocoding, scoring) took
~2 s of every such start; the saved plan opens in ~0.1 s. The build runs the app's own `import` command
on the shipped CSVs, the very import `ui/shell/startup.sample_document` falls back to, so both give the
same plan (tests/packaging checks). Standard library only: the spec imports it from its own folder.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

FILE_NAME = "sample.territory"
"""What `territory_desktop.ui.shell.startup.SAMPLE_PLAN` looks for next to the sample's CSV."""


def make_sample_plan(python: str, sample_dir: Path, out_dir: Path, repo: Path) -> Path:
    """Import `sample_dir`'s accounts.csv and reps.csv with the app's `import` command (run by `python` from
    the checkout `repo`) and save the plan as `out_dir/sample.territory`; returns its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / FILE_NAME
    out.unlink(missing_ok=True)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    cmd = [python, "-m", "territory_desktop", "import", str(sample_dir / "accounts.csv"),
           "--reps", str(sample_dir / "reps.csv"), "-o", str(out)]
    done = subprocess.run(cmd, cwd=repo, env=env, capture_output=True, text=True, timeout=600)
    if done.returncode != 0 or not out.is_file():
        raise RuntimeError(f"the sample plan could not be made ({done.returncode}): {done.stderr.strip()[-500:]}")
    return out
