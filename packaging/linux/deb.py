"""Build the Debian package from the one-folder bundle, offline, with `dpkg-deb --root-owner-group`.

    python packaging/linux/deb.py dist/territory-desktop -o dist/     # normally called by packaging/build.py
    python packaging/linux/deb.py --check-installed /opt/territory-desktop   # libraries an install lacks

Layout of the package (everything dpkg installs, so `apt remove` takes all of it away again):

    /opt/territory-desktop/                       the frozen app, as PyInstaller wrote it
    /usr/bin/territory-desktop                    symlink to the executable (the bootloader finds its folder
                                                  through /proc/self/exe, so a symlink on the PATH works)
    /usr/share/applications/territory-desktop.desktop          menu entry, opens .territory files
    /usr/share/mime/packages/territory-desktop.xml             the application/x-territory-plan type
    /usr/share/icons/hicolor/<N>x<N>/{apps,mimetypes}/...png   app and file-type icons, + scalable SVG
    /usr/share/doc/territory-desktop/copyright                 MIT + the third-party list

No maintainer scripts: the desktop database, MIME cache and icon cache are refreshed by the dpkg triggers
of desktop-file-utils, shared-mime-info and the icon theme, on install and on removal. The app writes
nothing under /opt at run time (settings and recovery journals live in the user's folders), so the
directory is gone after removal.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE.parent))

import elf  # noqa: E402  (packaging/elf.py)

PACKAGE = "territory-desktop"
INSTALL_DIR = f"/opt/{PACKAGE}"
MIME_TYPE = "application/x-territory-plan"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)

DEPENDS = (
    # Qt's xcb platform plugin (the X11 window) and the keyboard
    "libxcb1", "libx11-6", "libx11-xcb1", "libxcb-cursor0", "libxcb-icccm4", "libxcb-image0",
    "libxcb-keysyms1", "libxcb-randr0", "libxcb-render-util0", "libxcb-render0", "libxcb-shape0",
    "libxcb-shm0", "libxcb-sync1", "libxcb-xfixes0", "libxcb-xkb1", "libxkbcommon0", "libxkbcommon-x11-0",
    # Qt's Wayland platform plugin
    "libwayland-client0", "libwayland-cursor0", "libwayland-egl1",
    # QtGui: OpenGL/EGL dispatch, fonts, GLib event loop, D-Bus (accessibility, portals)
    "libegl1", "libgl1", "libopengl0", "libfontconfig1", "libfreetype6", "libglib2.0-0", "libdbus-1-3",
)
"""System libraries the bundle takes from the system (packaging/freeze_filters.LINUX_SYSTEM_LIBS): what
Qt needs to open a window. `missing_system_libraries` checks an installed bundle finds each of them."""
RECOMMENDS = ("libgtk-3-0", "shared-mime-info", "desktop-file-utils", "hicolor-icon-theme")
"""GTK 3 gives Qt's native file dialogs (without it Qt draws its own); the rest refresh the menus and file
type associations through their triggers."""

GLIBC = {"libc.so.6", "libm.so.6", "libdl.so.2", "libpthread.so.0", "librt.so.1", "libutil.so.1",
         "libresolv.so.2", "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1", "libanl.so.1", "libnsl.so.1"}


def version_from_pyproject() -> str:
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def deb_architecture() -> str:
    """dpkg's name for this machine (amd64, arm64); the bundle is built for the machine it runs on."""
    if shutil.which("dpkg"):
        return subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True,
                              check=True).stdout.strip()
    return {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())


def glibc_version() -> str:
    """The build machine's glibc: the oldest a user's system may have (the bundle's binaries link it)."""
    name, ver = platform.libc_ver()
    return ver if name == "glibc" and ver else "2.31"


def _copy_tree(src: Path, dst: Path) -> None:
    shutil.copytree(src, dst, symlinks=True)


def control_text(version: str, arch: str, installed_kb: int) -> str:
    depends = ", ".join([f"libc6 (>= {glibc_version()})", *DEPENDS])
    return (f"Package: {PACKAGE}\n"
            f"Version: {version}\n"
            f"Architecture: {arch}\n"
            "Maintainer: Territory Desktop maintainers\n"
            f"Installed-Size: {installed_kb}\n"
            f"Depends: {depends}\n"
            f"Recommends: {', '.join(RECOMMENDS)}\n"
            "Section: misc\n"
            "Priority: optional\n"
            "Description: carve, balance and maintain sales territories, offline\n"
            " Territory Desktop loads a CRM account export and the reps, shows every\n"
            " territory's balance and workload, lets planners drag accounts between\n"
            " territories with undo, and runs an OR-Tools co-pilot that suggests the\n"
            " moves bringing every territory within tolerance. Everything runs offline.\n")


def copyright_text() -> str:
    licence = (ROOT / "LICENSE").read_text(encoding="utf-8") if (ROOT / "LICENSE").exists() else \
        "MIT License. Permission is hereby granted, free of charge, to any person obtaining a copy of this " \
        "software, to deal in it without restriction.\n"
    third = (ROOT / "resources" / "THIRD-PARTY-LICENSES.md").read_text(encoding="utf-8")
    return f"Territory Desktop\n\n{licence}\n\n{third}"


