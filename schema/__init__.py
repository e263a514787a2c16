"""The GraphQL schema: root types merged from each domain, and the execution rules."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import strawberry
import structlog
from graphql import GraphQLError, GraphQLSyntaxError, NoSchemaIntrospectionCustomRule, specified_rules
from strawberry.extensions import (
    MaskErrors,
    MaxAliasesLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.extensions.query_depth_limiter import IgnoreContext
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import DEFAULT_ALLOWED_OPERATION_TYPES
from strawberry.tools import merge_types
from strawberry.types import ExecutionResult
from strawberry.utils.logging import StrawberryLogger

from resolvers.platform.errors import DomainError
from schema import (
    accounts,
    documents,
    inbox,
    labels,
    letters,
    live,
    node,
    profile,
    questions,
    security,
    service_requests,
)
from schema.base import Node
from schema.descriptions import describe
from schema.execution import Executor
from schema.http import tracing
from schema.http.metrics import observe_operation
from schema.redaction import loggable, without_suggestions

MAX_DEPTH = 10
MAX_ALIASES = 15
MAX_TOKENS = 2000

log = structlog.stdlib.get_logger("gosi.graphql")

DOMAINS = (
    accounts, node, profile, service_requests, questions, documents, letters, inbox, security, labels,
)
Query = merge_types("Query", tuple(t for domain in DOMAINS for t in domain.QUERIES))
Mutation = merge_types("Mutation", tuple(t for domain in DOMAINS for t in domain.MUTATIONS))


def _ignore_introspection(ignore: IgnoreContext) -> bool:
    return ignore.field_name.startswith("__")


# A refused document says which limit refused it (Strawberry's and graphql-core's messages).
LIMIT_CODES = (
    ("exceeds maximum operation depth", "QUERY_TOO_DEEP"),
    ("aliases found. Allowed:", "TOO_MANY_ALIASES"),
    ("Document contains more than", "QUERY_TOO_LARGE"),
    ("Source contains more than", "QUERY_TOO_LARGE"),
)

# graphql-core's messages for variable values that do not fit their types (not the
# validation rules about variables: unused, undefined, wrong position).
VARIABLE_VALUE = re.compile(r"Variable '\$\w+' has invalid (default )?value")


def request_error_code(error: GraphQLError) -> str:
    """The code of an error that kept the document from running, as Apollo clients know them."""
    for fragment, code in LIMIT_CODES:
        if fragment in error.message:
            return code
    if isinstance(error, GraphQLSyntaxError):
        return "GRAPHQL_PARSE_FAILED"
    if VARIABLE_VALUE.match(error.message):
        return "BAD_USER_INPUT"
    return "GRAPHQL_VALIDATION_FAILED"


def _should_mask(error: GraphQLError) -> bool:
    """Anything but a deliberate GraphQL error (validation, UNAUTHENTICATED, ...) is a bug."""
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError | DomainError)


MASKED_MESSAGE = "Unexpected error."


def anonymised(error: GraphQLError) -> GraphQLError:
    """A bug's error as the client sees it: where it happened, not what it was."""
    return GraphQLError(
        message=MASKED_MESSAGE, nodes=error.nodes, source=error.source,
        positions=error.positions, path=error.path, original_error=None,
    )


def masked(errors: list[GraphQLError]) -> list[GraphQLError]:
    """The errors as the client sees them: bugs anonymised, the rest as they are."""
    if not any(_should_mask(error) for error in errors):
        return errors
    return [anonymised(error) if _should_mask(error) else error for error in errors]


def finish_operation(operation: Any, seconds: float, errors: list[GraphQLError]) -> list[GraphQLError]:
    """Counts the run in the metrics and masks the bugs among its errors."""
    observe_operation(operation, seconds, errors, sum(1 for error in errors if _should_mask(error)))
    return masked(errors)


class Schema(strawberry.Schema):
    # Queries and mutations run through it; subscriptions keep Strawberry's path.
    executor: Executor | None = None

    async def execute(  # noqa: PLR0917
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        allowed_operation_types: Any = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        if self.executor is None:  # while the schema is being built
            return await super().execute(
                query, variable_values, context_value, root_value, operation_name,
                allowed_operation_types, operation_extensions,
            )
        return await self.executor.execute(
            query, variable_values=variable_values, context_value=context_value,
            root_value=root_value, operation_name=operation_name,
            allowed_operation_types=allowed_operation_types or DEFAULT_ALLOWED_OPERATION_TYPES,
            operation_extensions=operation_extensions,
        )

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        """Bugs are logged with their traceback; refusals the client caused, in one quiet line.
        Errors that carry no code yet (parse, validation, limits, variables) get theirs here."""
        for error in errors:
            if _should_mask(error):
                StrawberryLogger.error(error, execution_context)
                continue
            code = (error.extensions or {}).get("code")
            if code is None:
                code = request_error_code(error)
                error.extensions = {**(error.extensions or {}), "code": code}
            if self.config.disable_field_suggestions:  # production
                error.message = without_suggestions(error.message)
            # A variable's message repeats its value, which may be a password: not logged.
            variable = VARIABLE_VALUE.match(error.message)
            log.info("graphql_error", code=code,
                     message=variable[0] if variable else loggable(error.message))


def build_schema(*, production: bool, tracer_provider: Any = None) -> strawberry.Schema:
    # Each limiter builds its validation rule once, here; ValidationCache can only hit
    # when the same rule classes come with every request.
    rules = (
        *QueryDepthLimiter(max_depth=MAX_DEPTH, should_ignore=_ignore_introspection).validation_rules,
        *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules,
        *([NoSchemaIntrospectionCustomRule] if production else []),
    )

    class Rules(MaskErrors):
        """The same limits, introspection switch, masking and metrics on Strawberry's path
        (subscriptions) as the Executor applies to queries and mutations."""

        def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
            return masked(errors)

        def on_operation(self) -> Iterator[None]:
            context = self.execution_context
            context.parse_options["max_tokens"] = MAX_TOKENS
            context.validation_rules = context.validation_rules + rules
            started = time.perf_counter()
            masking = super().on_operation()
            next(masking)
            yield
            errors = list(getattr(context.result, "errors", None) or [])
            next(masking, None)  # masks the errors
            observe_operation(context, time.perf_counter() - started, errors,
                              sum(1 for error in errors if _should_mask(error)))

    schema = Schema(
        query=Query,
        mutation=Mutation,
        subscription=live.Subscription,
        types=[Node],
        extensions=[ParserCache, ValidationCache, Rules],
        config=StrawberryConfig(
            disable_field_suggestions=production, scalar_map=documents.SCALARS
        ),
    )
    describe(schema._schema)
    schema.executor = Executor(
        schema._schema, rules=(*specified_rules, *rules), max_tokens=MAX_TOKENS,
        process_errors=schema._process_errors, finish=finish_operation,
        tracer=tracing.tracer(tracer_provider),
    )
    return schema
