"""Open and save plans for the commands, turning every file problem into one clear CliError."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from territory_desktop.cli.errors import CliError
from territory_desktop.core.plan import Plan

IMPORTABLE = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm")


def load_plan(path: str | Path, allow_import: bool = True, scenario: str | None = None) -> Plan:
    """A .territory project (its current scenario, or the one named), or (when allowed) a CRM export
    imported on the fly."""
    p = Path(path)
    check_input(p, "plan")
    if scenario is not None and p.suffix.lower() in IMPORTABLE:
        raise CliError(f"{p.name} is a CRM export, not a .territory project: it has no scenarios "
                       "(leave out --scenario)")
    if allow_import and p.suffix.lower() in IMPORTABLE:
        from territory_desktop.io.importing.importer import ImportFailed, import_plan

        try:
            return import_plan(p).plan
        except ImportFailed as exc:
            raise CliError(str(exc)) from exc
    from territory_desktop.io.project.project_file import ProjectFileError, open_project

    try:
        return open_project(p, scenario)
    except ProjectFileError as exc:
        raise CliError(str(exc)) from exc


def save_plan(plan: Plan, path: str | Path, moves_only: bool = False) -> None:
    """Save, or with `moves_only` (a command that only moved or locked accounts of the plan it opened from
    `path`) rewrite just what moves change in a copy of the file (`save_moves`)."""
    from territory_desktop.io.project.project_file import ProjectFileError, save_moves, save_project
    from territory_desktop.io.project.safe_replace import hard_link_note, other_names

    others = other_names(path)
    try:
        if moves_only:
            save_moves(plan, path)
        else:
            save_project(plan, path)
    except (ProjectFileError, OSError) as exc:
        raise CliError(f"cannot save {path}: {exc}") from exc
    if others:
        print(f"Note: {hard_link_note(Path(path).name, others)}", file=sys.stderr)


# ----- checking the files a command names, before it reads or writes any of them -----------------------------
MAX_INPUT_BYTES = 2 * 1024**3
"""An input larger than this is refused before it is read (a runaway export, or /dev/zero behind a link)."""


def check_input(path: str | Path | None, what: str) -> None:
    """Refuse a folder, a device, a FIFO or an oversized file as input (a missing file is left to the reader,
    which names it); a CliError naming the file otherwise."""
    if path is None:
        return
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise CliError(f"cannot read the {what} {path}: {exc.strerror or exc}") from exc
    if stat.S_ISDIR(st.st_mode):
        raise CliError(f"the {what} {path} is a folder, not a file")
    if not stat.S_ISREG(st.st_mode):
        raise CliError(f"the {what} {path} is not a regular file (a device, pipe or socket); give a file")
    if st.st_size > MAX_INPUT_BYTES:
        raise CliError(f"the {what} {path} is {st.st_size / 1024**2:,.0f} MB, over the limit of "
                       f"{MAX_INPUT_BYTES / 1024**2:,.0f} MB for one input file")


def same_file(a: str | Path, b: str | Path) -> bool:
    """Whether two paths name one file (through links, `..`, hard links)."""
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def check_outputs(inputs: dict[str, str | Path | None], outputs: dict[str, str | Path | None],
                  territory: tuple[str, ...] = ()) -> None:
    """Refuse, before anything is written: an output that is an input, two outputs that are one file, an
    output in a missing folder or that is a folder, and (for the options in `territory`) an output that does
    not end in .territory."""
    given_out = [(opt, p) for opt, p in outputs.items() if p is not None]
    for opt, out in given_out:
        for what, src in inputs.items():
            if src is not None and same_file(out, src):
                raise CliError(f"{opt} {out} is the {what} itself: it would be overwritten; choose another file")
    for i, (opt, out) in enumerate(given_out):
        for opt2, out2 in given_out[i + 1:]:
            if same_file(out, out2):
                raise CliError(f"{opt} and {opt2} name the same file {out}: give two different files")
    for opt, out in given_out:
        p = Path(out)
        if opt in territory and p.suffix.lower() != ".territory":
            raise CliError(f"{opt} {out} must end in .territory (it is written as a Territory project)")
        if p.is_dir():
            raise CliError(f"{opt} {out} is a folder: give a file name")
        folder = p.parent
        if not folder.is_dir():
            raise CliError(f"{opt} {out}: the folder {folder} does not exist")
