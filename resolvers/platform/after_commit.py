"""Work that must wait until the change it follows has committed.

Not deferred: that runs whole coroutines beside the request without delaying the answer; this
runs quick callbacks (wake-ups) inline when the scope holding the transactions ends.

A worker woken from inside a transaction looks on its own connection, which cannot see the
rows yet; it finds nothing and goes back to sleep. Wake-ups are therefore deferred to the end
of the scope that holds the transactions (a mutation, a scheduled job)."""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator

_pending: contextvars.ContextVar[list[Callable[[], None]] | None] = contextvars.ContextVar(
    "after_commit", default=None
)


@contextlib.contextmanager
def scope() -> Iterator[None]:
    """Calls what was deferred inside once the block ends, each callback once.

    Also when the block failed: a wake-up for a change that rolled back finds nothing to do."""
    callbacks: list[Callable[[], None]] = []
    token = _pending.set(callbacks)
    try:
        yield
    finally:
        _pending.reset(token)
        for callback in dict.fromkeys(callbacks):
            callback()


def defer(callback: Callable[[], None]) -> None:
    """Calls `callback` when the enclosing scope ends; at once outside any scope."""
    pending = _pending.get()
    if pending is None:
        callback()
    else:
        pending.append(callback)
