"""Build the one-folder frozen app with PyInstaller, slim it, package it, and run its --smoke-test.

    python packaging/build.py [DIST_DIR] [--work-dir DIR] [--no-smoke] [--console] [--tar] [--deb] [--nsis]
                              [--dmg] [--start-time]

Wraps `pyinstaller packaging/territory_desktop.spec` so every OS builds the same way into a folder chosen on
the command line (default ./dist), then reports what a release manager wants to know, as the table in
packaging/README.md: build time, bundle size unpacked and compressed, the ten biggest items, the installers'
sizes, the frozen smoke test's time and the start to a painted window. `--tar` and `--deb` (Linux) write
`territory-desktop-<version>-linux-<arch>.tar.gz` and the `.deb` next to the folder, `--nsis` the Windows
installer (makensis, on Windows or Linux), `--dmg` the macOS disk image. The numbers also go to
`DIST_DIR/build-report.json`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "packaging" / "territory_desktop.spec"
NAME = "territory-desktop"
sys.path.insert(0, str(ROOT / "packaging"))

import elf  # noqa: E402  (packaging/elf.py)
import icu_data  # noqa: E402  (packaging/icu_data.py)


def version() -> str:
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def executable_in(dist: Path) -> Path:
    """The frozen executable inside a one-folder build (Windows adds .exe; macOS also builds an .app)."""
    suffix = ".exe" if sys.platform == "win32" else ""
    return dist / NAME / f"{NAME}{suffix}"


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def biggest_items(folder: Path, n: int = 10) -> list[tuple[str, int, str]]:
    """The `n` biggest entries of the bundle's `_internal` folder (a package folder counts whole), each with
    its biggest file: (name, bytes, biggest file and its MB)."""
    inner = folder / "_internal" if (folder / "_internal").is_dir() else folder
    items = []
    for entry in inner.iterdir():
        if entry.is_symlink():
            continue
        files = [entry] if entry.is_file() else [p for p in entry.rglob("*") if p.is_file() and not p.is_symlink()]
        if not files:
            continue
        top = max(files, key=lambda p: p.stat().st_size)
        size = sum(p.stat().st_size for p in files)
        biggest = "" if top == entry else f"{top.relative_to(inner)} {top.stat().st_size / 1e6:.1f} MB"
        items.append((entry.name, size, biggest))
    return sorted(items, key=lambda item: -item[1])[:n]


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


def strip_symbols(folder: Path, exe: Path) -> int:
    """`strip --strip-all` every ELF library that carries debug info or a static symbol table (libortools'
    is 6 MB, pyenv's libpython's debug info 16 MB; ~55 MB in all); returns the bytes saved.

    Each file is stripped to a copy that replaces it only when its segments are still aligned
    (`elf.loads_aligned`): stripping a wheel's patchelf-repaired library (OpenBLAS, libgfortran) breaks its
    program headers, and those are kept as they are. The executable is never stripped: PyInstaller appends
    the app's archive to it."""
    strip = shutil.which("strip")
    if strip is None or not sys.platform.startswith("linux"):
        return 0
    saved = 0
    for path in folder.rglob("*"):
        if path.is_symlink() or not path.is_file() or path == exe or not elf.is_elf(path):
            continue
        if not elf.strippable(path) or not elf.loads_aligned(path):
            continue
        before, mode = path.stat().st_size, path.stat().st_mode
        copy = path.with_name(path.name + ".stripped")
        if subprocess.call([strip, "--strip-all", "-o", str(copy), str(path)]) == 0 and elf.loads_aligned(copy):
            os.chmod(copy, mode)
            os.replace(copy, path)
            saved += before - path.stat().st_size
        else:
            copy.unlink(missing_ok=True)
    return saved


def write_tar(folder: Path, out: Path) -> Path:
    """`folder` as a .tar.gz whose one top folder is the app (unpack anywhere, run territory-desktop)."""
    with tarfile.open(out, "w:gz", compresslevel=6) as tar:
        tar.add(folder, arcname=folder.name)
    return out


