"""The GraphQL route: Strawberry's ASGI view with our context, JSON codec, timeout and
GraphQL-over-HTTP media type negotiation."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
from collections.abc import Awaitable
from typing import Any

import orjson
import strawberry
import structlog
from cross_web import HTTPException, StarletteRequestAdapter
from cross_web.request import FormData
from graphql import FieldNode, GraphQLError, OperationDefinitionNode, parse
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import MissingQueryError
from strawberry.http import GraphQLRequestData
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType
from strawberry.types.unset import UNSET, UnsetType
from tortoise.exceptions import BaseORMException

from resolvers.platform.i18n import negotiate_language, translate
from resolvers.platform.negotiation import media_match, parse_accept, quality_of
from resolvers.platform.runtime import Runtime
from schema.context import Context, bearer_token
from schema.http.deadlines import Deadlines
from schema.http.graphiql import graphiql_html
from schema.http.middleware import is_json, noted
from schema.http.request_errors import localized
from schema.http.trusted_documents import TrustedDocuments
from schema.live import LiveHandler, TextWebSocketAdapter, accept_socket

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"
CONNECTION_INIT_WAIT = dt.timedelta(seconds=10)
OPERATIONS_PER_SOCKET = 5

log = structlog.stdlib.get_logger("gosi.server")

# Either header makes a browser preflight the request (it is not a "simple" request), so a
# page on another site cannot post a form to /graphql: Apollo's CSRF prevention.
PREFLIGHT_HEADERS = ("apollo-require-preflight", "graphql-require-preflight")
# More file parts than a request may carry are still parsed, so the payload can say
# TOO_MANY_FILES; far more is a malformed request. The operations and map parts are JSON
# and keep the JSON body limit.
MAX_FILE_PARTS = 20
MAX_FIELD_BYTES = 100 * 1024
MULTIPART_PREFLIGHT = (
    "A multipart request needs a non-empty Apollo-Require-Preflight or GraphQL-Require-Preflight header."
)


class UploadRequestAdapter(StarletteRequestAdapter):
    async def get_form_data(self) -> FormData:
        form = await self._request.form(
            max_files=MAX_FILE_PARTS, max_fields=10, max_part_size=MAX_FIELD_BYTES
        )
        return FormData(files=form, form=form)


class GraphQLView(GraphQL):
    request_adapter_class = UploadRequestAdapter
    graphql_transport_ws_handler_class = LiveHandler  # type: ignore[assignment]
    websocket_adapter_class = TextWebSocketAdapter

    def __init__(self, schema: strawberry.Schema, runtime: Runtime) -> None:
        production = runtime.settings.production
        super().__init__(
            schema,
            graphql_ide=None if production else "graphiql",
            multipart_uploads_enabled=True,
            # graphql-transport-ws only (the contract's protocol); the legacy one of
            # subscriptions-transport-ws has no ping/pong and is unmaintained.
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            connection_init_wait_timeout=CONNECTION_INIT_WAIT,
            max_subscriptions_per_connection=OPERATIONS_PER_SOCKET,
            allowed_origins=runtime.settings.cors_origins,
        )
        self.runtime = runtime
        self.timeout = runtime.settings.execution_timeout_seconds
        self.deadlines = Deadlines(self.timeout)
        self.trusted = TrustedDocuments.from_settings(runtime.settings)
        self.trusted.compile(schema.executor)  # type: ignore[attr-defined]

    def should_render_graphql_ide(self, request: Any) -> bool:
        return "documentId" not in request.query_params and super().should_render_graphql_ide(request)

    async def parse_http_body(self, request: Any) -> Any:
        """A `documentId` (in the JSON body, or a GET parameter) stands for its trusted
        document's text; an unknown one is answered PERSISTED_DOCUMENT_NOT_FOUND."""
        data = await super().parse_http_body(request)
        if not isinstance(data, GraphQLRequestData) or data.query is not None:
            return data
        if request.method == "GET":
            document_id = request.query_params.get("documentId")
        else:
            body = self.parse_json(await request.get_body())
            document_id = body.get("documentId") if isinstance(body, dict) else None
        if document_id is None:
            return data
        state = request._request.state  # the Starlette request under the adapter
        data.query = self.trusted.text_of(document_id)
        state.trusted_document = data.query
        state.persisted_document_missing = data.query is None
        return data

    async def get_context(  # type: ignore[override]
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        context = Context(request=request, response=response, runtime=self.runtime)  # type: ignore[arg-type]
        request.state.graphql_context = context
        return context

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:  # type: ignore[override]
        return await accept_socket(context)

    async def execute_single(  # type: ignore[override]  # noqa: PLR0917
        self,
        request: Request,
        request_adapter: Any,
        sub_response: Response,
        context: Context,
        root_value: Any,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        # Subscriptions run over the WebSocket only: plain HTTP would run one as a query.
        allowed = {OperationType.QUERY} | (
            {OperationType.MUTATION} if request_adapter.method == "POST" else set()
        )
        refused = self._refusal(request, context, request_data.query)
        if refused is not None:
            return ExecutionResult(data=None, errors=[refused])
        request.state.graphql_query = request_data.query
        try:
            result = await self.schema.execute(
                request_data.query,
                root_value=root_value,
                variable_values=request_data.variables,
                context_value=context,
                operation_name=request_data.operation_name,
                allowed_operation_types=allowed,
                operation_extensions=request_data.extensions,
            )
        except CannotGetOperationTypeError as error:
            raise HTTPException(400, error.as_http_error_reason()) from error
        except InvalidOperationTypeError as error:
            # GraphQL over HTTP: a mutation sent with GET is 405 Method Not Allowed (POST is).
            over_get = request_adapter.method == "GET" and error.operation_type is OperationType.MUTATION
            reason = error.as_http_error_reason(request_adapter.method)
            raise HTTPException(405 if over_get else 400, reason) from error
        except MissingQueryError as error:
            raise HTTPException(400, "No GraphQL query found in the request") from error
        # Who opened whose data is in the database before the answer that showed it leaves.
        await self.runtime.access_log.flush()
        return result

    def _refusal(self, request: Request, context: Context, query: str | None) -> GraphQLError | None:
        """An unknown document ID, or a document sent as text where only trusted ones run."""
        if noted(request, "persisted_document_missing", False):
            code, key = "PERSISTED_DOCUMENT_NOT_FOUND", "persisted_document_not_found"
        elif noted(request, "trusted_document", None) is None \
                and not self.trusted.allows(query):
            code, key = "TRUSTED_DOCUMENT_REQUIRED", "trusted_document_required"
        else:
            return None
        log.info("graphql_error", code=code)
        return GraphQLError(translate(key, context.language), extensions={"code": code})

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        return HTMLResponse(graphiql_html())

    async def parse_multipart(self, request: Any) -> dict[str, str]:
        if not any(request.headers.get(name, "").strip() for name in PREFLIGHT_HEADERS):
            raise HTTPException(400, MULTIPART_PREFLIGHT)
        return await super().parse_multipart(request)

    def encode_json(self, data: object) -> bytes:
        return orjson.dumps(data)

    def decode_json(self, data: str | bytes) -> object:
        # Strict JSON: a lone surrogate ("\ud800") is refused with the other malformed bodies
        # (400) instead of reaching the rules as text no database or hash can encode.
        return orjson.loads(data)

    async def execute_operation(self, *args: Any, **kwargs: Any) -> Any:
        return await self._in_time(super().execute_operation(*args, **kwargs))

    async def _in_time(self, operation: Awaitable[Any]) -> Any:
        try:
            return await self.deadlines.run(operation)
        except TimeoutError:
            log.warning("operation_timeout", timeout_seconds=self.timeout)
            return ExecutionResult(
                data=None,
                errors=[GraphQLError("The request took too long.", extensions={"code": "TIMEOUT"})],
            )

    async def process_result(self, request: Request, result: ExecutionResult) -> Any:
        if result.errors:
            result.errors = localized(
                result.errors, negotiate_language(request.headers.get("accept-language")),
                noted(request, "graphql_query", None), getattr(self.schema, "_schema", None),
            )
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
        try:
            response = None
            if isinstance(request, Request) and context is UNSET and root_value is UNSET:
                response = await self._plain_post(request)
            if response is None:
                response = await super().run(request, context, root_value)
        except HTTPException as error:
            if not isinstance(request, Request):
                raise
            response = refusal(request, error)
        finally:
            if isinstance(request, Request):
                await request.close()  # the spooled upload files, if any
        if (
            isinstance(response, Response)
            and response.media_type == "application/json"
            and wants_graphql_response(request)
        ):
            response.headers["content-type"] = GRAPHQL_RESPONSE
            if noted(request, "graphql_request_error", False):
                response.status_code = 400
        if isinstance(response, Response):
            await self._caching_and_challenge(request, response)
        return response

    async def _plain_post(self, request: Request) -> Response | None:
        """The API's everyday request, one operation POSTed as JSON, answered without
        Strawberry's general handling (content types, batches, streams, the IDE, its
        temporary response), which cost `me` a fifth of its time. It runs the same
        execute_single within the same time limit, and the same process_result. Anything
        else, malformed bodies included, returns None and takes Strawberry's path, which
        answers it as before."""
        if request.method != "POST" or self._stream_transport_map \
                or not is_json(request.headers.get("content-type")):
            return None
        try:
            data = orjson.loads(await request.body())
        except orjson.JSONDecodeError:
            return None
        if not isinstance(data, dict):
            return None
        query, variables, extensions = data.get("query"), data.get("variables"), data.get("extensions")
        if not isinstance(variables, dict | None) or not isinstance(extensions, dict | None):
            return None
        if query is None:
            document_id = data.get("documentId")
            query = self.trusted.text_of(document_id) if isinstance(document_id, str) else None
            if query is None:
                return None
            request.state.trusted_document = query
        elif not isinstance(query, str):
            return None
        request_data = GraphQLRequestData(
            query=query, variables=variables, operation_name=data.get("operationName"),
            extensions=extensions, protocol="http",
        )
        context = await self.get_context(request, response=None)  # type: ignore[arg-type]
        # What Strawberry's execute_operation does for one operation that does not stream.
        result = await self._in_time(self.execute_single(
            request, self.request_adapter_class(request), None,  # type: ignore[arg-type]
            context, None, request_data,
        ))
        answer = await self.process_result(request, result)
        return Response(self.encode_json(answer), media_type=JSON)

    async def _caching_and_challenge(self, request: Request, response: Response) -> None:
        context: Context | None = noted(request, "graphql_context", None)
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
            and not noted(request, "graphql_failed", True)
            and only_public_fields(noted(request, "trusted_document", None)
                                   or request.query_params.get("query", ""))
        ):
            response.headers["Cache-Control"] = PUBLIC_CACHE
            response.headers["Vary"] = "Accept-Language"


# Strawberry's and this view's refusals of a request it cannot read, by their reason.
REFUSALS = {
    "Unable to parse request body as JSON": "body_not_json",
    "Unsupported content type": "unsupported_content_type",
    "No GraphQL query found in the request": "no_query",
    MULTIPART_PREFLIGHT: "preflight_missing",
}


def refusal(request: Request, error: HTTPException) -> Response:
    """A request the server cannot read, answered as GraphQL over HTTP answers: JSON with
    BAD_REQUEST, in the caller's language, with the status Strawberry chose."""
    language = negotiate_language(request.headers.get("accept-language"))
    key = REFUSALS.get(error.reason)
    if key is None and error.reason.startswith("mutations are not allowed"):
        key = "mutation_by_get"
    if key is None and error.reason.startswith("subscriptions are not allowed"):
        key = "websocket_only"
    message = translate(key or "bad_request", language, detail=error.reason)
    body = {"errors": [{"message": message, "extensions": {"code": "BAD_REQUEST"}}]}
    media_type = GRAPHQL_RESPONSE if wants_graphql_response(request) else JSON
    headers = {"Allow": "GET, POST"} if error.status_code == 405 else None
    return Response(orjson.dumps(body), status_code=error.status_code, media_type=media_type,
                    headers=headers)


PUBLIC_CACHE = "public, max-age=300"
# Root fields that are the same for every caller (in one language): the catalog, the
# enumerations' labels and the published policies.
PUBLIC_FIELDS = frozenset({"services", "enumLabels", "policies", "__typename"})


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


@functools.lru_cache(maxsize=64)
def wants_graphql_response(request: Request) -> bool:
    """The client names application/graphql-response+json (GraphQL over HTTP) and weighs it at
    least as much as application/json. `*/*`, `application/json` or no Accept keep JSON."""
    return _prefers_graphql_response(request.headers.get("accept"))


@functools.lru_cache(maxsize=256)  # clients repeat the same few Accept headers
def _prefers_graphql_response(accept: str | None) -> bool:
    preferences = parse_accept(accept)
    graphql = quality_of(preferences, GRAPHQL_RESPONSE, media_match)
    if graphql is None or graphql.range != GRAPHQL_RESPONSE or graphql.quality == 0:
        return False
    json = quality_of(preferences, JSON, media_match)
    return json is None or graphql.quality >= json.quality
