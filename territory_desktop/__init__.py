"""Territory Desktop: carve, balance and maintain sales territories, offline."""

from __future__ import annotations

from pathlib import Path


def _version() -> str:
    """The version, defined once in pyproject.toml.

    A source checkout (also an editable install) reads pyproject.toml itself, so a bump shows at once even
    before reinstalling; an installed wheel and the frozen app (PyInstaller copies the package metadata)
    read the installed metadata, which the build took from the same pyproject.toml.
    """
    pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
    if pyproject.is_file():
        import tomllib

        try:
            project = tomllib.loads(pyproject.read_text(encoding="utf-8")).get("project", {})
        except (OSError, tomllib.TOMLDecodeError):
            project = {}
        if project.get("name") == "territory-desktop" and project.get("version"):
            return str(project["version"])
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("territory-desktop")
    except PackageNotFoundError:
        return "0+unknown"


__version__ = _version()
