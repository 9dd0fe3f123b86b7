"""Open and save plans for the commands, turning every file problem into one clear CliError."""

from __future__ import annotations

from pathlib import Path

from territory_desktop.cli.errors import CliError
from territory_desktop.core.plan import Plan

IMPORTABLE = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm")


def load_plan(path: str | Path, allow_import: bool = True) -> Plan:
    """A .territory project, or (when allowed) a CRM export imported on the fly."""
    p = Path(path)
    if allow_import and p.suffix.lower() in IMPORTABLE:
        from territory_desktop.io.importing.importer import ImportFailed, import_plan

        try:
            return import_plan(p).plan
        except ImportFailed as exc:
            raise CliError(str(exc)) from exc
    from territory_desktop.io.project.project_file import ProjectFileError, open_project

    try:
        return open_project(p)
    except ProjectFileError as exc:
        raise CliError(str(exc)) from exc


def save_plan(plan: Plan, path: str | Path) -> None:
    from territory_desktop.io.project.project_file import ProjectFileError, save_project

    try:
        save_project(plan, path)
    except (ProjectFileError, OSError) as exc:
        raise CliError(f"cannot save {path}: {exc}") from exc
