"""The GraphQL surface of the security centre: types (sign-ins, events, second factors,
passkeys), inputs, mutations."""

from schema.security.mutations import MUTATIONS
from schema.security.types import (
    QUERIES,
    SecondFactorSettings,
    SecurityEventConnection,
    SignInSession,
    member_second_factor,
    member_security_events,
    member_sign_ins,
)

__all__ = [
    "MUTATIONS",
    "QUERIES",
    "SecondFactorSettings",
    "SecurityEventConnection",
    "SignInSession",
    "member_second_factor",
    "member_security_events",
    "member_sign_ins",
]
