"""A least-recently-used cache bounded by the bytes it holds, not by its number of entries.

A cache of 128 entries is small for short queries and 1.4 GB for 128 queries of 100,000 characters:
what a cache of parses pins depends on what it holds. :class:`ByteBoundedCache` is given each
entry's size (an estimate is enough, as long as it grows with the entry) and evicts the least
recently used entries until the total is within its budget; an entry larger than the whole budget
is not kept at all. It is thread-safe (the app and ``causemap serve`` run queries from many
threads).

Examples
--------
>>> cache = ByteBoundedCache(100)
>>> cache.put("a", "A", 60); cache.put("b", "B", 30)
>>> cache.get("a")
'A'
>>> cache.put("c", "C", 30)  # 120 bytes: "b", the least recently used, goes
>>> cache.get("b") is None, cache.get("a"), cache.bytes
(True, 'A', 90)
>>> cache.put("huge", "H", 101); cache.get("huge") is None
True
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Callable, Hashable

__all__ = ["ByteBoundedCache"]


class ByteBoundedCache:
    """At most ``budget`` bytes of entries (``budget`` may be a callable, read at each put)."""

    def __init__(self, budget: int | Callable[[], int]):
        self._budget = budget
        self._entries: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._lock = threading.Lock()
        self.bytes = 0

    @property
    def budget(self) -> int:
        return self._budget() if callable(self._budget) else self._budget

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable) -> Any:
        """The value kept for ``key`` (now the most recently used), or None."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            self._entries.move_to_end(key)
            return entry[0]

    def put(self, key: Hashable, value: Any, size: int) -> None:
        """Keep ``value`` under ``key``; evict the least recently used beyond the budget."""
        budget = self.budget
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.bytes -= old[1]
            if size > budget:
                return
            self._entries[key] = (value, size)
            self.bytes += size
            while self.bytes > budget:
                _, (_, dropped) = self._entries.popitem(last=False)
                self.bytes -= dropped

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.bytes = 0
