"""ASGI middleware of the HTTP layer."""

from __future__ import annotations

import itertools
import os
import re
from typing import Any

import structlog
from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import JSONResponse, Response
from starlette.routing import get_route_path
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from resolvers.platform import metrics
from resolvers.platform.i18n import negotiate_language, translate

MAX_BODY_BYTES = 100 * 1024
REQUEST_ID_HEADER = "X-Request-Id"
# A caller's own request id is kept when it is short and plain (a UUID, a trace id, ...):
# it goes into every log line, so nothing that could forge or break a line.
_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")


# A new request's id: this process's random prefix and a counter (32 hex digits, as a
# UUID's). uuid4() asks the kernel for randomness on every request and releases the GIL to
# do it; under load the loop lost the GIL to another thread there more than anywhere else
# (tests/bench/stalls.py). Request ids need to be unique, not secret.
_PROCESS_PREFIX = os.urandom(8).hex()
_sequence = itertools.count()


def noted(request: Any, name: str, default: Any) -> Any:
    """What the request's state holds under `name`: `getattr(request.state, name, default)`
    without the AttributeError Starlette's State raises (and formats) for a missing name,
    several times a request."""
    return request.scope.get("state", {}).get(name, default)


def request_id_from(incoming: str | None) -> str:
    """The caller's own X-Request-Id when it is short and plain, else a new one."""
    if incoming is not None and _SAFE_REQUEST_ID.fullmatch(incoming):
        return incoming
    return f"{_PROCESS_PREFIX}{next(_sequence):016x}"


class Envelope:
    """What every answer carries, added in one pass over its headers (each middleware layer
    costs every request a call and a copy of its headers):

    - the request id, bound to every log line of the request (structlog contextvars; the
      member id joins once the session is known) and answered in `X-Request-Id`;
    - `Content-Language`: the language Accept-Language picks (Arabic when absent), unless the
      answer names its own (a letter in the member's language);
    - `X-Content-Type-Options: nosniff`; `Cache-Control: no-store` on every answer to a
      request that carries a bearer token, so nothing personal stays in a cache;
      `Strict-Transport-Security` when the server is reached over https (PUBLIC_URL);
    - `Vary: Origin` on the answer to a request without an Origin, as Starlette's CORS adds
      it (only requests with an Origin go through CORS), so a cache never gives that answer
      to a page on another site;
    - the count of HTTP requests being answered (gosi_http_requests_in_progress).
    """

    def __init__(
        self, app: ASGIApp, *, https: bool = False, cors: dict[str, Any] | None = None,
    ) -> None:
        self.app = app
        # Inside the envelope, so their refusals carry it too: the body limit, and Starlette's
        # CORS (`cors`: its options) for the requests that carry an Origin. The others go
        # straight to the body limit: CORS would only add `Vary: Origin`, which this pass does.
        self.limited = BodySizeLimit(app)
        self.cross_origin: ASGIApp = CORSMiddleware(self.limited, **cors) if cors else self.limited
        self.always = [(b"x-content-type-options", b"nosniff")]
        if https:
            self.always.append((b"strict-transport-security", HSTS.encode()))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        incoming_id = accept_language = None
        authorized = origin = False
        for name, value in scope["headers"]:
            if name == b"authorization":
                authorized = True
            elif name == b"origin":
                origin = True
            elif name == b"accept-language" and accept_language is None:
                accept_language = value.decode("latin-1")
            elif name == b"x-request-id" and incoming_id is None:
                incoming_id = value.decode("latin-1").strip()
        request_id = request_id_from(incoming_id)
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        try:
            if kind == "websocket":
                await self.app(scope, receive, send)
                return
            added = [(b"x-request-id", request_id.encode()), *self.always]
            language = negotiate_language(accept_language).value.lower().encode()

            async def send_enveloped(message: Message) -> None:
                if message["type"] == "http.response.start":
                    message["headers"] = enveloped(
                        message.get("headers", ()), added, language, authorized, origin)
                await send(message)

            metrics.HTTP_IN_PROGRESS.inc()
            try:
                await (self.cross_origin if origin else self.limited)(scope, receive, send_enveloped)
            finally:
                metrics.HTTP_IN_PROGRESS.dec()
        finally:
            structlog.contextvars.clear_contextvars()