def build_nsis(folder: Path, out: Path, app_version: str) -> Path:
    """The Windows installer from the one-folder build (packaging/windows/territory-desktop.nsi)."""
    makensis = shutil.which("makensis")
    if makensis is None:
        raise SystemExit("makensis is not installed (NSIS 3: choco install nsis, or apt-get install nsis)")
    cmd = [makensis, "-V2", f"-DVERSION={app_version}", f"-DSOURCE_DIR={folder.resolve()}",
           f"-DOUTFILE={out.resolve()}", str(ROOT / "packaging" / "windows" / "territory-desktop.nsi")]
    subprocess.run(cmd, check=True)
    return out


def build_dmg(dist: Path, out: Path) -> Path:
    """The macOS disk image of `Territory Desktop.app` (packaging/macos/make_dmg.sh, hdiutil)."""
    app = dist / "Territory Desktop.app"
    subprocess.run(["bash", str(ROOT / "packaging" / "macos" / "make_dmg.sh"), str(app), str(out)], check=True)
    return out


def smoke(exe: Path, timeout: float = 300.0) -> tuple[int, float]:
    """Run the frozen app's smoke test headless; its output goes straight to this console."""
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    print("$", exe, "--smoke-test", flush=True)
    t0 = time.perf_counter()
    try:
        code = subprocess.call([str(exe), "--smoke-test"], env=env, timeout=timeout)
    except subprocess.TimeoutExpired:
        print(f"smoke test did not finish within {timeout:.0f} s", flush=True)
        code = 1
    return code, time.perf_counter() - t0


def start_to_window(exe: Path, runs: int = 5, plan: Path | None = None) -> float:
    """Median seconds from starting the app to its main window painted and saved (`screenshot
    --no-copilot`: the same start-up as the window, on the sample or `plan`, then one grab)."""
    times = []
    with tempfile.TemporaryDirectory(prefix="territory-start-") as tmp:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", TERRITORY_DESKTOP_DATA_DIR=str(Path(tmp) / "data"))
        for i in range(runs):
            cmd = [str(exe), "screenshot", *([str(plan)] if plan else []), "-o", str(Path(tmp) / f"{i}.png"),
                   "--no-copilot", "--size", "1280x800"]
            t0 = time.perf_counter()
            subprocess.run(cmd, env=env, check=True, capture_output=True, timeout=120)
            times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _mb(n: float) -> str:
    return f"{n / 1e6:.0f} MB"


