"""Operations past their time limit, cancelled by one periodic check instead of a timer each.

`asyncio.timeout` schedules a timer for every request and cancels it again: in place, that
was 5-8% of `me`'s CPU (a timer per request, in the event loop's heap). Here every running
operation notes its deadline in a dictionary, and one ticker per event loop, alive only while
operations run, cancels those past it. A deadline is kept to within a tick (a tenth of the
limit, at most 100 ms), which is nothing against a limit of seconds.

The semantics are asyncio.timeout's: the operation is cancelled where it waits, the
cancellation becomes TimeoutError for the caller, and a cancellation from elsewhere (the
client went away, the server stops) stays a cancellation.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Awaitable
from typing import Any, TypeVar

T = TypeVar("T")

LONGEST_TICK = 0.1


class Deadlines:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        # A tenth of the limit: a limit shorter than a tick would be no limit at all.
        self.tick = min(LONGEST_TICK, seconds / 10)
        self._running: dict[asyncio.Task[Any], float] = {}
        self._expired: set[asyncio.Task[Any]] = set()
        self._tickers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Task[None]] = (
            weakref.WeakKeyDictionary())

    async def run(self, operation: Awaitable[T]) -> T:
        """The operation's result; TimeoutError once it has run `seconds`."""
        task = asyncio.current_task()
        assert task is not None
        loop = asyncio.get_running_loop()
        cancelling = task.cancelling()
        self._running[task] = loop.time() + self.seconds
        ticker = self._tickers.get(loop)
        if ticker is None or ticker.done():
            self._tickers[loop] = loop.create_task(self._tick(loop), name="deadlines")
        try:
            return await operation
        except asyncio.CancelledError:
            if task in self._expired and task.uncancel() <= cancelling:
                raise TimeoutError from None
            raise
        finally:
            # Registered only while the operation is awaited: the ticker's cancellation can
            # only land inside it, never in what the request does afterwards.
            del self._running[task]
            self._expired.discard(task)

    async def _tick(self, loop: asyncio.AbstractEventLoop) -> None:
        while True:
            await asyncio.sleep(self.tick)
            mine = [(task, deadline) for task, deadline in self._running.items()
                    if task.get_loop() is loop]
            if not mine:
                return  # started again by the next operation
            now = loop.time()
            for task, deadline in mine:
                if deadline <= now and task not in self._expired:
                    self._expired.add(task)
                    task.cancel()
