"""Live events and who receives them: the event codec, sockets and subscribers."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from typing import Literal, Protocol

import orjson
import structlog
from tortoise.models import Model

from models import Notification, ServiceRequest

log = structlog.stdlib.get_logger("gosi.live")

Topic = Literal["notification", "request"]
SUBSCRIBER_QUEUE = 64  # events waiting for one slow subscription before it is ended


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

