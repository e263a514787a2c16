"""The GraphQL surface of service requests: types (and the query), inputs, mutations."""

from schema.service_requests.mutations import MUTATIONS
from schema.service_requests.types import QUERIES

__all__ = ["MUTATIONS", "QUERIES"]
