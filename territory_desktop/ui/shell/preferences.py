"""Where the window keeps its preferences (QSettings) and the recent-files list.

`TERRITORY_DESKTOP_DATA_DIR` redirects them to an INI file, so tests and portable installs never touch the
user's real settings.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings

ORGANISATION = "TerritoryDesktop"
APPLICATION = "Territory Desktop"
MAX_RECENT = 8


def app_settings() -> QSettings:
    """The window's QSettings; an INI file under TERRITORY_DESKTOP_DATA_DIR when set (tests, portable)."""
    override = os.environ.get("TERRITORY_DESKTOP_DATA_DIR", "").strip()
    if override:
        Path(override).mkdir(parents=True, exist_ok=True)
        return QSettings(str(Path(override) / "settings.ini"), QSettings.Format.IniFormat)
    return QSettings(ORGANISATION, APPLICATION)


def recent_files(settings: QSettings | None = None) -> list[str]:
    s = settings or app_settings()
    value = s.value("recentFiles", [])
    items = [value] if isinstance(value, str) else list(value or [])
    return [str(v) for v in items if v]


def add_recent(path: str | Path, settings: QSettings | None = None) -> list[str]:
    """Put `path` first in the recent-files list (deduplicated, at most MAX_RECENT)."""
    s = settings or app_settings()
    p = str(Path(path).resolve())
    items = [p] + [x for x in recent_files(s) if x != p]
    s.setValue("recentFiles", items[:MAX_RECENT])
    return items[:MAX_RECENT]


def remove_recent(path: str, settings: QSettings | None = None) -> None:
    s = settings or app_settings()
    s.setValue("recentFiles", [x for x in recent_files(s) if x != path])
