"""Where the shipped resources (sample data, base map, icons) live, however the app was installed.

The same files sit in three places: `resources/` at the root of a source checkout (also an editable install),
`territory_desktop/resources/` inside an installed wheel (pyproject force-includes it there), and
`resources/` under the PyInstaller bundle folder (`sys._MEIPASS`) of the frozen app.
"""

from __future__ import annotations

import sys
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parents[1]


def resource_roots() -> list[Path]:
    """Candidate resource folders, most specific first (frozen bundle, installed package, source checkout)."""
    roots: list[Path] = []
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        roots.append(Path(bundle) / "resources")
    roots.append(_PACKAGE_DIR / "resources")
    roots.append(_PACKAGE_DIR.parent / "resources")
    return roots


def resource_path(*parts: str) -> Path:
    """The first existing `resources/<parts...>`; FileNotFoundError naming every folder searched otherwise."""
    for root in resource_roots():
        candidate = root.joinpath(*parts)
        if candidate.exists():
            return candidate
    searched = ", ".join(str(r) for r in resource_roots())
    raise FileNotFoundError(f"resource {'/'.join(parts)!r} not found; looked in: {searched}")
