"""Live events: what subscriptions deliver, and how an event raised on one server process
reaches the sockets of every other.

An event is only a pointer (which notification or request, and whose). The process that
receives it loads the row once, and only when one of its sockets may want it, then hands it
to those subscribers. The row is read after the change committed, so a subscriber never sees
a change that did not happen; the inbox keeps what a closed socket missed.

Transports: Redis pub/sub when REDIS_URL is set, PostgreSQL LISTEN/NOTIFY on PostgreSQL (one
dedicated connection per process, reconnected when PostgreSQL restarts), in process on the
embedded SQLite default, which one process serves.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import time
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal, Protocol
from urllib.parse import urlparse

import orjson
import structlog
from tortoise import connections
from tortoise.models import Model

from models import AccountStatus, Notification, ServiceRequest, Session
from resolvers.platform.delivery import utcnow
from resolvers.platform.settings import Settings

log = structlog.stdlib.get_logger("gosi.live")

Topic = Literal["notification", "request"]
CHANNEL = "gosi_live"
SUBSCRIBER_QUEUE = 64  # events waiting for one slow subscription before it is ended
INCOMING_QUEUE = 10_000  # events received but not yet dispatched in this process
SESSION_CHUNK = 500
RECONNECT_DELAYS = (0.2, 0.5, 1.0, 2.0, 5.0)
MISSING_ROW_RETRY = 0.25


@dataclass(frozen=True)
class Event:
    topic: Topic
    key: uuid.UUID
    member_id: uuid.UUID

    def encode(self) -> str:
        return orjson.dumps({"t": self.topic, "k": str(self.key), "m": str(self.member_id)}).decode()

    @classmethod
    def decode(cls, raw: str | bytes) -> Event | None:
        try:
            data = orjson.loads(raw)
            if data["t"] not in ("notification", "request"):
                return None
            return cls(topic=data["t"], key=uuid.UUID(data["k"]), member_id=uuid.UUID(data["m"]))
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            return None


class Refused(Exception):
    """A socket the limits do not allow; `code` is the WebSocket close code."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code, self.reason = code, reason


class SlowConsumer(Exception):
    """The subscriber did not read its events fast enough; it was ended to bound memory."""


class Link(Protocol):
    """The protocol side of a socket, as the hub drives it."""

    async def end(self, code: int, reason: str) -> None: ...

    async def ping(self) -> None: ...


@dataclass(eq=False)
class Socket:
    """One authenticated WebSocket: whose it is and which sign-in (session family) it lives on."""

    member_id: uuid.UUID
    family: uuid.UUID
    staff: bool
    link: Link | None = None
    ping_sent_at: float | None = None
    closing: bool = False
    subscribers: set[Subscriber] = field(default_factory=set)

    def pong(self) -> None:
        self.ping_sent_at = None


class Subscriber:
    """One subscription on a socket, with its own bounded queue."""

    def __init__(self, socket: Socket, topic: Topic, request_id: uuid.UUID | None) -> None:
        self.socket, self.topic, self.request_id = socket, topic, request_id
        self.queue: asyncio.Queue[Model | None] = asyncio.Queue(maxsize=SUBSCRIBER_QUEUE)
        self.overflowed = False

    def wants(self, row: Model) -> bool:
        """Never another member's event: checked on the row itself, not on the event."""
        if isinstance(row, Notification):
            return self.topic == "notification" and row.member_id == self.socket.member_id
        if isinstance(row, ServiceRequest):
            return (
                self.topic == "request"
                and (self.socket.staff or row.member_id == self.socket.member_id)
                and (self.request_id is None or row.id == self.request_id)
            )
        return False

    def offer(self, row: Model) -> bool:
        """False when the queue is full: the subscriber is then ended (None marks the end)."""
        try:
            self.queue.put_nowait(row)
            return True
        except asyncio.QueueFull:
            self.overflowed = True
            while not self.queue.empty():
                self.queue.get_nowait()
            self.queue.put_nowait(None)
            return False


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


_pending: contextvars.ContextVar[list[Event] | None] = contextvars.ContextVar("live_events", default=None)


