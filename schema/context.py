"""The per-request context: the caller's language and session, and the server's runtime."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import structlog
from graphql import GraphQLError
from limits import RateLimitItem
from starlette.requests import Request
from starlette.responses import Response
from strawberry.dataloader import DataLoader
from strawberry.schema.name_converter import NameConverter
from strawberry.types import Info as StrawberryInfo

from models import Language, Member, Role, Session
from resolvers.platform.errors import DomainError
from resolvers.platform.i18n import negotiate_language, translate
from resolvers.platform.live.events import Socket
from resolvers.platform.pagination import Page
from resolvers.platform.runtime import Runtime
from resolvers.security import sessions
from resolvers.security.devices import Client
from schema.base import UserError, user_errors

# The schema's default naming (auto camel case): how Python paths read in the schema.
NAME_CONVERTER = NameConverter()


@dataclass
class Context:
    request: Request
    response: Response | None
    runtime: Runtime
    loaders: dict[Any, DataLoader] = field(default_factory=dict)
    # Over the WebSocket: the connection_init payload (it carries the Authorization), and
    # the socket once accepted.
    connection_params: dict[str, Any] | None = None
    socket: Socket | None = None
    _found: sessions.Authenticated | None = None
    _session_loaded: bool = False
    _session_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    # A bearer token came with the request and opened no session (expired, revoked, made up).
    token_rejected: bool = False
    rejection: sessions.Rejection | None = None
    session_tried: bool = False

    @cached_property
    def language(self) -> Language:
        return negotiate_language(self.request.headers.get("accept-language"))

    @property
    def client_ip(self) -> str:
        return self.request.client.host if self.request.client else "unknown"

    @cached_property
    def client(self) -> Client:
        return Client(ip_address=self.client_ip,
                      user_agent=self.request.headers.get("user-agent", ""))

    async def session(self) -> Session | None:
        """The caller's session, with its member."""
        found = await self.authenticated()
        return await found.session() if found is not None else None

    async def authenticated(self) -> sessions.Authenticated | None:
        """Looked up once per request: sibling fields resolve concurrently and all wait for
        the one lookup."""
        if self._session_loaded:
            return self._found
        async with self._session_lock:
            if not self._session_loaded:
                token = bearer_token(self._authorization())
                self.session_tried = True
                if token:
                    self._found = await sessions.authenticate(runtime=self.runtime, access_token=token)
                    self.token_rejected = self._found is None
                    if self.token_rejected:
                        self.rejection = await sessions.rejection(runtime=self.runtime, access_token=token)
                    if self._found is not None:
                        await sessions.touch(found=self._found, now=self.runtime.now())
                self._session_loaded = True
        if self._found is not None:
            # Sibling fields run in tasks of their own, each with a copy of the context.
            structlog.contextvars.bind_contextvars(member_id=self._found.member_key)
        return self._found

    def _authorization(self) -> str | None:
        if self.connection_params is None:
            return self.request.headers.get("authorization")
        for key, value in self.connection_params.items():
            if key.lower() == "authorization" and isinstance(value, str):
                return value
        return None

    async def viewer(self) -> Member | None:
        found = await self.authenticated()
        return found.member if found is not None else None

    async def require_member(self) -> Member:
        member = await self.viewer()
        if member is None:
            raise self.unauthenticated()
        return member

    def unauthenticated(self) -> GraphQLError:
        """UNAUTHENTICATED; when a token came and opens no session, the reason says why
        (TOKEN_EXPIRED: refresh; TOKEN_REPLACED: a refresh replaced it; SESSION_ENDED,
        TOKEN_INVALID: sign in)."""
        extensions: dict[str, Any] = {"code": "UNAUTHENTICATED"}
        if self.rejection is not None:
            extensions["reason"] = self.rejection.value
        return GraphQLError(translate("unauthenticated", self.language), extensions=extensions)

    async def require_staff(self) -> Member:
        member = await self.require_member()
        if member.role is not Role.STAFF:
            raise self.error("FORBIDDEN", "forbidden")
        return member

    def loader(self, load: Callable[[Sequence[Any]], Awaitable[Sequence[Any]]]) -> DataLoader:
        """One DataLoader per load function per request: every item of a page shares one query."""
        existing = self.loaders.get(load)
        if existing is None:
            existing = self.loaders[load] = DataLoader(load_fn=load)
        return existing

    async def page(self, fetch: Awaitable[Page]) -> Page:
        """A list's page. Lists are not mutations: a bad `first` or `after` is the caller's
        GraphQL error (BAD_USER_INPUT), never a masked server error."""
        try:
            return await fetch
        except DomainError as error:
            raise self.bad_user_input(error) from None

    def bad_user_input(self, error: DomainError) -> GraphQLError:
        """A bad argument of a query field, in the caller's language."""
        return GraphQLError(
            self.user_errors(error)[0].message,
            extensions={"code": "BAD_USER_INPUT", "argument": error.errors[0].field},
        )

    async def rate_limited(self, rule: RateLimitItem, key: str) -> GraphQLError:
        """RATE_LIMITED, with the seconds until `rule` lets `key` through again."""
        wait = await self.runtime.throttle.retry_after(rule, key)
        return GraphQLError(translate("RATE_LIMITED", self.language),
                            extensions={"code": "RATE_LIMITED", "retryAfterSeconds": max(1, wait)})

    def error(self, code: str, message_key: str) -> GraphQLError:
        return GraphQLError(translate(message_key, self.language), extensions={"code": code})

    def user_errors(self, error: DomainError) -> list[UserError]:
        return user_errors(error, self.language, NAME_CONVERTER)


def bearer_token(header: str | None) -> str | None:
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


Info = StrawberryInfo[Context, None]
