"""SQL statements per request: what Tortoise logs, checked against what the engine ran.

Tortoise logs each statement on the "tortoise.db_client" logger at DEBUG. To check that
every executed statement is logged there exactly once, the engine's own account is taken
too: sqlite3's trace callback, or asyncpg's query loggers on the pooled connections.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
from tortoise import connections


class StatementLog(logging.Handler):
    """The statements Tortoise logs on "tortoise.db_client" at DEBUG."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg == "%s: %s" and record.args:
            self.statements.append(str(record.args[0]))
        elif not record.args:
            self.statements.append(str(record.msg))
        # Anything else is about connections (created, closed), not a statement.


class EngineLog:
    """What the database driver really executed: sqlite3's trace callback, or asyncpg's
    query loggers on every pooled connection. asyncpg's own pool resets are kept apart."""

    def __init__(self) -> None:
        self.statements: list[str] = []
        self.resets = 0
        self.attached = False
        self._reset_queries: set[str] = set()
        self._recording = False

    async def attach(self) -> None:
        client = connections.get("default")
        if client.capabilities.dialect == "sqlite":
            await client._connection.set_trace_callback(self._sqlite)
            self.attached = True
            return
        pool = getattr(client, "_pool", None)
        for holder in getattr(pool, "_holders", ()):
            connection = getattr(holder, "_con", None)
            if connection is not None:
                self._reset_queries.add(connection.get_reset_query())
                connection.add_query_logger(self._postgres)
                self.attached = True

    def start(self) -> None:
        self.statements, self.resets, self._recording = [], 0, True

    def stop(self) -> None:
        self._recording = False

    def _sqlite(self, statement: str) -> None:
        if self._recording:
            self.statements.append(statement)

    def _postgres(self, record: Any) -> None:
        if not self._recording:
            return
        if record.query in self._reset_queries:
            self.resets += 1
        else:
            self.statements.append(record.query)


def same_statements(logged: list[str], executed: list[str]) -> bool:
    """Each executed statement logged once, in order. sqlite3 traces statements with their
    parameters filled in, so a logged "?" matches whatever value stands in its place."""
    if len(logged) != len(executed):
        return False
    return all(
        _fills(one, other) for one, other in zip(logged, executed, strict=True)
    )


def _fills(template: str, statement: str) -> bool:
    if template == statement:
        return True
    position = 0
    for index, part in enumerate(template.split("?")):
        found = statement.find(part, position)
        if found < 0 or (index == 0 and found != 0):
            return False
        position = found + len(part)
    return template.endswith("?") or position == len(statement)


@dataclass
class Counted:
    name: str
    response: httpx.Response
    logged: list[str]
    """What Tortoise logged."""
    executed: list[str]
    """What the engine ran, asyncpg's pool resets aside."""
    resets: int
    checked: bool
    """Whether the engine's account could be taken."""

    @property
    def logged_once(self) -> bool:
        return self.checked and same_statements(self.logged, self.executed)


@contextlib.contextmanager
def tortoise_log() -> Iterator[StatementLog]:
    logger = logging.getLogger("tortoise.db_client")
    handler = StatementLog()
    previous = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(previous)


async def count(
    cases: list[tuple[str, Callable[[], Awaitable[httpx.Response]]]],
) -> list[Counted]:
    """Makes each request once, alone, and counts its statements both ways. Call it after
    one warm-up request, so that the pool's connections exist and caches are filled."""
    engine = EngineLog()
    await engine.attach()
    counted = []
    with tortoise_log() as log:
        for name, call in cases:
            log.statements = []
            engine.start()
            response = await call()
            engine.stop()
            # asyncpg hands records to its query loggers with call_soon.
            await asyncio.sleep(0)
            await asyncio.sleep(0)
            counted.append(Counted(name, response, list(log.statements),
                                   list(engine.statements), engine.resets, engine.attached))
    return counted
