"""The GraphQL route: Strawberry's ASGI view with our context, JSON codec, timeout and
GraphQL-over-HTTP media type negotiation."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any

import orjson
import strawberry
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET, UnsetType

from resolvers.runtime import Runtime
from schema.context import Context
from schema.graphiql import graphiql_html
from schema.live import LiveHandler, TextWebSocketAdapter, accept_socket

GRAPHQL_RESPONSE = "application/graphql-response+json"
CONNECTION_INIT_WAIT = dt.timedelta(seconds=10)
OPERATIONS_PER_SOCKET = 5

log = logging.getLogger("gosi.server")


class GraphQLView(GraphQL):
    graphql_transport_ws_handler_class = LiveHandler
    websocket_adapter_class = TextWebSocketAdapter  # type: ignore[assignment]

    def __init__(self, schema: strawberry.Schema, runtime: Runtime) -> None:
        production = runtime.settings.production
        super().__init__(
            schema,
            graphql_ide=None if production else "graphiql",
            # graphql-transport-ws only: the legacy graphql-ws protocol has no connection
            # rules to hold a session to.
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            connection_init_wait_timeout=CONNECTION_INIT_WAIT,
            max_subscriptions_per_connection=OPERATIONS_PER_SOCKET,
            allowed_origins=runtime.settings.cors_origins,
        )
        self.runtime = runtime
        self.timeout = runtime.settings.execution_timeout_seconds

    async def get_context(  # type: ignore[override]
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        return Context(request=request, response=response, runtime=self.runtime)  # type: ignore[arg-type]

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:  # type: ignore[override]
        return await accept_socket(context)

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        return HTMLResponse(graphiql_html())

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    def decode_json(self, data: str | bytes) -> object:
        # Strict JSON: a lone surrogate ("\ud800") is refused with the other malformed bodies
        # (400) instead of reaching the rules as text no database or hash can encode.
        return orjson.loads(data)

    async def execute_operation(self, *args: Any, **kwargs: Any) -> Any:
        try:
            async with asyncio.timeout(self.timeout):
                return await super().execute_operation(*args, **kwargs)
        except TimeoutError:
            log.warning("operation exceeded %.1fs and was cancelled", self.timeout)
            return ExecutionResult(
                data=None,
                errors=[GraphQLError("The request took too long.", extensions={"code": "TIMEOUT"})],
            )

    async def process_result(self, request: Request, result: ExecutionResult) -> Any:
        data = await super().process_result(request, result)
        # A request error (the document never ran) has no `data` under graphql-response+json.
        if (
            wants_graphql_response(request)
            and result.data is None
            and result.errors
            and all(error.path is None for error in result.errors)
        ):
            data.pop("data", None)
            request.state.graphql_request_error = True
        return data

    async def run(self, request: Any, context: Any = UNSET, root_value: Any = UNSET) -> Any:
        response = await super().run(request, context, root_value)
        if (
            isinstance(response, Response)
            and response.media_type == "application/json"
            and wants_graphql_response(request)
        ):
            response.headers["content-type"] = GRAPHQL_RESPONSE
            if getattr(request.state, "graphql_request_error", False):
                response.status_code = 400
        return response


def _quality(accept: str, media_type: str) -> float:
    best = 0.0
    for part in accept.split(","):
        name, *params = (piece.strip() for piece in part.split(";"))
        if name.lower() != media_type:
            continue
        quality = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        best = max(best, quality)
    return best


def wants_graphql_response(request: Request) -> bool:
    """The client prefers application/graphql-response+json (GraphQL over HTTP)."""
    accept = request.headers.get("accept", "")
    if GRAPHQL_RESPONSE not in accept:
        return False
    preference = _quality(accept, GRAPHQL_RESPONSE)
    return preference > 0 and preference >= _quality(accept, "application/json")


