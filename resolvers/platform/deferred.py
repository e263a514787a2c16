"""Work that follows an answer instead of delaying it: started at once, awaited at shutdown.

Not after_commit: that runs quick callbacks (wake-ups) once a scope's transactions have
committed, inline; this runs whole coroutines beside the request, which never waits for them.

A password reset answers before its code is written and handed to the outbox, so a known ID
costs the request the same work as an unknown one (README: Security notes).
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

import structlog

log = structlog.stdlib.get_logger("gosi.deferred")


class Deferred:
    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()

    def spawn(self, work: Coroutine[Any, Any, None], *, name: str) -> None:
        task = asyncio.get_running_loop().create_task(self._logged(work, name), name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _logged(self, work: Coroutine[Any, Any, None], name: str) -> None:
        try:
            await work
        except Exception:
            log.exception("deferred_work_failed", work=name)

    async def drain(self) -> None:
        """Waits for the work started so far (shutdown, and tests that read its outcome)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
