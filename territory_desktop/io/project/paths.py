"""Where the app keeps per-user files (recovery journals), so tests and portable installs can redirect it."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir as _platform_user_data_dir

APP_NAME = "TerritoryDesktop"
DATA_DIR_ENV = "TERRITORY_DESKTOP_DATA_DIR"
"""Overrides the platform folder: tests point it at a temporary directory, portable installs at a USB stick."""


def user_data_dir() -> Path:
    """The per-user data folder (created on demand)."""
    override = os.environ.get(DATA_DIR_ENV, "").strip()
    path = Path(override) if override else Path(_platform_user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def recovery_dir() -> Path:
    """The folder of crash-recovery journals and their base snapshots (created on demand)."""
    path = user_data_dir() / "recovery"
    path.mkdir(parents=True, exist_ok=True)
    return path
