"""The GraphQL route: Strawberry's ASGI view with our context, JSON codec, timeout and
GraphQL-over-HTTP media type negotiation."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import orjson
import strawberry
from graphql import FieldNode, GraphQLError, OperationDefinitionNode, parse
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from strawberry.asgi import GraphQL
from strawberry.types import ExecutionResult
from strawberry.types.unset import UNSET
from tortoise.exceptions import BaseORMException

from resolvers.runtime import Runtime
from schema.context import Context, bearer_token
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
        context = Context(request=request, response=response, runtime=self.runtime)
        request.state.graphql_context = context
        return context

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
        request.state.graphql_failed = bool(result.errors)
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
        if isinstance(response, Response):
            await self._caching_and_challenge(request, response)
        return response

    async def _caching_and_challenge(self, request: Request, response: Response) -> None:
        context: Context | None = getattr(request.state, "graphql_context", None)
        if context is None:
            return
        if bearer_token(request.headers.get("authorization")):
            # RFC 6750: a token that opens no session is named, even when the query only
            # answered null, so a client's refresh-on-error fires for reads too. A lookup
            # that already failed (database down) was answered by the operation itself.
            if not context.session_tried:
                with contextlib.suppress(BaseORMException, OSError):
                    await context.session()
            if context.token_rejected:
                response.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        elif (
            request.method == "GET"
            and response.status_code == 200
            and not getattr(request.state, "graphql_failed", True)
            and only_public_fields(request.query_params.get("query", ""))
        ):
            response.headers["Cache-Control"] = PUBLIC_CACHE
            response.headers["Vary"] = "Accept-Language"


PUBLIC_CACHE = "public, max-age=300"
# Root fields that are the same for every caller (in one language): the catalog.
PUBLIC_FIELDS = frozenset({"services", "__typename"})


def only_public_fields(query: str) -> bool:
    """The document asks the catalog and nothing else (no fragments, no other field)."""
    try:
        document = parse(query)
    except GraphQLError:
        return False
    operations = document.definitions
    return len(operations) == 1 and isinstance(operations[0], OperationDefinitionNode) and all(
        isinstance(selection, FieldNode) and selection.name.value in PUBLIC_FIELDS
        for selection in operations[0].selection_set.selections
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


