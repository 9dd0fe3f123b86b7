"""The packaging scripts live in packaging/ (not a package: PyInstaller's spec and CI run them as files);
tests load them by path."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
PACKAGING = ROOT / "packaging"


def packaging_module(relative: str) -> ModuleType:
    """Import packaging/<relative> (e.g. "linux/deb.py") as a module, with packaging/ on the path as the
    scripts themselves put it."""
    path = PACKAGING / relative
    if str(PACKAGING) not in sys.path:
        sys.path.insert(0, str(PACKAGING))
    name = "packaging_" + relative.replace("/", "_").removesuffix(".py")
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