class GraphQLLane:
    """JSON POSTs to the GraphQL route go straight to its view, past Starlette's exception
    layer and router: for the API's everyday request their request object, closures,
    wrapped `send` and route matching were 2–4% of `me`'s CPU. Everything else (GET,
    uploads, WebSockets, other paths) takes the router as before.

    The view answers its own refusals (Strawberry's HTTPException); the exception layer only
    answers Starlette's, which nothing on the view's JSON path raises (multipart parsing
    does: uploads keep that path)."""

    def __init__(self, app: ASGIApp, *, route: Any) -> None:
        self.app = app
        self.route = route
        self.path = route.path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" \
                and get_route_path(scope) == self.path and is_json(_content_type(scope["headers"])):
            # What the router would have put in the scope.
            scope["route"], scope["endpoint"], scope["path_params"] = self.route, self.route.endpoint, {}
            await self.route.app(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _content_type(headers: Any) -> str | None:
    for name, value in headers:
        if name == b"content-type":
            return value.decode("latin-1")
    return None


def is_json(content_type: str | None) -> bool:
    """`application/json`, with or without parameters (a charset)."""
    return content_type is not None \
        and content_type.partition(";")[0].strip().lower() == "application/json"


# The envelope's own headers, which replace any the answer set.
REPLACED = frozenset({b"x-request-id", b"x-content-type-options", b"strict-transport-security"})


def enveloped(
    headers: Any, added: list[tuple[bytes, bytes]], language: bytes, authorized: bool,
    origin: bool,
) -> list[tuple[bytes, bytes]]:
    """The answer's headers with the envelope's: those it sets replace the answer's own."""
    kept: list[tuple[bytes, bytes]] = []
    varies: list[bytes] = []
    has_language = False
    for name, value in headers:
        lowered = name.lower()
        if lowered == b"vary" and not origin:
            varies.append(value)
            continue
        if lowered in REPLACED or lowered == b"cache-control" and authorized:
            continue
        if lowered == b"content-language":
            has_language = True
        kept.append((name, value))
    kept.extend(added)
    if not has_language:
        kept.append((b"content-language", language))
    if authorized:
        kept.append((b"cache-control", b"no-store"))
    if not origin:
        kept.append((b"vary", b", ".join([*varies, b"Origin"])))
    return kept


# Uploads: up to 10 files of 10 MiB and the operations around them.
MAX_MULTIPART_BYTES = 110 * 1024 * 1024


class BodySizeLimit:
    """Refuses bodies over the limit with 413 before the GraphQL layer reads them, counting
    the bytes as they stream in. Multipart uploads get their own, larger limit."""

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int = MAX_BODY_BYTES,
        multipart_max_bytes: int = MAX_MULTIPART_BYTES,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.multipart_max_bytes = multipart_max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        content_type = declared = None
        for name, value in scope["headers"]:
            if name == b"content-type" and content_type is None:
                content_type = value
            elif name == b"content-length" and declared is None:
                declared = value
        multipart = content_type is not None and content_type.lower().startswith(b"multipart/form-data")
        limit = self.multipart_max_bytes if multipart else self.max_bytes
        if declared is not None and declared.isdigit():
            if int(declared) > limit:
                await too_large(scope)(scope, receive, send)
            else:
                # The server hands over no more body than the request declared.
                await self.app(scope, receive, send)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge
            return message

        try:
            await self.app(scope, limited_receive, send)
        except BodyTooLarge:
            await too_large(scope)(scope, receive, send)


def too_large(scope: Scope) -> Response:
    """413 as GraphQL over HTTP answers a request it cannot take: JSON, in the caller's language."""
    language = negotiate_language(Headers(scope=scope).get("accept-language"))
    body = {"errors": [{"message": translate("body_too_large", language),
                        "extensions": {"code": "BAD_REQUEST"}}]}
    return JSONResponse(body, status_code=413)


class BodyTooLarge(Exception):
    pass


# A year, as HSTS preload lists ask; subdomains are the operator's to decide.
HSTS = "max-age=31536000"
