"""The GraphQL surface of accounts: types (and `me`), inputs, mutations (registration,
activation, sign-in, sessions, recovery)."""

from schema.accounts.inputs import AddressInput
from schema.accounts.mutations import MUTATIONS, LoginPayload, LogoutPayload
from schema.accounts.types import QUERIES, CodeDelivery

__all__ = ["MUTATIONS", "QUERIES", "AddressInput", "CodeDelivery", "LoginPayload", "LogoutPayload"]
