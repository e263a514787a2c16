"""Accounts' types: where a code went, a session, the second-factor challenge; and `me`."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry

from models import enums
from resolvers.security.codes import CodeDelivery as DomainCodeDelivery
from resolvers.security.second_factor import Challenge as DomainChallenge
from resolvers.security.sessions import IssuedSession
from schema import member as member_types
from schema.base import NotificationChannel
from schema.context import Info

if TYPE_CHECKING:
    from schema.member import Member


@strawberry.type(description="Where a one-time code was sent.")
class CodeDelivery:
    channel: NotificationChannel = strawberry.field(description="SMS or EMAIL.")
    destination: str = strawberry.field(description="Masked destination, e.g. a*****@example.com")
    expires_at: dt.datetime = strawberry.field(description="When the code stops working.")
    resend_available_at: dt.datetime = strawberry.field(
        description="When the next code may be asked for."
    )

    @classmethod
    def from_domain(cls, delivery: DomainCodeDelivery) -> CodeDelivery:
        return cls(
            channel=delivery.channel,
            destination=delivery.destination,
            expires_at=delivery.expires_at,
            resend_available_at=delivery.resend_available_at,
        )


@strawberry.type(description="A signed-in session: send the access token with every request.")
class Session:
    access_token: str = strawberry.field(
        description="Send as: Authorization: Bearer <accessToken>. Lasts 15 minutes."
    )
    access_token_expires_at: dt.datetime = strawberry.field(
        description="When the access token stops working."
    )
    refresh_token: str = strawberry.field(
        description="Single use: refreshSession returns a new one and the old one stops working."
    )
    refresh_token_expires_at: dt.datetime = strawberry.field(
        description="When the refresh token stops working (30 days)."
    )

    @classmethod
    def from_domain(cls, issued: IssuedSession) -> Session:
        return cls(
            access_token=issued.access_token,
            access_token_expires_at=issued.access_token_expires_at,
            refresh_token=issued.refresh_token,
            refresh_token_expires_at=issued.refresh_token_expires_at,
        )


strawberry.enum(enums.SecondFactorMethod, description="A way to show the second factor.")


SecondFactorMethod = enums.SecondFactorMethod


@strawberry.type(
    description="Returned by login instead of a session when the account has a second factor."
)
class SecondFactorChallenge:
    token: str = strawberry.field(
        description="Pass to verifySecondFactor; single use, valid 5 minutes."
    )
    methods: list[SecondFactorMethod] = strawberry.field(
        description="The second factors the account has."
    )
    expires_at: dt.datetime = strawberry.field(description="When the token stops working.")
    passkey_options: str | None = strawberry.field(
        description="With PASSKEY among the methods: WebAuthn PublicKeyCredentialRequestOptions "
        "as JSON."
    )

    @classmethod
    def from_domain(cls, challenge: DomainChallenge) -> SecondFactorChallenge:
        return cls(
            token=challenge.token,
            methods=list(challenge.methods),
            expires_at=challenge.expires_at,
            passkey_options=challenge.passkey_options,
        )


@strawberry.type
class AccountQuery:
    @strawberry.field(
        description="The signed-in member, or null when the request carries no valid session."
    )
    async def me(self, info: Info) -> Annotated[Member, strawberry.lazy("schema.member")] | None:
        found = await info.context.authenticated()
        return member_types.Member.from_model(found.member_fields()) if found else None


QUERIES = (AccountQuery,)
