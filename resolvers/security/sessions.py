"""Opaque access and refresh tokens, stored as keyed hashes, with refresh-token rotation."""

from __future__ import annotations

import datetime as dt
import functools
import sqlite3
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import connections
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from models import AccountStatus, Member, SecurityEvent, SecurityEventKind, Session
from resolvers.platform import audit
from resolvers.platform.errors import DomainError, ErrorCode
from resolvers.platform.runtime import Runtime
from resolvers.platform.tokens import new_token
from resolvers.security.devices import Client

ACCESS_LIFETIME = dt.timedelta(minutes=15)
REFRESH_LIFETIME = dt.timedelta(days=30)
# A rotated refresh token still works this long: tabs of one browser refresh at once.
REFRESH_GRACE = dt.timedelta(seconds=30)
LAST_USED_PRECISION = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedSession:
    access_token: str
    access_token_expires_at: dt.datetime
    refresh_token: str
    refresh_token_expires_at: dt.datetime


async def start(
    *,
    runtime: Runtime,
    member: Member,
    family: uuid.UUID | None = None,
    client: Client | None = None,
    signed_in_at: dt.datetime | None = None,
    authenticated_at: dt.datetime | None = None,
) -> IssuedSession:
    """A new link; a new sign-in unless `family` continues one (whose times it keeps)."""
    now = runtime.now()
    access, refresh = new_token(), new_token()
    session = await Session.create(
        member_id=member.id,
        family=family or uuid.uuid4(),
        access_token_hash=runtime.keyring.digest(access),
        access_expires_at=now + ACCESS_LIFETIME,
        refresh_token_hash=runtime.keyring.digest(refresh),
        refresh_expires_at=now + REFRESH_LIFETIME,
        signed_in_at=signed_in_at or now,
        authenticated_at=authenticated_at or now,
        last_used_at=now,
        device=client.device if client else None,
        ip_address=client.ip_address[:45] if client else None,
    )
    return IssuedSession(access, session.access_expires_at, refresh, session.refresh_expires_at)


async def authenticate(*, runtime: Runtime, access_token: str) -> Authenticated | None:
    """The live session behind a bearer token, with its active member; None otherwise.

    Read from the database on every request (no cache): logout and revokeSession end a
    session on the next request, on every server process. Tokens issued before a key
    rotation were hashed under a previous key."""
    return await live_session(runtime.keyring.digests(access_token), now=runtime.now())


class Authenticated:
    """What a bearer token opened: its session's id and last use, and its member's row,
    made a model only when a caller asks for it. Most requests only show the member's
    profile: building the two models cost `me` about 0.015 ms of its 0.26, and reading
    every column of the session a tenth of the statement's time in the database's thread."""

    __slots__ = ("_member", "_member_row", "_session", "last_used_at", "session_id")

    def __init__(
        self, session_id: uuid.UUID, last_used_at: dt.datetime | None, member_row: dict[str, Any]
    ) -> None:
        self.session_id = session_id
        self.last_used_at = last_used_at
        self._member_row = member_row
        self._member: Member | None = None
        self._session: Session | None = None

    @property
    def member(self) -> Member:
        if self._member is None:
            self._member = Member._init_from_db(**self._member_row)
        return self._member

    @property
    def member_key(self) -> str:
        """The member's id as text (for the log), without the model."""
        return str(self._member_row[Member._meta.db_pk_column])

    def member_fields(self) -> Member | MemberFields:
        """The member's fields, converted as the model converts them, without the model."""
        if self._member is not None:
            return self._member
        return MemberFields(self._member_row)

    async def session(self) -> Session | None:
        """The session as a model, read (by its key) the first time a caller needs more
        than its id; None if it has been deleted since."""
        if self._session is None:
            session = await Session.get_or_none(id=self.session_id)
            if session is None:
                return None
            object.__setattr__(session, "_member", self.member)  # as select_related("member")
            self._session = session
        return self._session

    def used_since(self, moment: dt.datetime) -> bool:
        return self.last_used_at is not None and self.last_used_at > moment


