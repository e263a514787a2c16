"""The GraphQL surface of accounts: types (and `me`), inputs, mutations (registration,
activation, sign-in, sessions, recovery)."""

from schema.accounts.mutations import MUTATIONS, LoginPayload, LogoutPayload
from schema.accounts.types import QUERIES

# LoginPayload and LogoutPayload: the security centre's mutations answer them too.
__all__ = ["MUTATIONS", "QUERIES", "LoginPayload", "LogoutPayload"]
