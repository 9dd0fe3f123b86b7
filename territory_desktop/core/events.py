"""A tiny synchronous observer, so the Qt-free core can announce changes to any view.

A library (psygnal) would do this too, but the core needs only connect/emit/disconnect, and a dependency with
compiled extensions is one more thing the frozen installer has to carry.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Event(Generic[T]):
    """A list of callbacks called in connection order with one payload."""

    def __init__(self) -> None:
        self._callbacks: list[Callable[[T], object]] = []

    def connect(self, callback: Callable[[T], object]) -> Callable[[T], object]:
        self._callbacks.append(callback)
        return callback

    def disconnect(self, callback: Callable[[T], object]) -> None:
        if callback in self._callbacks:
            self._callbacks.remove(callback)

    def emit(self, payload: T) -> None:
        for callback in list(self._callbacks):
            callback(payload)

    def __len__(self) -> int:
        return len(self._callbacks)