def stage(bundle: Path, root: Path, version: str) -> Path:
    """Lay out the package tree in `root` (emptied first) from the one-folder `bundle`; returns `root`."""
    if root.exists():
        shutil.rmtree(root)
    opt = root / INSTALL_DIR.lstrip("/")
    _copy_tree(bundle, opt)
    exe = opt / PACKAGE
    if not exe.is_file():
        raise SystemExit(f"{bundle} has no {PACKAGE} executable: is it a PyInstaller one-folder build?")
    usr = root / "usr"
    (usr / "bin").mkdir(parents=True)
    os.symlink(f"{INSTALL_DIR}/{PACKAGE}", usr / "bin" / PACKAGE)
    share = usr / "share"
    (share / "applications").mkdir(parents=True)
    shutil.copy2(HERE / f"{PACKAGE}.desktop", share / "applications" / f"{PACKAGE}.desktop")
    (share / "mime" / "packages").mkdir(parents=True)
    shutil.copy2(HERE / f"{PACKAGE}-mime.xml", share / "mime" / "packages" / f"{PACKAGE}.xml")
    icons = ROOT / "resources" / "icons"
    mime_icon = MIME_TYPE.replace("/", "-")
    for size in ICON_SIZES:
        for kind, name in (("apps", PACKAGE), ("mimetypes", mime_icon)):
            folder = share / "icons" / "hicolor" / f"{size}x{size}" / kind
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copy2(icons / f"{PACKAGE}-{size}.png", folder / f"{name}.png")
    for kind, name in (("apps", PACKAGE), ("mimetypes", mime_icon)):
        folder = share / "icons" / "hicolor" / "scalable" / kind
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy2(icons / f"{PACKAGE}.svg", folder / f"{name}.svg")
    doc = share / "doc" / PACKAGE
    doc.mkdir(parents=True)
    (doc / "copyright").write_text(copyright_text(), encoding="utf-8")
    _normalise_modes(root)
    installed_kb = (sum(p.lstat().st_size for p in root.rglob("*") if not p.is_dir()) + 1023) // 1024
    debian = root / "DEBIAN"
    debian.mkdir()
    (debian / "control").write_text(control_text(version, deb_architecture(), installed_kb), encoding="utf-8")
    os.chmod(debian / "control", 0o644)
    return root


def _normalise_modes(root: Path) -> None:
    """Folders 755, executables 755, everything else 644 (lintian's rule; PyInstaller keeps source modes)."""
    for path in [root, *root.rglob("*")]:
        if path.is_symlink():
            continue
        if path.is_dir():
            os.chmod(path, 0o755)
        else:
            executable = path.stat().st_mode & 0o111 or path.suffix == ".so" or ".so." in path.name
            os.chmod(path, 0o755 if executable else 0o644)


def build_deb(bundle: Path, out_dir: Path, version: str | None = None, work: Path | None = None) -> Path:
    """Stage and build `territory-desktop_<version>_<arch>.deb` in `out_dir`; returns its path."""
    if shutil.which("dpkg-deb") is None:
        raise SystemExit("dpkg-deb is not installed (apt-get install dpkg): cannot build the .deb")
    version = version or version_from_pyproject()
    work = work or out_dir / "deb-staging"
    root = stage(bundle, work / PACKAGE, version)
    out_dir.mkdir(parents=True, exist_ok=True)
    deb = out_dir / f"{PACKAGE}_{version}_{deb_architecture()}.deb"
    cmd = ["dpkg-deb", "--root-owner-group", "-Zxz", "--build", str(root), str(deb)]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    shutil.rmtree(work)
    return deb


def missing_system_libraries(folder: Path) -> dict[str, list[str]]:
    """Libraries the bundle's ELF files need that neither the bundle nor the system provides:
    soname -> files needing it (empty when the installed app can start). Uses the dynamic loader's cache."""
    bundled = {p.name for p in folder.rglob("*") if p.is_file() or p.is_symlink()}
    cache = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True).stdout if \
        shutil.which("ldconfig") or Path("/sbin/ldconfig").exists() else ""
    system = set(re.findall(r"^\s*(\S+) \(", cache, flags=re.MULTILINE))
    missing: dict[str, list[str]] = {}
    for path in folder.rglob("*"):
        if path.is_symlink() or not path.is_file() or not elf.is_elf(path):
            continue
        try:
            names = elf.needed(path)
        except (ValueError, IndexError):
            continue
        for name in names:
            if name not in bundled and name not in system and name not in GLIBC:
                missing.setdefault(name, []).append(str(path.relative_to(folder)))
    return missing


OPTIONAL_PLUGINS = ("platformthemes/libqgtk3", "platforminputcontexts/libibus", "wayland-", "xcbglintegrations")
"""Plugins Qt loads only when their libraries are there (GTK dialogs, IBus, Wayland, GLX): a missing
dependency of one of these is not a broken install."""


def missing_required(folder: Path) -> dict[str, list[str]]:
    """`missing_system_libraries` without the optional plugins' needs."""
    out = {}
    for name, users in missing_system_libraries(folder).items():
        required = [u for u in users if not any(o in u for o in OPTIONAL_PLUGINS)]
        if required:
            out[name] = required
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("bundle", type=Path, nargs="?", help="the one-folder build (dist/territory-desktop)")
    ap.add_argument("-o", "--out", type=Path, default=Path("dist"), help="folder for the .deb (default dist)")
    ap.add_argument("--check-installed", type=Path, metavar="FOLDER",
                    help="instead of building: list libraries an installed bundle cannot find (exit 1 if any)")
    ns = ap.parse_args(argv)
    if ns.check_installed:
        missing = missing_required(ns.check_installed)
        for name, users in sorted(missing.items()):
            print(f"missing {name}, needed by {', '.join(users[:3])}")
        print(f"{len(missing)} required system libraries missing for {ns.check_installed}")
        return 1 if missing else 0
    if ns.bundle is None:
        ap.error("give the one-folder build to package (or --check-installed FOLDER)")
    deb = build_deb(ns.bundle.resolve(), ns.out.resolve())
    print(f"built {deb} ({deb.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
