"""Build the one-folder frozen app with PyInstaller, then (unless told not to) run its --smoke-test.

    python packaging/build.py [DIST_DIR] [--work-dir DIR] [--no-smoke] [--console]

Wraps `pyinstaller packaging/territory_desktop.spec` so every OS builds the same way into a folder chosen on
the command line (default ./dist), and reports what a release manager wants to know: build time, bundle size
and whether the frozen executable passes its smoke test (which also starts the solver worker process).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "packaging" / "territory_desktop.spec"
NAME = "territory-desktop"


def executable_in(dist: Path) -> Path:
    """The frozen executable inside a one-folder build (Windows adds .exe; macOS also builds an .app)."""
    suffix = ".exe" if sys.platform == "win32" else ""
    return dist / NAME / f"{NAME}{suffix}"


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def build(dist: Path, work: Path, console: bool = False) -> float:
    """Run PyInstaller on the spec; return the seconds it took. Raises SystemExit with its exit code on failure."""
    env = dict(os.environ)
    if console:
        env["TERRITORY_CONSOLE"] = "1"
    cmd = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
           "--distpath", str(dist), "--workpath", str(work), str(SPEC)]
    print("$", " ".join(cmd), flush=True)
    t0 = time.perf_counter()
    code = subprocess.call(cmd, cwd=ROOT, env=env)
    if code != 0:
        raise SystemExit(f"PyInstaller failed with exit code {code}")
    return time.perf_counter() - t0


def smoke(exe: Path, timeout: float = 180.0) -> int:
    """Run the frozen app's smoke test headless; its output goes straight to this console."""
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    print("$", exe, "--smoke-test", flush=True)
    try:
        return subprocess.call([str(exe), "--smoke-test"], env=env, timeout=timeout)
    except subprocess.TimeoutExpired:
        print(f"smoke test did not finish within {timeout:.0f} s", flush=True)
        return 1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dist", nargs="?", type=Path, default=Path("dist"), help="output folder (default ./dist)")
    ap.add_argument("--work-dir", type=Path, default=None,
                    help="PyInstaller's scratch folder (default: build/pyinstaller next to DIST_DIR)")
    ap.add_argument("--no-smoke", action="store_true", help="do not run the frozen app's --smoke-test")
    ap.add_argument("--console", action="store_true",
                    help="Windows: build a console executable (so --smoke-test output shows, for CI)")
    ns = ap.parse_args(argv)
    if shutil.which("pyinstaller") is None and not (Path(sys.executable).parent / "pyinstaller").exists():
        try:
            import PyInstaller  # noqa: F401
        except ImportError:
            raise SystemExit("PyInstaller is not installed: pip install -e .[packaging]") from None
    dist = ns.dist.resolve()
    work = (ns.work_dir or dist.parent / "build" / "pyinstaller").resolve()
    seconds = build(dist, work, ns.console)
    exe = executable_in(dist)
    if not exe.exists():
        raise SystemExit(f"PyInstaller finished but {exe} is missing")
    size = folder_size(exe.parent)
    print(f"built {exe} in {seconds:.0f} s; folder {size / 1e6:.0f} MB", flush=True)
    if ns.no_smoke:
        return 0
    t0 = time.perf_counter()
    code = smoke(exe)
    print(f"frozen smoke test exit code {code} after {time.perf_counter() - t0:.1f} s", flush=True)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
