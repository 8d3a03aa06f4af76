"""Small, bounded, content-keyed memos: do the expensive part of a check once per call, not once
per policy.

Why: pulumi-policy runs every policy of the pack on its own freshly deserialised copy of the
request (7 resource policies per ``Analyze``, 4 stack policies per ``AnalyzeStack``), and each of
our policies starts by normalising the same props (or analysing the same stack). The copies are
new objects each time, so identity cannot be the key; the key has to be the content itself.

Why pickle for the content: it is the cheapest complete serialisation of what the SDK hands over
(plain dicts/lists or its ``unknown_checking_proxy`` wrappers, numbers, sentinel strings, ``Secret``
objects): about 1 us for a rule's props, against 7 us for ``values.plain`` and 20-30 us for a
normalisation. It keeps every distinction the policies could see (``1`` vs ``1.0`` vs ``True`` vs
``"1"``, tuple vs list, non-string keys), so equal bytes mean equal content. Structures that differ
only in object sharing pickle differently: that is a miss, never a wrong hit. Anything pickle
refuses gets no key, and the caller computes without the memo.

Why bounded: a memo must never grow with the stack. Entries are evicted least recently used.
"""

from __future__ import annotations

import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Final, Generic, TypeVar, cast

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
_MISSING: Final = object()  # a stored value may be None (a type without rules)


def content_key(value: Any) -> bytes | None:
    """The content of ``value`` as bytes fit for a memo key, or None when it cannot be taken."""
    try:
        return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # whatever pickle refuses (a lock, a lambda, a cycle too deep): no memo
        return None


class BoundedMemo(Generic[K, V]):
    """A thread-safe LRU memo of at most ``maxsize`` entries.

    Thread-safe because the SDK serves gRPC calls from a pool of 4 threads, so several
    ``Analyze`` calls can be in flight at once. The value is computed outside the lock: two threads
    missing on the same key both compute it (same result), and a slow computation never blocks the
    other calls. Values must be treated as read-only by every caller, since they are shared.
    """

    def __init__(self, maxsize: int) -> None:
        if maxsize < 1:
            raise ValueError("maxsize must be at least 1")
        self.maxsize = maxsize
        self._entries: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_compute(self, key: K, compute: Callable[[], V]) -> V:
        with self._lock:
            found = self._entries.get(key, _MISSING)
            if found is not _MISSING:
                self._entries.move_to_end(key)
                return cast(V, found)
        value = compute()  # may raise: then nothing is stored
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.maxsize:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