class MemberFields:
    """A member's fields by the model's names, each converted by its own field as the model
    does (Tortoise's `_init_from_db`), for reading only."""

    def __init__(self, row: dict[str, Any]) -> None:
        fields = self.__dict__
        for column, name, convert in _member_conversions():
            value = row[column]
            fields[name] = value if convert is None or value is None else convert(value)

    if TYPE_CHECKING:
        def __getattr__(self, name: str) -> Any: ...  # the Member model's fields


@functools.cache
def _member_conversions() -> tuple[tuple[str, str, Callable[[Any], Any] | None], ...]:
    """(column, field, conversion) as Tortoise's `_init_from_db` converts them: native
    fields as read, default ones by their type, the rest by `to_python_value`."""
    meta = Member._meta
    return (
        *((column, name, None) for column, name, _ in meta.db_native_fields),
        *((column, name, field.field_type) for column, name, field in meta.db_default_fields),
        *((column, name, field.to_python_value) for column, name, field in meta.db_complex_fields),
    )


class Rejection(StrEnum):
    """Why a bearer token opened no session, for `extensions.reason` of UNAUTHENTICATED."""

    TOKEN_EXPIRED = "TOKEN_EXPIRED"  # its 15 minutes are over: refreshSession
    TOKEN_REPLACED = "TOKEN_REPLACED"  # refreshSession replaced it: use the newer token
    SESSION_ENDED = "SESSION_ENDED"  # signed out, revoked, or the account is no longer active
    TOKEN_INVALID = "TOKEN_INVALID"  # no session ever had it


async def rejection(*, runtime: Runtime, access_token: str) -> Rejection:
    """Why `access_token` opens no session (asked only once authenticate refused it)."""
    session = await Session.filter(
        access_token_hash__in=runtime.keyring.digests(access_token)
    ).select_related("member").first()
    if session is None:
        return Rejection.TOKEN_INVALID
    if session.rotated_at is not None:
        return Rejection.TOKEN_REPLACED
    if session.revoked_at is not None or session.member.status is not AccountStatus.ACTIVE:
        return Rejection.SESSION_ENDED
    return Rejection.TOKEN_EXPIRED


async def live_session(access_digests: Sequence[str], *, now: dt.datetime) -> Authenticated | None:
    """The unrevoked, unexpired session whose access token hashes to one of `access_digests`
    (one digest per key the token may have been hashed under), with its active member.

    One statement on the session's unique index, written once per engine and number of
    digests: building the ORM's join cost more than the rest of a `me` request. asyncpg
    prepares it once per connection and sqlite3 keeps it in its statement cache."""
    connection = connections.get("default")
    statement, member_columns = _live_session_statement(
        connection.capabilities.dialect, len(access_digests)
    )
    expires: Any = Session._meta.fields_map["access_expires_at"].to_db_value(now, Session)
    if connection.capabilities.dialect == "sqlite":
        # The text sqlite3 would make of it with Tortoise's adapter, made here: in the
        # database's thread the adapter's call cost a tenth of the statement.
        expires = sqlite3.adapters[(dt.datetime, sqlite3.PrepareProtocol)](expires)
    _, rows = await connection.execute_query(statement, [*access_digests, expires])
    if not rows:
        return None
    session_id, last_used_at, *member_values = tuple(rows[0])
    fields = Session._meta.fields_map
    return Authenticated(
        fields["id"].to_python_value(session_id),
        fields["last_used_at"].to_python_value(last_used_at),
        dict(zip(member_columns, member_values, strict=True)),
    )


