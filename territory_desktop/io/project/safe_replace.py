"""Replacing a file so that a crash leaves the old one or the new one, never half of either.

The new content goes to a temporary file beside the target (O_EXCL, locked while written, fsync'ed), takes the
replaced file's mode and owner, and is renamed over it; the folder is fsync'ed so the rename itself survives a
power cut. The target is resolved through symlinks (the link stays a link), a read-only file, a folder, a
pipe or a device is refused, and temporary files that killed saves left behind are removed once stale.
Hard links are detached, on purpose: keeping the inode would mean writing in place, and a crash could then leave
half a file (SQLite's rollback journal is named after the path written, so a crash seen through another name is
not rolled back); a backup tool's hard-linked snapshot must keep the old plan anyway. `other_names` counts them
so the CLI and the window can say which names keep the previous plan, rather than detach them silently.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
import time
import uuid
from collections.abc import Callable
from pathlib import Path

try:  # POSIX: a save holds an advisory lock on its temporary file, so no other save takes it for stale
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

TEMP_SUFFIX = ".saving"
STALE_TEMP_SECONDS = 180
"""A temporary file older than this, and not locked, was left by a save that was killed."""
TEMP_ID_LENGTH = 12


class SaveRefused(Exception):
    """The file cannot be replaced; the message says why and names the file."""


def replace_atomically(path: str | os.PathLike[str], write: Callable[[Path], None]) -> None:
    """Have `write(tmp)` fill a temporary file, then put it in `path`'s place atomically.

    Exceptions of `write` other than OSError pass through unchanged (the temporary file is removed).
    """
    shown = Path(path)
    path = Path(os.path.realpath(shown))
    if not path.parent.is_dir():
        raise SaveRefused(f"Cannot save {shown.name}: the folder {path.parent} does not exist.")
    old = _existing_file(path, shown.name)
    _remove_stale_temps(path)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:TEMP_ID_LENGTH]}{TEMP_SUFFIX}")
    fd: int | None = None
    try:
        # Created here, not by the writer: O_EXCL, the umask default for a new file, private (0600) until it
        # gets the mode of the file it replaces, and locked so no other save takes it for a stale one.
        fd = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                     0o666 if old is None else 0o600)
        _lock(fd)
        write(tmp)
        os.fsync(fd)
        os.close(fd)  # before the rename: Windows cannot rename an open file (the age guards the gap)
        fd = None
        if old is not None:
            _copy_owner(tmp, old)
            os.chmod(tmp, stat.S_IMODE(old.st_mode))
        os.replace(tmp, path)
        _fsync_dir(path.parent)
    except OSError as exc:
        raise SaveRefused(f"Cannot save {shown.name}: {exc.strerror or exc}.") from exc
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if fd is not None:
            os.close(fd)


def other_names(path: str | os.PathLike[str]) -> int:
    """How many other names (hard links) the file a save of `path` would replace has: after the save they
    keep the previous content. 0 for a new file, a non-file or one that cannot be read."""
    try:
        st_ = os.stat(os.path.realpath(path))
    except OSError:
        return 0
    return st_.st_nlink - 1 if stat.S_ISREG(st_.st_mode) else 0


def hard_link_note(name: str, others: int) -> str:
    """The sentence a save of a hard-linked plan ends with (empty when it had no other names)."""
    if others <= 0:
        return ""
    names = "its other name (a hard link) keeps" if others == 1 else f"its {others} other names (hard links) keep"
    return (f"{name} was saved as a new file: {names} the previous plan (a save never writes into the old file, "
            "so a crash cannot leave half a plan).")


def _existing_file(path: Path, shown: str) -> os.stat_result | None:
    """The status of the plan being replaced (None: a new file); refuse a read-only plan or a non-file.

    Read-only is judged by the mode bits as well as by os.access, because for root (or an administrator)
    os.access says yes to any file, and a planner who made a plan read-only meant it."""
    try:
        st_ = os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise SaveRefused(f"Cannot save {shown}: {exc.strerror or exc}.") from exc
    if stat.S_ISDIR(st_.st_mode):
        raise SaveRefused(f"Cannot save {shown}: it is a folder, not a project file.")
    if not stat.S_ISREG(st_.st_mode):  # never replace a pipe, a socket or a device (/dev/null) with a plan
        raise SaveRefused(f"Cannot save {shown}: it is not a regular file (a pipe, device or socket).")
    if not st_.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(path, os.W_OK):
        raise SaveRefused(f"Cannot save {shown}: the file is read-only. Save under another name, or "
                               "make it writable first.")
    return st_


def _copy_owner(tmp: Path, old: os.stat_result) -> None:
    """Keep the owner and group of the replaced plan where this user may (root; a group one belongs to)."""
    if hasattr(os, "chown") and (old.st_uid, old.st_gid) != (os.getuid(), os.getgid()):
        with contextlib.suppress(OSError):
            os.chown(tmp, old.st_uid, -1)
        with contextlib.suppress(OSError):
            os.chown(tmp, -1, old.st_gid)


def _lock(fd: int) -> None:
    """Mark a temporary file as in use (released by the OS when the process ends, however it ends)."""
    if fcntl is not None:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (POSIX); Windows cannot open folders, and NTFS journals renames."""
    if os.name == "nt":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _remove_stale_temps(path: Path) -> None:
    """Drop temporary files of this project left by a save that was killed: only names of exactly our temp
    pattern (not another project's whose name starts the same), older than STALE_TEMP_SECONDS, and not locked
    by a save still running (on Windows an open file cannot be deleted anyway)."""
    pattern = re.compile(rf"\.{re.escape(path.name)}\.[0-9a-f]{{{TEMP_ID_LENGTH}}}{re.escape(TEMP_SUFFIX)}")
    now = time.time()
    try:
        candidates = [p for p in path.parent.iterdir() if pattern.fullmatch(p.name)]
    except OSError:
        return
    for p in candidates:
        with contextlib.suppress(OSError):
            st_ = os.lstat(p)
            if not stat.S_ISREG(st_.st_mode) or now - st_.st_mtime <= STALE_TEMP_SECONDS:
                continue
            if fcntl is None:
                p.unlink()
                continue
            fd = os.open(p, os.O_RDONLY)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # OSError (skipped) while a save holds it
                p.unlink()
            finally:
                os.close(fd)
