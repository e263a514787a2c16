"""The GraphQL schema: root types merged from each domain, and the execution rules."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import strawberry
from graphql import GraphQLError, NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    MaskErrors,
    MaxAliasesLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.utils.logging import StrawberryLogger

from resolvers.errors import DomainError
from schema import accounts, node, profile, questions, security, service_requests
from schema.base import Node

MAX_DEPTH = 10
MAX_ALIASES = 15
MAX_TOKENS = 2000

log = logging.getLogger("gosi.graphql")

DOMAINS = (accounts, node, profile, service_requests, questions, security)
Query = merge_types("Query", tuple(t for domain in DOMAINS for t in domain.QUERIES))
Mutation = merge_types("Mutation", tuple(t for domain in DOMAINS for t in domain.MUTATIONS))


def _ignore_introspection(ignore) -> bool:
    return ignore.field_name.startswith("__")


def _should_mask(error: GraphQLError) -> bool:
    """Anything but a deliberate GraphQL error (validation, UNAUTHENTICATED, ...) is a bug."""
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError | DomainError)


class Schema(strawberry.Schema):
    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        """Bugs are logged with their traceback; refusals the client caused, in one quiet line."""
        for error in errors:
            if _should_mask(error):
                StrawberryLogger.error(error, execution_context)
            else:
                code = (error.extensions or {}).get("code", "GRAPHQL_VALIDATION_FAILED")
                log.info("request refused: %s", error.message,
                         extra={"event": "graphql_error", "code": code})


def build_schema(*, production: bool) -> strawberry.Schema:
    # Each limiter builds its validation rule once, here; ValidationCache can only hit
    # when the same rule classes come with every request.
    rules = (
        *QueryDepthLimiter(max_depth=MAX_DEPTH, should_ignore=_ignore_introspection).validation_rules,
        *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules,
        *([NoSchemaIntrospectionCustomRule] if production else []),
    )

    class Rules(MaskErrors):
        """The limits, introspection switch and error masking in one extension: each
        extension costs every request its hooks (the benchmark shows it)."""

        def __init__(self) -> None:
            super().__init__(should_mask_error=_should_mask, error_message="Unexpected error.")

        def on_operation(self) -> Iterator[None]:
            context = self.execution_context
            context.parse_options["max_tokens"] = MAX_TOKENS
            context.validation_rules = context.validation_rules + rules
            yield from super().on_operation()

    return Schema(
        query=Query,
        mutation=Mutation,
        types=[Node],
        extensions=[ParserCache, ValidationCache, Rules],
        config=StrawberryConfig(disable_field_suggestions=production),
    )
