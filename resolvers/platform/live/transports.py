"""How an event raised in one process reaches every other: in process, PostgreSQL LISTEN/NOTIFY, Redis pub/sub."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Protocol
from urllib.parse import urlparse

from tortoise import connections

from resolvers.platform.live.events import log
from resolvers.platform.settings import Settings

CHANNEL = "gosi_live"
RECONNECT_DELAYS = (0.2, 0.5, 1.0, 2.0, 5.0)


class Transport(Protocol):
    async def start(self, deliver: Callable[[str | bytes], None]) -> None: ...

    async def publish(self, payloads: list[str]) -> None: ...

    async def stop(self) -> None: ...


class LocalTransport:
    """One process: an event goes straight to this process's subscribers."""

    def __init__(self) -> None:
        self._deliver: Callable[[str | bytes], None] | None = None

    async def start(self, deliver: Callable[[str | bytes], None]) -> None:
        self._deliver = deliver

    async def publish(self, payloads: list[str]) -> None:
        if self._deliver is not None:
            for payload in payloads:
                self._deliver(payload)

    async def stop(self) -> None:
        self._deliver = None


class Listener:
    """Keeps one subscription to a broker open, reconnecting with backoff when it drops."""

    name = "listener"

    def __init__(self) -> None:
        self._deliver: Callable[[str | bytes], None] | None = None
        self._task: asyncio.Task[None] | None = None
        self.ready = asyncio.Event()
        self.connects = 0

    async def start(self, deliver: Callable[[str | bytes], None]) -> None:
        self._deliver = deliver
        self._task = asyncio.create_task(self._run(), name=f"live-{self.name}")
        try:
            # Ready before the process reports ready: no event published after start-up is lost.
            await asyncio.wait_for(self.ready.wait(), 5)
        except TimeoutError:
            log.warning("live_transport_not_connected", transport=self.name)

    async def _run(self) -> None:
        failures = 0
        while True:
            try:
                await self._listen()
                failures = 0
            except asyncio.CancelledError:
                raise
            except Exception as error:  # the broker went away: reconnect
                log.warning("live_transport_lost", transport=self.name, error=str(error))
            self.ready.clear()
            await asyncio.sleep(RECONNECT_DELAYS[min(failures, len(RECONNECT_DELAYS) - 1)])
            failures += 1

    async def _listen(self) -> None:
        raise NotImplementedError

    def _received(self, payload: str | bytes) -> None:
        if self._deliver is not None:
            self._deliver(payload)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None


class PostgresTransport(Listener):
    """LISTEN on a dedicated asyncpg connection; NOTIFY through the app's own pool."""

    name = "PostgreSQL LISTEN"
    HEALTH_CHECK = 5.0

    def __init__(self, dsn: str, channel: str = CHANNEL) -> None:
        super().__init__()
        self.dsn, self.channel = dsn, channel

    async def _listen(self) -> None:
        import asyncpg

        connection = await asyncpg.connect(self.dsn, timeout=5, server_settings={
            "application_name": "gosi-live-listener"})
        lost = asyncio.Event()
        connection.add_termination_listener(lambda _: lost.set())
        try:
            await connection.add_listener(self.channel, lambda _c, _p, _ch, payload: self._received(payload))
            self.connects += 1
            self.ready.set()
            while not lost.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(lost.wait(), self.HEALTH_CHECK)
                if not lost.is_set():
                    # A half-open connection (the server vanished without a FIN) fails here.
                    await connection.fetchval("SELECT 1", timeout=self.HEALTH_CHECK)
            raise ConnectionError("the listening connection was closed")
        finally:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(connection.close(), 2)

    async def publish(self, payloads: list[str]) -> None:
        connection = connections.get("default")
        for payload in payloads:
            await connection.execute_query("SELECT pg_notify($1, $2)", [self.channel, payload])


class RedisTransport(Listener):
    """Redis pub/sub. Channels span Redis's numbered databases, so the name carries the number."""

    name = "Redis pub/sub"

    def __init__(self, url: str) -> None:
        super().__init__()
        import coredis

        self.url = url
        database = urlparse(url).path.strip("/") or "0"
        self.channel = f"{CHANNEL}:{database}"
        self._client = coredis.Redis.from_url(url)

    async def _listen(self) -> None:
        import coredis

        client = coredis.Redis.from_url(self.url)
        async with client.pubsub(channels=[self.channel], ignore_subscribe_messages=True) as pubsub:
            self.connects += 1
            self.ready.set()
            async for message in pubsub:
                if message["type"] == "message" and isinstance(message["data"], str | bytes):
                    self._received(message["data"])

    async def publish(self, payloads: list[str]) -> None:
        for payload in payloads:
            await self._client.publish(self.channel, payload)


def transport_for(settings: Settings) -> Transport:
    if settings.redis_url:
        return RedisTransport(settings.redis_url)
    if settings.database_url.startswith(("postgres://", "postgresql://")):
        return PostgresTransport(settings.database_url)
    return LocalTransport()

