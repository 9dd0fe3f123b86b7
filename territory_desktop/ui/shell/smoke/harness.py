"""What every smoke step shares: the failure a step raises, the context the steps hand on, and the helpers
that drive the window (let the event loop run, wait for a condition, turn a reported error into a failure,
check that a widget really painted something).

Qt is imported inside the helpers only, so the headless steps run (and report) even when Qt is broken.
"""

from __future__ import annotations

import struct
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

WINDOW_SIZE = (1280, 800)


class SmokeFailure(Exception):
    """A step ran but its result is wrong; the message says what was expected."""


@dataclass
class Context:
    """What the steps hand to each other: the folder, the headless plan, then the window."""

    folder: Path
    plan: Any = None
    window: Any = None
    errors: list[tuple[str, str]] = field(default_factory=list)

    def close(self) -> None:
        """Close the window (and so the co-pilot's worker process) whatever happened before."""
        w = self.window
        if w is None:
            return
        from PySide6.QtWidgets import QApplication

        self.window = None
        w.close()
        w.deleteLater()
        QApplication.processEvents()


def run_events(seconds: float = 0.0) -> None:
    """Let the event loop run (timers, queued signals, paints) for about `seconds`."""
    from PySide6.QtWidgets import QApplication

    end = time.monotonic() + seconds
    QApplication.processEvents()
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.01)


def wait_for(condition: Callable[[], bool], seconds: float) -> bool:
    """Run the event loop until `condition()` holds (True) or `seconds` have passed (False)."""
    end = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > end:
            return False
        run_events(0.02)
    return True


def raise_window_errors(ctx: Context) -> None:
    """A message box the window would have shown is a failure of the step that caused it."""
    if ctx.errors:
        title, text = ctx.errors[-1]
        raise SmokeFailure(f"the window reported '{title}': {text}")


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (no Qt needed to check a picture)."""
    head = path.read_bytes()[:24]
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        raise SmokeFailure(f"{path} is not a PNG")
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def count_colours(image: Any) -> int:
    """Distinct colours on a sample grid of a QImage: a blank or single-colour widget has one or two."""
    step_x, step_y = max(1, image.width() // 60), max(1, image.height() // 60)
    return len({image.pixel(x, y) for x in range(0, image.width(), step_x)
                for y in range(0, image.height(), step_y)})


def save_grab(widget: Any, path: Path, what: str, min_colours: int = 12) -> str:
    """Grab `widget` to a PNG at `path`, failing if it painted nothing or looks blank; says size and colours."""
    image = widget.grab().toImage()
    if image.isNull() or image.width() < 50 or image.height() < 50:
        raise SmokeFailure(f"{what} painted nothing ({image.width()}x{image.height()})")
    colours = count_colours(image)
    if colours < min_colours:
        raise SmokeFailure(f"{what} looks blank: {colours} colours on a sample of its pixels")
    if not image.save(str(path), "PNG"):
        raise SmokeFailure(f"cannot write {path}")
    return f"{image.width()}x{image.height()}, {colours} colours"
