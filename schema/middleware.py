"""ASGI middleware of the HTTP layer."""

from __future__ import annotations

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY_BYTES = 100 * 1024
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
        headers = dict(scope.get("headers", []))
        limit = (
            self.multipart_max_bytes
            if headers.get(b"content-type", b"").lower().startswith(b"multipart/form-data")
            else self.max_bytes
        )
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await PlainTextResponse("Request body too large.", status_code=413)(scope, receive, send)
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
            await PlainTextResponse("Request body too large.", status_code=413)(scope, receive, send)


class BodyTooLarge(Exception):
    pass