@functools.cache
def _live_session_statement(dialect: str, digests: int) -> tuple[str, tuple[str, ...]]:
    """The statement, and the member's columns it reads after the session's id and last
    use (known once Tortoise has set the models up)."""
    projection = Session._meta.fields_db_projection
    session_columns = (projection["id"], projection["last_used_at"])
    member_columns = tuple(Member._meta.fields_db_projection.values())
    marks = [f"${n}" if dialect == "postgres" else "?" for n in range(1, digests + 2)]
    columns = ", ".join(
        [f's."{column}"' for column in session_columns]
        + [f'm."{column}"' for column in member_columns]
    )
    statement = (
        f'SELECT {columns} FROM "{Session._meta.db_table}" s '
        f'JOIN "{Member._meta.db_table}" m ON m."id" = s."member_id" '
        f'WHERE s."access_token_hash" IN ({", ".join(marks[:-1])}) '
        f'AND s."revoked_at" IS NULL AND s."access_expires_at" > {marks[-1]} '
        f"AND m.\"status\" = '{AccountStatus.ACTIVE.value}' LIMIT 1"
    )
    return statement, member_columns


async def by_refresh_token(*, runtime: Runtime, refresh_token: str) -> Session | None:
    """The link a refresh token belongs to, rotated or not, while it has not expired."""
    return await Session.filter(
        refresh_token_hash=runtime.keyring.digest(refresh_token),
        refresh_expires_at__gt=runtime.now(),
    ).first()


async def touch(*, found: Authenticated, now: dt.datetime) -> None:
    """Notes when a session was last used: one write a minute at most, never one a request."""
    stale = now - LAST_USED_PRECISION
    if found.used_since(stale):
        return
    await Session.filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lte=stale), id=found.session_id
    ).update(last_used_at=now)
    found.last_used_at = now


async def refresh(
    *, runtime: Runtime, refresh_token: str, client: Client | None = None
) -> tuple[Member, IssuedSession]:
    now = runtime.now()
    invalid = DomainError.single("refresh_token", ErrorCode.SESSION_EXPIRED, "refresh_invalid")
    current = (
        await Session.filter(refresh_token_hash__in=runtime.keyring.digests(refresh_token))
        .select_related("member")
        .first()
    )
    if current is None or current.revoked_at is not None and current.rotated_at is None:
        raise invalid
    if current.refresh_expires_at <= now or current.member.status is not AccountStatus.ACTIVE:
        raise invalid
    times = {
        "signed_in_at": current.signed_in_at or current.created_at,
        "authenticated_at": current.authenticated_at or current.created_at,
    }
    if current.rotated_at is None:
        # Rotation and its successor in one transaction: a twin waiting on the row sees both.
        async with in_transaction():
            rotated = await Session.filter(id=current.id, rotated_at__isnull=True).update(
                rotated_at=now, revoked_at=now
            )
            if rotated:
                issued = await start(runtime=runtime, member=current.member,
                                     family=current.family, client=client, **times)
                return current.member, issued
    # Rotated already (by this call's twin, or long ago). Two tabs refreshing at once
    # present the same token: within the grace period they get a sibling link.
    if current.rotated_at is None:
        await current.refresh_from_db(fields=["rotated_at"])
    assert current.rotated_at is not None
    live = await Session.exists(family=current.family, revoked_at__isnull=True)
    if not live:
        raise invalid
    if now - current.rotated_at > REFRESH_GRACE:
        # A rotated token came back: someone kept a copy. End the whole sign-in.
        await end_family(family=current.family, now=runtime.now())
        await SecurityEvent.create(
            member_id=current.member_id, kind=SecurityEventKind.REFRESH_TOKEN_REUSED, at=now,
            device=client.device if client else None,
            ip_address=client.ip_address[:45] if client else None,
        )
        audit.record("refresh_token_reused", member_id=current.member_id,
                     family=current.family)
        raise invalid
    issued = await start(
        runtime=runtime, member=current.member, family=current.family, client=client, **times
    )
    return current.member, issued


async def end_family(*, family: uuid.UUID, now: dt.datetime) -> None:
    await Session.filter(family=family, revoked_at__isnull=True).update(revoked_at=now)


async def end_all(*, member_id: uuid.UUID, now: dt.datetime) -> None:
    await Session.filter(member_id=member_id, revoked_at__isnull=True).update(revoked_at=now)