def report_table(r: dict) -> str:
    rows = [("PyInstaller build", f"{r['build_s']:.0f} s"),
            ("one-folder size (unpacked)", f"{_mb(r['folder_bytes'])} (symbols stripped: "
                                           f"{_mb(r['stripped_bytes'])} saved; ICU data slimmed: "
                                           f"{_mb(r.get('icu_saved_bytes', 0))} saved)")]
    if "tar_bytes" in r:
        rows.append((f"`{r['tar']}`", f"{_mb(r['tar_bytes'])} ({r['tar_s']:.0f} s)"))
    for key in ("deb", "nsis", "dmg"):
        if f"{key}_bytes" in r:
            rows.append((f"`{r[key]}`", f"{_mb(r[f'{key}_bytes'])} ({r[f'{key}_s']:.0f} s)"))
    if "smoke_s" in r:
        rows.append(("frozen `--smoke-test`", f"{r['smoke_s']:.1f} s, exit {r['smoke_code']}"))
    if "start_s" in r:
        rows.append(("start to window painted (sample, median of 5)", f"{r['start_s']:.2f} s"))
    lines = ["| measure | value |", "|---|---|", *[f"| {a} | {b} |" for a, b in rows], "",
             "| ten biggest items | size | biggest file |", "|---|---|---|",
             *[f"| {name} | {_mb(size)} | {top} |" for name, size, top in r["biggest"]]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dist", nargs="?", type=Path, default=Path("dist"), help="output folder (default ./dist)")
    ap.add_argument("--work-dir", type=Path, default=None,
                    help="PyInstaller's scratch folder (default: build/pyinstaller next to DIST_DIR)")
    ap.add_argument("--no-smoke", action="store_true", help="do not run the frozen app's --smoke-test")
    ap.add_argument("--console", action="store_true",
                    help="Windows: build a console executable (so --smoke-test output shows, for CI)")
    ap.add_argument("--tar", action="store_true", help="also write the one-folder app as a .tar.gz")
    ap.add_argument("--deb", action="store_true", help="Linux: also build the .deb (dpkg-deb)")
    ap.add_argument("--nsis", action="store_true", help="also build the Windows installer (makensis)")
    ap.add_argument("--dmg", action="store_true", help="macOS: also build the disk image (hdiutil)")
    ap.add_argument("--start-time", action="store_true",
                    help="measure the start to a painted window (5 runs of `screenshot`)")
    ns = ap.parse_args(argv)
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        raise SystemExit("PyInstaller is not installed: pip install -e .[packaging]") from None
    dist = ns.dist.resolve()
    work = (ns.work_dir or dist.parent / "build" / "pyinstaller").resolve()
    report: dict = {"version": version(), "platform": f"{sys.platform} {platform.machine()}",
                    "python": platform.python_version()}
    report["build_s"] = build(dist, work, ns.console)
    exe = executable_in(dist)
    if not exe.exists():
        raise SystemExit(f"PyInstaller finished but {exe} is missing")
    folder = exe.parent
    report["stripped_bytes"] = strip_symbols(folder, exe)
    if sys.platform.startswith("linux"):
        report["icu_saved_bytes"], icu_note = icu_data.slim_in_bundle(folder)
        print(f"ICU data: {icu_note}", flush=True)
    report["folder_bytes"] = folder_size(folder)
    report["biggest"] = biggest_items(folder)
    print(f"built {exe} in {report['build_s']:.0f} s; folder {_mb(report['folder_bytes'])} "
          f"({_mb(report['stripped_bytes'])} of symbols and debug info stripped)", flush=True)
    arch = platform.machine().lower()
    if ns.tar:
        t0 = time.perf_counter()
        tar = write_tar(folder, dist / f"{NAME}-{report['version']}-{sys.platform.rstrip('0123456789')}-{arch}.tar.gz")
        report.update(tar=tar.name, tar_bytes=tar.stat().st_size, tar_s=time.perf_counter() - t0)
        print(f"wrote {tar} ({_mb(report['tar_bytes'])}, {report['tar_s']:.0f} s)", flush=True)
    if ns.deb:
        sys.path.insert(0, str(ROOT / "packaging" / "linux"))
        import deb

        t0 = time.perf_counter()
        package = deb.build_deb(folder, dist, report["version"], work.parent / "deb")
        report.update(deb=package.name, deb_bytes=package.stat().st_size, deb_s=time.perf_counter() - t0)
        print(f"wrote {package} ({_mb(report['deb_bytes'])}, {report['deb_s']:.0f} s)", flush=True)
    for wanted, key, make in ((ns.nsis, "nsis", lambda: build_nsis(
            folder, dist / f"{NAME}-{report['version']}-setup.exe", report["version"])),
            (ns.dmg, "dmg", lambda: build_dmg(dist, dist / f"{NAME}-{report['version']}.dmg"))):
        if wanted:
            t0 = time.perf_counter()
            made = make()
            report.update({key: made.name, f"{key}_bytes": made.stat().st_size, f"{key}_s": time.perf_counter() - t0})
            print(f"wrote {made} ({_mb(made.stat().st_size)}, {report[f'{key}_s']:.0f} s)", flush=True)
    code = 0
    if not ns.no_smoke:
        code, report["smoke_s"] = smoke(exe)
        report["smoke_code"] = code
        print(f"frozen smoke test exit code {code} after {report['smoke_s']:.1f} s", flush=True)
    if ns.start_time and code == 0:
        report["start_s"] = start_to_window(exe)
        print(f"start to window painted (median of 5): {report['start_s']:.2f} s", flush=True)
    (dist / "build-report.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(report_table(report), flush=True)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
