"""Work that must wait until the change it follows has committed.

A worker woken from inside a transaction looks on its own connection, which cannot see the
rows yet; it finds nothing and goes back to sleep. Wake-ups are therefore deferred to the end
of the scope that holds the transactions (a mutation, a scheduled job)."""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator

_deferred: contextvars.ContextVar[list[Callable[[], None]] | None] = contextvars.ContextVar(
    "after_commit", default=None
)


@contextlib.contextmanager
def scope() -> Iterator[None]:
    """Calls what was deferred inside once the block ends, each callback once.

    Also when the block failed: a wake-up for a change that rolled back finds nothing to do."""
    callbacks: list[Callable[[], None]] = []
    token = _deferred.set(callbacks)
    try:
        yield
    finally:
        _deferred.reset(token)
        for callback in dict.fromkeys(callbacks):
            callback()


def defer(callback: Callable[[], None]) -> None:
    """Calls `callback` when the enclosing scope ends; at once outside any scope."""
    deferred = _deferred.get()
    if deferred is None:
        callback()
    else:
        deferred.append(callback)
