"""The security centre's types: sign-ins, security events, passkeys, second factors."""

from __future__ import annotations

import datetime as dt
import uuid

import strawberry

from models import Passkey as PasskeyModel
from models import SecurityEvent as SecurityEventModel
from models import enums
from resolvers.security import events as security
from resolvers.security import second_factor
from schema.base import Node, to_global_id
from schema.connections import Connection
from schema.context import Info

strawberry.enum(enums.SecurityEventKind, description="What happened to the security of the account.")


SecurityEventKind = enums.SecurityEventKind


@strawberry.type(description="One live sign-in (a refresh-token family) of the member.")
class SignInSession(Node):
    device: str = strawberry.field(description="From the User-Agent, e.g. Chrome on Windows.")
    ip_address: str = strawberry.field(description="The address it was last refreshed from.")
    signed_in_at: dt.datetime = strawberry.field(description="When the member signed in.")
    last_used_at: dt.datetime = strawberry.field(
        description="When it was last used, to the minute."
    )
    current: bool = strawberry.field(description="The sign-in this request is made with.")

    @classmethod
    def from_domain(cls, sign_in: security.SignIn, current: bool) -> SignInSession:
        return cls(
            id=to_global_id("SignInSession", sign_in.family),
            device=sign_in.device,
            ip_address=sign_in.ip_address,
            signed_in_at=sign_in.signed_in_at,
            last_used_at=sign_in.last_used_at,
            current=current,
        )


@strawberry.type(description="A sign-in, a failure or a security change on the account.")
class SecurityEvent:
    kind: SecurityEventKind = strawberry.field(description="What happened.")
    at: dt.datetime = strawberry.field(description="When.")
    device: str | None = strawberry.field(description="The device, e.g. Firefox on Linux.")
    ip_address: str | None = strawberry.field(description="The address it came from.")

    @classmethod
    def from_model(cls, row: SecurityEventModel) -> SecurityEvent:
        return cls(kind=row.kind, at=row.at, device=row.device, ip_address=row.ip_address)


@strawberry.type(name="SecurityEventConnection", description="A page of security events.")
class SecurityEventConnection(Connection[SecurityEvent]):
    pass


async def member_sign_ins(info: Info, member_id: object) -> list[SignInSession]:
    viewer_session = await info.context.session()
    if viewer_session is None or viewer_session.member_id != member_id:
        # Where and from what a member is signed in is theirs alone, not staff's.
        return []
    sign_ins = await security.live_sign_ins(member_id=member_id, now=info.context.runtime.now())  # type: ignore[arg-type]
    current = viewer_session.family
    return [SignInSession.from_domain(s, s.family == current) for s in sign_ins]


async def member_security_events(
    info: Info, member_id: object, first: int | None, after: str | None
) -> SecurityEventConnection:
    viewer_session = await info.context.session()
    page = await info.context.page(security.member_events(
        member_id=member_id,  # type: ignore[arg-type]
        viewer_id=viewer_session.member_id if viewer_session else None,
        first=first, after=after,
    ))
    return SecurityEventConnection.from_page(page, SecurityEvent.from_model)


@strawberry.type(description="A passkey (WebAuthn credential) on the account.")
class Passkey(Node):
    name: str = strawberry.field(description="The name the member gave it.")
    created_at: dt.datetime = strawberry.field(description="When it was registered.")
    last_used_at: dt.datetime | None = strawberry.field(description="When it last signed in.")

    @classmethod
    def from_model(cls, row: PasskeyModel) -> Passkey:
        return cls(id=to_global_id("Passkey", row.id), name=row.name, created_at=row.created_at,
                   last_used_at=row.last_used_at)


@strawberry.type(description="The member's second factors.")
class SecondFactorSettings:
    totp_enabled: bool = strawberry.field(description="An authenticator app is set up.")
    passkeys: list[Passkey] = strawberry.field(description="Registered passkeys, oldest first.")
    recovery_codes_left: int = strawberry.field(description="Unused recovery codes.")

    @classmethod
    def from_domain(cls, settings: second_factor.Settings) -> SecondFactorSettings:
        return cls(totp_enabled=settings.totp_enabled,
                   passkeys=[Passkey.from_model(p) for p in settings.passkeys],
                   recovery_codes_left=settings.recovery_codes_left)


async def member_second_factor(member_id: uuid.UUID) -> SecondFactorSettings:
    return SecondFactorSettings.from_domain(await second_factor.settings_of(member_id))


QUERIES: tuple[type, ...] = ()