class Hub:
    """This process's sockets and subscriptions, and the transport between processes."""

    def __init__(
        self,
        transport: Transport | None = None,
        *,
        sockets_per_member: int = 5,
        sockets_per_process: int = 10_000,
        session_check_seconds: float = 2.0,
        ping_seconds: float = 15.0,
    ) -> None:
        self.transport: Transport = transport or LocalTransport()
        self.sockets_per_member = sockets_per_member
        self.sockets_per_process = sockets_per_process
        self.session_check_seconds = session_check_seconds
        self.ping_seconds = ping_seconds
        self._sockets: dict[uuid.UUID, set[Socket]] = defaultdict(set)
        self._socket_count = 0
        self._by_member: dict[uuid.UUID, set[Subscriber]] = defaultdict(set)
        self._staff_requests: set[Subscriber] = set()
        self._incoming: asyncio.Queue[Event] = asyncio.Queue(maxsize=INCOMING_QUEUE)
        self._tasks: list[asyncio.Task[None]] = []
        self._publishing: set[asyncio.Task[None]] = set()
        self.dropped = 0

    @classmethod
    def from_settings(cls, settings: Settings) -> Hub:
        return cls(
            transport_for(settings),
            sockets_per_member=settings.live_sockets_per_member,
            sockets_per_process=settings.live_sockets_per_process,
            session_check_seconds=settings.live_session_check_seconds,
            ping_seconds=settings.live_ping_seconds,
        )

    # -------------------------------------------------------------- lifecycle

    async def start(self) -> None:
        self._incoming = asyncio.Queue(maxsize=INCOMING_QUEUE)
        await self.transport.start(self._received)
        self._tasks = [
            asyncio.create_task(self._dispatch_forever(), name="live-dispatch"),
            asyncio.create_task(self._watch_forever(), name="live-watch"),
        ]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
        await self.transport.stop()

    # -------------------------------------------------------------- raising events

    @contextlib.asynccontextmanager
    async def collect(self) -> AsyncIterator[None]:
        """Events raised inside go out when the block ends, after its transactions committed.

        A block that failed may have rolled back: receivers load each row, so an event whose
        row never committed delivers nothing, and one whose row did commit is not lost."""
        events: list[Event] = []
        token = _pending.set(events)
        try:
            yield
        finally:
            _pending.reset(token)
            if events:
                await self.publish(events)

    def raise_event(self, event: Event) -> None:
        """Call inside the transaction of the change the event tells of."""
        pending = _pending.get()
        if pending is not None:
            pending.append(event)
        else:
            # Outside collect() (a command, a background job): published at once; the
            # receivers retry a row not committed yet. A fresh context keeps the publish off
            # the caller's transaction connection.
            task = asyncio.get_running_loop().create_task(
                self.publish([event]), context=contextvars.Context()
            )
            self._publishing.add(task)
            task.add_done_callback(self._publishing.discard)

    async def publish(self, events: Iterable[Event]) -> None:
        try:
            await self.transport.publish([event.encode() for event in dict.fromkeys(events)])
        except Exception:
            # The change itself is done and in the inbox; only the live delivery is lost.
            log.exception("live_publish_failed")

    # -------------------------------------------------------------- sockets

    def open_socket(self, *, member_id: uuid.UUID, family: uuid.UUID, staff: bool) -> Socket:
        if self._socket_count >= self.sockets_per_process:
            raise Refused(1013, "Too many connections on this server: try again later")
        if len(self._sockets[member_id]) >= self.sockets_per_member:
            raise Refused(4429, "Too many connections for this account")
        socket = Socket(member_id=member_id, family=family, staff=staff)
        self._sockets[member_id].add(socket)
        self._socket_count += 1
        return socket

    def close_socket(self, socket: Socket) -> None:
        mine = self._sockets.get(socket.member_id)
        if mine is None or socket not in mine:
            return
        mine.discard(socket)
        if not mine:
            del self._sockets[socket.member_id]
        self._socket_count -= 1
        for subscriber in list(socket.subscribers):
            self._forget(subscriber)

    def socket_count(self) -> int:
        return self._socket_count

    def subscriber_count(self) -> int:
        return sum(len(s) for s in self._by_member.values()) + len(self._staff_requests)

    def sockets(self) -> list[Socket]:
        return [socket for mine in self._sockets.values() for socket in mine]

    # -------------------------------------------------------------- subscriptions

    async def stream(
        self, socket: Socket, topic: Topic, request_id: uuid.UUID | None = None
    ) -> AsyncIterator[Model]:
        """The rows of the socket's events on `topic`, as they come; SlowConsumer when the
        subscriber let SUBSCRIBER_QUEUE events pile up."""
        subscriber = Subscriber(socket, topic, request_id)
        socket.subscribers.add(subscriber)
        if socket.staff and topic == "request":
            self._staff_requests.add(subscriber)
        else:
            self._by_member[socket.member_id].add(subscriber)
        try:
            while True:
                row = await subscriber.queue.get()
                if row is None:
                    raise SlowConsumer
                yield row
        finally:
            self._forget(subscriber)

    def _forget(self, subscriber: Subscriber) -> None:
        subscriber.socket.subscribers.discard(subscriber)
        self._staff_requests.discard(subscriber)
        mine = self._by_member.get(subscriber.socket.member_id)
        if mine is not None:
            mine.discard(subscriber)
            if not mine:
                del self._by_member[subscriber.socket.member_id]

    # -------------------------------------------------------------- delivery

    def _received(self, payload: str | bytes) -> None:
        event = Event.decode(payload)
        if event is None:
            log.warning("live_event_malformed")
            return
        try:
            self._incoming.put_nowait(event)
        except asyncio.QueueFull:
            self.dropped += 1

    async def _dispatch_forever(self) -> None:
        while True:
            event = await self._incoming.get()
            try:
                await self.dispatch(event)
            except Exception:
                log.exception("live_dispatch_failed")

    def _targets(self, event: Event) -> list[Subscriber]:
        targets = [s for s in self._by_member.get(event.member_id, ()) if s.topic == event.topic]
        if event.topic == "request":
            targets.extend(self._staff_requests)
        return targets

    async def dispatch(self, event: Event) -> None:
        if not self._targets(event):
            return  # nobody here wants it: no query
        row = await _load(event)
        if row is None:
            await asyncio.sleep(MISSING_ROW_RETRY)
            row = await _load(event)
            if row is None:
                return
        for subscriber in self._targets(event):
            if subscriber.wants(row) and not subscriber.offer(row):
                self._forget(subscriber)

    # -------------------------------------------------------------- sessions and keep-alive

    async def _watch_forever(self) -> None:
        last_ping = time.monotonic()
        while True:
            await asyncio.sleep(self.session_check_seconds)
            try:
                await self.end_dead_sessions()
                if time.monotonic() - last_ping >= self.ping_seconds:
                    last_ping = time.monotonic()
                    await self.keep_alive()
            except Exception:
                log.exception("live_socket_check_failed")

    async def end_dead_sessions(self) -> None:
        """Closes every socket whose sign-in ended: logout, revocation, a password change,
        an account no longer active, or no access token left that has not expired. Any way
        a session ends shows in the session table, so one query covers them all."""
        sockets = [s for s in self.sockets() if not s.closing and s.link is not None]
        if not sockets:
            return
        families = sorted({s.family for s in sockets})
        now = utcnow()
        live: set[uuid.UUID] = set()
        for start in range(0, len(families), SESSION_CHUNK):
            rows = await Session.filter(
                family__in=families[start : start + SESSION_CHUNK],
                revoked_at__isnull=True,
                access_expires_at__gt=now,
                member__status=AccountStatus.ACTIVE,
            ).values_list("family", flat=True)
            live.update(rows)  # type: ignore[arg-type]
        await _all(self._end(s, 4403, "Session ended") for s in sockets if s.family not in live)

    async def keep_alive(self) -> None:
        """Pings every socket; one that did not answer the previous ping is closed."""
        now = time.monotonic()
        for socket in self.sockets():
            if socket.closing or socket.link is None:
                continue
            if socket.ping_sent_at is not None and now - socket.ping_sent_at >= self.ping_seconds:
                await _all([self._end(socket, 4408, "Keep-alive timeout")])
                continue
            if socket.ping_sent_at is None:
                socket.ping_sent_at = now
                await _all([socket.link.ping()])

    async def _end(self, socket: Socket, code: int, reason: str) -> None:
        socket.closing = True
        for subscriber in list(socket.subscribers):
            self._forget(subscriber)
        if socket.link is not None:
            await socket.link.end(code, reason)


async def _all(calls: Iterable[Awaitable[None]], timeout: float = 2.0) -> None:
    """Runs the calls side by side; a socket stuck on a full send buffer holds up nobody."""

    async def bounded(call: Awaitable[None]) -> None:
        with contextlib.suppress(Exception):
            await asyncio.wait_for(call, timeout)

    await asyncio.gather(*(bounded(call) for call in calls))


async def _load(event: Event) -> Model | None:
    if event.topic == "notification":
        return await Notification.get_or_none(id=event.key)
    return await ServiceRequest.get_or_none(id=event.key)


def notification_created(hub: Hub, notification: Notification) -> None:
    hub.raise_event(Event("notification", notification.id, notification.member_id))


def request_changed(hub: Hub, request: ServiceRequest) -> None:
    """Tells the request's member and staff: call inside the change's transaction."""
    hub.raise_event(Event("request", request.id, request.member_id))
