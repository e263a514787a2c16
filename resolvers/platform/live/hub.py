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
from collections.abc import AsyncIterator, Awaitable, Iterable

from tortoise.models import Model

from models import AccountStatus, Notification, ServiceRequest, Session
from resolvers.platform.delivery import utcnow
from resolvers.platform.live.events import (
    Event,
    Refused,
    SlowConsumer,
    Socket,
    Subscriber,
    Topic,
    log,
)
from resolvers.platform.live.transports import LocalTransport, Transport, transport_for
from resolvers.platform.settings import Settings

INCOMING_QUEUE = 10_000  # events received but not yet dispatched in this process
SESSION_CHUNK = 500
MISSING_ROW_RETRY = 0.25


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
        self._retrying: set[asyncio.Task[None]] = set()
        self._sending: set[asyncio.Task[None]] = set()
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
            asyncio.create_task(self._ping_forever(), name="live-ping"),
        ]

    async def stop(self) -> None:
        for task in (*self._tasks, *self._retrying):
            task.cancel()
        for task in (*self._tasks, *self._retrying):
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
        await asyncio.gather(*self._sending)  # closes and pings under way, each within a bound
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
            # Published before its row committed (raised outside collect()): looked for again
            # in a task of its own, so the events behind it in this one queue are not held up.
            task = asyncio.get_running_loop().create_task(self._dispatch_late(event))
            self._retrying.add(task)
            task.add_done_callback(self._retrying.discard)
            return
        self._deliver(event, row)

    async def _dispatch_late(self, event: Event) -> None:
        await asyncio.sleep(MISSING_ROW_RETRY)
        try:
            row = await _load(event)
        except Exception:
            log.exception("live_dispatch_failed")
            return
        if row is not None:
            self._deliver(event, row)

    def _deliver(self, event: Event, row: Model) -> None:
        for subscriber in self._targets(event):
            if subscriber.wants(row) and not subscriber.offer(row):
                self._forget(subscriber)

    # -------------------------------------------------------------- sessions and keep-alive

    async def _watch_forever(self) -> None:
        while True:
            await asyncio.sleep(self.session_check_seconds)
            try:
                await self.end_dead_sessions()
            except Exception:
                log.exception("live_socket_check_failed")

    async def _ping_forever(self) -> None:
        while True:
            await asyncio.sleep(self.ping_seconds)
            try:
                self.keep_alive()
            except Exception:
                log.exception("live_keep_alive_failed")

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
        self._send_aside(
            self._end(s, 4403, "Session ended") for s in sockets if s.family not in live
        )

    def keep_alive(self) -> None:
        """Pings every socket; one that did not answer the previous ping is closed."""
        now = time.monotonic()
        calls: list[Awaitable[None]] = []
        for socket in self.sockets():
            if socket.closing or socket.link is None:
                continue
            if socket.ping_sent_at is not None and now - socket.ping_sent_at >= self.ping_seconds:
                calls.append(self._end(socket, 4408, "Keep-alive timeout"))
            elif socket.ping_sent_at is None:
                socket.ping_sent_at = now
                calls.append(socket.link.ping())
        self._send_aside(calls)

    def _end(self, socket: Socket, code: int, reason: str) -> Awaitable[None]:
        """Ends the socket's subscriptions at once; what is left is the close to send."""
        socket.closing = True
        for subscriber in list(socket.subscribers):
            self._forget(subscriber)
        assert socket.link is not None, "only sockets past connection_init are ended"
        return socket.link.end(code, reason)

    def _send_aside(self, calls: Iterable[Awaitable[None]]) -> None:
        """Sends side by side, each within a bound, in a task of its own: a socket stuck on a
        full send buffer holds up neither the other sockets nor the next round of checks."""
        calls = list(calls)
        if not calls:
            return
        task = asyncio.get_running_loop().create_task(_all(calls))
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)


async def _all(calls: Iterable[Awaitable[None]], timeout: float = 2.0) -> None:

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
