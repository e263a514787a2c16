"""Subscriptions over graphql-transport-ws: the Subscription type, and the protocol handler
that ties each socket to its sign-in, its limits and its keep-alive."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator, Mapping
from typing import Annotated

import orjson
import strawberry
from graphql import GraphQLError
from starlette.websockets import WebSocketDisconnect
from strawberry.asgi import ASGIWebSocketAdapter
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    PongMessage,
)
from strawberry.types.unset import UNSET, UnsetType

from models import Role
from resolvers.platform.i18n import translate
from resolvers.platform.live import events
from schema.base import decode_global_id
from schema.context import Context, Info
from schema.inbox import Notification
from schema.service_requests.types import ServiceRequest, staff_viewer


def _socket(info: Info) -> events.Socket:
    socket = info.context.socket
    if socket is None:
        raise info.context.error("BAD_REQUEST", "websocket_only")
    return socket


def _slow(info: Info) -> GraphQLError:
    return GraphQLError(
        translate("slow_consumer", info.context.language), extensions={"code": "SLOW_CONSUMER"}
    )


@strawberry.type(
    description="Over WebSocket on /graphql, subprotocol graphql-transport-ws. connection_init "
    'carries {"Authorization": "Bearer <accessToken>"}; without a live session the socket '
    "closes with 4403, and it closes with 4403 within seconds of its sign-in ending."
)
class Subscription:
    @strawberry.subscription(description="Each new notification of the signed-in member.")
    async def notification_received(self, info: Info) -> AsyncGenerator[Notification, None]:
        socket = _socket(info)
        try:
            async for row in info.context.runtime.live.stream(socket, "notification"):
                # One context serves the whole socket: each event is read fresh.
                info.context.loaders.clear()
                yield Notification.from_model(row)  # type: ignore[arg-type]
        except events.SlowConsumer:
            raise _slow(info) from None

    @strawberry.subscription(
        description="A request changed: the member's own requests; staff see every request. "
        "One request with requestId."
    )
    async def request_updated(
        self,
        info: Info,
        request_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only this request; every request the caller may see when absent."),
        ] = None,
    ) -> AsyncGenerator[ServiceRequest, None]:
        socket = _socket(info)
        key = None
        if request_id is not None:
            key = decode_global_id(request_id, "ServiceRequest")
            if key is None:
                raise info.context.error("BAD_USER_INPUT", "INVALID")
        staff = await staff_viewer(info)
        try:
            async for row in info.context.runtime.live.stream(socket, "request", key):
                info.context.loaders.clear()
                yield ServiceRequest.from_model(row, staff)  # type: ignore[arg-type]
        except events.SlowConsumer:
            raise _slow(info) from None


class TextWebSocketAdapter(ASGIWebSocketAdapter):
    """graphql-transport-ws messages travel as text frames: the view's JSON codec answers
    bytes, which Starlette would send as binary frames that clients do not parse."""

    async def send_json(self, message: Mapping[str, object]) -> None:
        try:
            await self.ws.send_text(orjson.dumps(message).decode())
        except WebSocketDisconnect as exc:
            raise WebSocketDisconnected from exc


class LiveHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """Strawberry's graphql-transport-ws handler, plus: the socket's place in the hub (its
    limits, the session watch, the keep-alive ping) and the close codes of refusals."""

    context: Context

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        try:
            await super().handle_connection_init(message)
        except events.Refused as refused:
            await self.websocket.close(code=refused.code, reason=refused.reason)
            return
        socket = self.context.socket
        if socket is not None and self.connection_acknowledged:
            socket.link = self

    async def handle_pong(self, message: PongMessage) -> None:
        if self.context.socket is not None:
            self.context.socket.pong()

    async def ping(self) -> None:
        await self.send_message({"type": "ping"})

    async def end(self, code: int, reason: str) -> None:
        """Ends every operation, then closes the socket (the hub calls this)."""
        for operation_id in list(self.operations):
            await self.cleanup_operation(operation_id)
        with contextlib.suppress(RuntimeError, WebSocketDisconnected):
            await self.websocket.close(code=code, reason=reason)

    async def shutdown(self) -> None:
        try:
            await super().shutdown()
        finally:
            socket = self.context.socket
            if socket is not None:
                self.context.runtime.live.close_socket(socket)


async def accept_socket(context: Context) -> UnsetType:
    """connection_init: the session named in its payload, within the socket limits."""
    session = await context.session()
    if session is None:
        raise ConnectionRejectionError()
    context.socket = context.runtime.live.open_socket(
        member_id=session.member_id, family=session.family, staff=session.member.role is Role.STAFF
    )
    return UNSET
