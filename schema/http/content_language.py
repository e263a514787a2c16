"""`Content-Language` on every answer: the language its messages are in."""

from __future__ import annotations

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from resolvers.platform.i18n import negotiate_language


class ContentLanguage:
    """The language Accept-Language picks (Arabic when absent), unless the answer names its
    own (a letter in the member's language)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        language = negotiate_language(Headers(scope=scope).get("accept-language")).value.lower()

        async def send_with_language(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if "content-language" not in headers:
                    headers["Content-Language"] = language
            await send(message)

        await self.app(scope, receive, send_with_language)
