"""The GraphQL schema: root types merged from each domain, and the execution rules."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import strawberry
from graphql import (
    ASTValidationRule,
    DocumentNode,
    GraphQLError,
    NoSchemaIntrospectionCustomRule,
    OperationType,
    get_operation_ast,
    parse,
    specified_rules,
)
from strawberry.extensions import (
    MaskErrors,
    MaxAliasesLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import validate_document
from strawberry.tools import merge_types
from strawberry.utils.logging import StrawberryLogger

from resolvers.errors import DomainError
from schema import accounts, node, profile, questions, service_requests
from schema.base import Node

MAX_DEPTH = 10
MAX_ALIASES = 15
MAX_TOKENS = 2000

log = logging.getLogger("gosi.graphql")

DOMAINS = (accounts, node, profile, service_requests, questions)
Query = merge_types("Query", tuple(t for domain in DOMAINS for t in domain.QUERIES))
Mutation = merge_types("Mutation", tuple(t for domain in DOMAINS for t in domain.MUTATIONS))


def _ignore_introspection(ignore) -> bool:
    return ignore.field_name.startswith("__")


def _should_mask(error: GraphQLError) -> bool:
    """Anything but a deliberate GraphQL error (validation, UNAUTHENTICATED, ...) is a bug."""
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError | DomainError)


class Schema(strawberry.Schema):
    document_rules: tuple[type[ASTValidationRule], ...] = tuple(specified_rules)
    """Every validation rule a document passes (build_schema adds the limits)."""

    def prepare(self, query: str, operation_name: str | None) -> Prepared | None:
        """The parsed and validated document for the lean POST path (schema/view.py), or
        None when it does not parse, validate or name one query or mutation: then the
        request takes strawberry's whole path, which answers those errors."""
        try:
            document = parse(query, max_tokens=MAX_TOKENS)
        except GraphQLError:
            return None
        operation = get_operation_ast(document, operation_name)
        if operation is None or operation.operation not in LEAN_OPERATIONS:
            return None
        if validate_document(self._schema, document, self.document_rules):
            return None
        return Prepared(document, operation.operation)

    def finish_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        """What the Rules extension does to an executed operation's errors: log them, then
        mask every one that is a bug."""
        self.process_errors(errors)
        return [
            GraphQLError(MASKED, nodes=error.nodes, source=error.source,
                         positions=error.positions, path=error.path, original_error=None)
            if _should_mask(error) else error
            for error in errors
        ]

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        """Bugs are logged with their traceback; refusals the client caused, in one quiet line."""
        for error in errors:
            if _should_mask(error):
                StrawberryLogger.error(error, execution_context)
            else:
                code = (error.extensions or {}).get("code", "GRAPHQL_VALIDATION_FAILED")
                log.info("request refused: %s", error.message,
                         extra={"event": "graphql_error", "code": code})


@dataclass(frozen=True)
class Prepared:
    document: DocumentNode
    operation: OperationType


MASKED = "Unexpected error."
LEAN_OPERATIONS = frozenset({OperationType.QUERY, OperationType.MUTATION})


def build_schema(*, production: bool) -> Schema:
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
            super().__init__(should_mask_error=_should_mask, error_message=MASKED)

        def on_operation(self) -> Iterator[None]:
            context = self.execution_context
            context.parse_options["max_tokens"] = MAX_TOKENS
            context.validation_rules = context.validation_rules + rules
            yield from super().on_operation()

    schema = Schema(
        query=Query,
        mutation=Mutation,
        types=[Node],
        extensions=[ParserCache, ValidationCache, Rules],
        config=StrawberryConfig(disable_field_suggestions=production),
    )
    schema.document_rules = (*specified_rules, *rules)
    return schema
