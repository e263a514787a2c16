"""A graphql-transport-ws client over a real WebSocket (the `websockets` package), and an
in-process uvicorn server for the tests that need one."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import orjson
import uvicorn
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tests.conftest import free_port

PROTOCOL = "graphql-transport-ws"

NOTIFICATION_RECEIVED = """
subscription { notificationReceived { id kind title body readAt
  request { referenceNumber status } question { referenceNumber } } }
"""
REQUEST_UPDATED = """
subscription Updated($id: ID) { requestUpdated(requestId: $id) {
  id referenceNumber status applicant { nationalId } history { status } } }
"""


class Closed(Exception):
    def __init__(self, code: int | None, reason: str) -> None:
        super().__init__(f"closed {code}: {reason}")
        self.code, self.reason = code, reason


class LiveClient:
    """One socket. Answers the server's pings unless told not to, as graphql-ws does."""

    def __init__(self, ws: ClientConnection, *, answer_pings: bool = True) -> None:
        self.ws = ws
        self.answer_pings = answer_pings
        self._ids = 0

    async def send(self, message: dict[str, Any]) -> None:
        await self.ws.send(orjson.dumps(message).decode())

    async def receive(self, timeout: float = 5.0) -> dict[str, Any]:
        """The next message other than a ping; Closed when the server closed the socket."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                raw = await asyncio.wait_for(self.ws.recv(), max(0.01, deadline - time.monotonic()))
            except ConnectionClosed as closed:
                received = closed.rcvd
                raise Closed(received.code if received else None,
                             received.reason if received else "") from None
            assert isinstance(raw, str), "graphql-transport-ws messages are text frames"
            message = orjson.loads(raw)
            if message.get("type") == "ping":
                if self.answer_pings:
                    await self.send({"type": "pong"})
                continue
            return message

    async def init(self, token: str | None) -> dict[str, Any]:
        await self.send({"type": "connection_init",
                         "payload": {"Authorization": f"Bearer {token}"} if token else {}})
        return await self.receive()

    async def subscribe(self, query: str, variables: dict[str, Any] | None = None) -> str:
        self._ids += 1
        operation_id = str(self._ids)
        await self.send({"id": operation_id, "type": "subscribe",
                         "payload": {"query": query, "variables": variables or {}}})
        return operation_id

    async def next(self, timeout: float = 5.0) -> tuple[str, dict[str, Any]]:
        """(operation id, data) of the next event."""
        message = await self.receive(timeout)
        assert message["type"] == "next", message
        assert "errors" not in message["payload"], message
        return message["id"], message["payload"]["data"]

    async def closed(self, timeout: float = 6.0) -> Closed:
        """Waits for the server to close the socket, ignoring anything else it sends."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                await self.receive(deadline - time.monotonic())
            except Closed as closed:
                return closed
            except TimeoutError:
                break
        raise AssertionError(f"the socket was still open after {timeout} s")

    async def listen(self, seconds: float) -> list[dict[str, Any]]:
        """Reads (answering pings) for `seconds`; what came other than pings."""
        received: list[dict[str, Any]] = []
        deadline = time.monotonic() + seconds
        with contextlib.suppress(TimeoutError):
            while time.monotonic() < deadline:
                received.append(await self.receive(deadline - time.monotonic()))
        return received

    async def is_open(self) -> bool:
        """A protocol ping answered with a pong proves the socket still works end to end."""
        try:
            await self.send({"type": "ping"})
            return (await self.receive(3))["type"] == "pong"
        except (Closed, ConnectionClosed):
            return False


@contextlib.asynccontextmanager
async def live_socket(url: str, token: str | None, *, answer_pings: bool = True
                      ) -> AsyncIterator[LiveClient]:
    """A socket on `url` (ws://.../graphql) past connection_init with `token`."""
    async with connect(url, subprotocols=[PROTOCOL], open_timeout=5) as ws:  # type: ignore[list-item]
        client = LiveClient(ws, answer_pings=answer_pings)
        ack = await client.init(token)
        assert ack["type"] == "connection_ack", ack
        yield client


# An answer of some 50 kB (every name and description of the schema): a few fill the small
# buffers between a server started with a small send buffer and a client that stopped reading.
SCHEMA_TEXTS = (
    "{ __schema { types { name description fields { name description args { name description } } "
    "inputFields { name description } enumValues { name description } } } }"
)


@contextlib.asynccontextmanager
async def stuck_socket(url: str, token: str) -> AsyncIterator[LiveClient]:
    """A signed-in socket whose client stopped reading, as a phone that lost its network does
    with the connection still up: once the buffers are full, every send to it blocks."""
    parts = urlsplit(url)
    raw = socket.socket()
    raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # a small window fills fast
    raw.connect((parts.hostname, parts.port))
    raw.setblocking(False)
    # Uncompressed, so that the answers fill the buffers; no waiting for a closing handshake
    # the server cannot send.
    async with connect(url, sock=raw, subprotocols=[PROTOCOL], open_timeout=5,  # type: ignore[list-item]
                       compression=None, close_timeout=0.1) as ws:
        client = LiveClient(ws)
        assert (await client.init(token))["type"] == "connection_ack"
        ws.transport.pause_reading()
        for _ in range(5):
            await client.subscribe(SCHEMA_TEXTS)
        yield client


@contextlib.asynccontextmanager
async def raw_socket(url: str) -> AsyncIterator[LiveClient]:
    async with connect(url, subprotocols=[PROTOCOL], open_timeout=5) as ws:  # type: ignore[list-item]
        yield LiveClient(ws)


@contextlib.asynccontextmanager
async def serving(app: Any, *, send_buffer: int | None = None) -> AsyncIterator[str]:
    """`app` (its lifespan already running) served by uvicorn on a loopback port, in this
    event loop; yields the WebSocket URL of /graphql. `send_buffer` (bytes) caps the kernel's
    buffer for what the server sends on each connection, as a slow network would."""
    port = free_port()
    listening = socket.socket()
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if send_buffer is not None:
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, send_buffer)  # inherited
    listening.bind(("127.0.0.1", port))
    config = uvicorn.Config(app, lifespan="off", log_level="warning", ws="websockets-sansio")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[listening]))
    try:
        while not server.started:
            assert not task.done(), "uvicorn did not start"
            await asyncio.sleep(0.02)
        yield f"ws://127.0.0.1:{port}/graphql"
    finally:
        server.should_exit = True
        await task


async def until(condition: Any, timeout: float = 5.0) -> None:
    """Waits for `condition()` to hold (e.g. the server has registered the subscriptions)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)
