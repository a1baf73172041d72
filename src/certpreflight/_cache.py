"""The one kind of cache kept between calls: bounded by the bytes of what it holds.

A cache of :class:`Bounded` holds at most ``max_bytes`` as its ``size`` function estimates
an entry (key and value); an entry larger than that is not kept, and the cache is emptied
when the next entry would pass the bound (entries refill fast: they are setups, not data).
The caches that load the package's own data once (regions, reasons, the default matrix)
hold a fixed amount whatever the input, and no cache holds anything of a payload.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

__all__ = ["Bounded", "text_bytes"]

_K = TypeVar("_K", bound=Hashable)
_V = TypeVar("_V")


class Bounded(Generic[_K, _V]):
    """A dict cache of at most ``max_bytes`` (as ``size(key, value)`` estimates them)."""

    __slots__ = ("_data", "_lock", "_size", "get", "max_bytes", "used")

    def __init__(self, max_bytes: int, size: Callable[[_K, _V], int]) -> None:
        self.max_bytes = max_bytes
        self.used = 0
        self._size = size
        self._data: dict[_K, _V] = {}
        self._lock = threading.Lock()
        #: The value kept for a key, or None: a dict lookup, in C.
        self.get: Callable[[_K], _V | None] = self._data.get

    def keep(self, key: _K, value: _V) -> _V:
        """Keep ``value`` for ``key`` if it fits; return it."""
        cost = self._size(key, value)
        if cost > self.max_bytes:
            return value  # larger than the whole cache: not kept
        with self._lock:
            if self.used + cost > self.max_bytes:
                self._data.clear()
                self.used = 0
            if key not in self._data:
                self._data[key] = value
                self.used += cost
        return value

    def __len__(self) -> int:
        return len(self._data)


def text_bytes(value: Any) -> int:
    """About the bytes of a key made of tuples of texts and small scalars (selectors, dates)."""
    if isinstance(value, tuple):
        return sys.getsizeof(value) + sum(text_bytes(item) for item in value)
    return sys.getsizeof(value) if isinstance(value, (str, bytes, int)) else 64
