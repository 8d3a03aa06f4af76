"""Work shared by the policies of one Analyze or AnalyzeStack request.

The pack's servicer (``servicer.SharedArgsServicer``) hands every policy of a request the same
props object (``Analyze``) or the same resource list (``AnalyzeStack``), and opens a request
scope around them. Inside it, the first policy's normalisation or stack graph is kept for the
others; it is dropped when the request ends, so nothing outlives a request and a mutable object
that a caller reuses later is never judged by an old result. Outside a scope (pulumi-policy's
own servicer, direct calls in tests) every call computes its own result.

A ``ContextVar`` rather than a global: the SDK serves up to 4 requests at once, one per thread,
and each thread (and an async validation's task) sees only its own request.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Final, TypeVar, cast

V = TypeVar("V")
# kind -> (the object the value was computed from, the value)
_Shared = dict[Hashable, tuple[object, object]]
_CURRENT: Final[ContextVar[_Shared | None]] = ContextVar("sg_guardrails_request", default=None)


@contextmanager
def one_request() -> Iterator[None]:
    """A scope for one request: ``shared`` keeps values until the block ends."""
    token = _CURRENT.set({})
    try:
        yield
    finally:
        _CURRENT.reset(token)


def shared(kind: Hashable, source: object, compute: Callable[[], V]) -> V:
    """``compute()``, once per request for the same ``source`` object (by identity) and
    ``kind``; every time outside a request."""
    values = _CURRENT.get()
    if values is None:
        return compute()
    found = values.get(kind)
    if found is not None and found[0] is source:
        return cast(V, found[1])
    value = compute()  # may raise: then nothing is kept
    values[kind] = (source, value)
    return value
