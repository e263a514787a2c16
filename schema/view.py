"""The GraphQL route: Strawberry's ASGI view with our context, JSON codec, timeout and
GraphQL-over-HTTP media type negotiation."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import orjson
import strawberry
from graphql import GraphQLError
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.types import Message, Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.execution.is_awaitable import optimized_is_awaitable
from strawberry.http import process_result
from strawberry.schema._graphql_core import execution_context_class_kwargs
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET
from strawberry.utils.await_maybe import await_maybe

from resolvers.runtime import Runtime
from schema import Prepared, Schema
from schema.context import Context
from schema.graphiql import graphiql_html

GRAPHQL_RESPONSE = "application/graphql-response+json"

log = logging.getLogger("gosi.server")


class GraphQLView(GraphQL):
    def __init__(self, schema: strawberry.Schema, runtime: Runtime) -> None:
        production = runtime.settings.production
        super().__init__(schema, graphql_ide=None if production else "graphiql")
        self.runtime = runtime
        self.timeout = runtime.settings.execution_timeout_seconds

    async def get_context(self, request: Request, response: Response) -> Context:  # type: ignore[override]
        return Context(request=request, response=response, runtime=self.runtime)

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


class LeanGraphQLView(GraphQLView):
    """GraphQLView with a lean path for the common request: a JSON POST of a document the
    server has seen and validated before is executed straight away (graphql-core's execute
    with the schema's own executor class, errors logged and masked as the Rules extension
    does), skipping strawberry's per-request HTTP and extension machinery. Anything else,
    or a document that does not validate, takes the whole GraphQLView path unchanged."""

    LEAN_KEYS = frozenset({"query", "variables", "operationName", "extensions"})
    PREPARED_LIMIT = 512

    def __init__(self, schema: Schema, runtime: Runtime) -> None:
        super().__init__(schema, runtime)
        self.lean_schema = schema
        self.prepared: dict[tuple[str, str | None], Prepared | None] = {}
        self.execute_document = schema._get_execute_function()
        self.executor_options = execution_context_class_kwargs(schema.execution_context_class)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST":
            request = Request(scope, receive)
            if lean_request(request):
                body = await request.body()
                response = await self.lean_post(request, body)
                if response is not None:
                    await response(scope, receive, send)
                    return
                receive = replay(body, receive)
        await super().__call__(scope, receive, send)

    async def lean_post(self, request: Request, body: bytes) -> Response | None:
        """The answer to a JSON POST of an already validated document; None to fall back."""
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError:
            return None
        if not isinstance(data, dict) or not data.keys() <= self.LEAN_KEYS or data.get("extensions"):
            return None
        query, variables, name = data.get("query"), data.get("variables"), data.get("operationName")
        if not (isinstance(query, str) and isinstance(variables, dict | None)
                and isinstance(name, str | None)):
            return None
        prepared = self.prepare(query, name)
        if prepared is None:
            return None
        sub_response = await self.get_sub_response(request)
        context = await self.get_context(request, sub_response)
        try:
            async with asyncio.timeout(self.timeout):
                result = await await_maybe(self.execute_document(
                    self.lean_schema._schema, prepared.document, context_value=context,
                    variable_values=variables, operation_name=name,
                    is_awaitable=optimized_is_awaitable, **self.executor_options,
                ))
        except TimeoutError:
            log.warning("operation exceeded %.1fs and was cancelled", self.timeout)
            result = timed_out()
        else:
            errors = self.lean_schema.finish_errors(result.errors) if result.errors else None
            result = ExecutionResult(data=result.data, errors=errors)
        return self.create_response(process_result(result), sub_response)

    def prepare(self, query: str, operation_name: str | None) -> Prepared | None:
        """Parsed and validated once per document and operation name; bounded."""
        key = (query, operation_name)
        try:
            return self.prepared[key]
        except KeyError:
            pass
        if len(self.prepared) >= self.PREPARED_LIMIT:
            self.prepared.clear()
        prepared = self.prepared[key] = self.lean_schema.prepare(query, operation_name)
        return prepared


def lean_request(request: Request) -> bool:
    """A POST of JSON whose client does not ask for graphql-response+json (whose request
    errors and media type GraphQLView.run negotiates)."""
    headers = request.headers
    media_type = headers.get("content-type", "").partition(";")[0].strip().lower()
    return media_type == "application/json" and GRAPHQL_RESPONSE not in headers.get("accept", "")


def replay(body: bytes, receive: Receive) -> Receive:
    """`receive` with the body already read handed out again first."""
    pending = [{"type": "http.request", "body": body, "more_body": False}]

    async def again() -> Message:
        return pending.pop() if pending else await receive()

    return again


def timed_out() -> ExecutionResult:
    return ExecutionResult(
        data=None,
        errors=[GraphQLError("The request took too long.", extensions={"code": "TIMEOUT"})],
    )


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


