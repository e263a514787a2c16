"""The GraphQL surface of the security centre: types (sign-ins, events, second factors,
passkeys), inputs, mutations."""

from schema.security.mutations import MUTATIONS
from schema.security.types import QUERIES

__all__ = ["MUTATIONS", "QUERIES"]
