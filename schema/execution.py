"""How a query or mutation runs: parsed and validated once per text, then through the
document's compiled plan (schema/plans.py), with the house rules (limits, error codes,
masking, metrics, tracing) applied here, in one place, instead of through Strawberry's
extension runner, which costs every request its hooks. Subscriptions keep Strawberry's
path, with the same rules through one extension (schema/__init__.py).

tests/unit/test_execution.py proves the plans answer what graphql-core's executor answers.
"""

from __future__ import annotations

import dataclasses
import functools
import time
from collections.abc import Callable, Collection
from typing import Any

from graphql import ASTValidationRule, DocumentNode, GraphQLError, GraphQLSchema, execute, parse
from graphql import ExecutionResult as GraphQLExecutionResult
from strawberry.exceptions import MissingQueryError
from strawberry.execution.is_awaitable import optimized_is_awaitable
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext, validate_document
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType
from strawberry.utils.operation import get_first_operation, get_operation_type

from schema.http.metrics import operation_label
from schema.plans import CompiledRun, DocumentPlans


@dataclasses.dataclass(frozen=True, slots=True)
class Prepared:
    """A document parsed and validated once, with its compiled plans: the same text is
    never parsed, validated or planned again."""

    document: DocumentNode | None
    errors: tuple[GraphQLError, ...]
    plans: DocumentPlans | None
    # What every run of it asks of the document, by the operation name the client sent.
    operations: dict[str | None, OperationFacts] = dataclasses.field(default_factory=dict)

    def operation(self, requested: str | None) -> OperationFacts:
        facts = self.operations.get(requested)
        if facts is None:
            facts = OperationFacts.of(self, requested)
            if len(self.operations) < OPERATIONS_PER_DOCUMENT:
                self.operations[requested] = facts
        return facts


# Operation names kept per document: what a client sends is bounded by what it has.
OPERATIONS_PER_DOCUMENT = 8


@dataclasses.dataclass(frozen=True, slots=True)
class OperationFacts:
    """The operation a name picks in a document: its name (the first operation's without
    one, as Strawberry runs it), its type (None: no such operation) and its metrics label."""

    name: str | None
    type: OperationType | None
    label: str

    @classmethod
    def of(cls, prepared: Prepared, requested: str | None) -> OperationFacts:
        document = prepared.document
        if document is None:
            return cls(requested, None, "invalid")
        name = requested
        if name is None:
            first = get_first_operation(document)
            name = first.name.value if first is not None and first.name else None
        try:
            operation_type: OperationType | None = get_operation_type(document, name)
        except RuntimeError:
            operation_type = None
        # A document that does not validate names fields of its own choosing: not a label.
        label = "invalid" if prepared.errors else operation_label(document, name)
        return cls(name, operation_type, label)


@dataclasses.dataclass(frozen=True, slots=True)
class Request:
    query: str
    variable_values: dict[str, Any] | None
    context_value: Any
    root_value: Any
    operation_name: str | None
    allowed_operation_types: Collection[OperationType]
    operation_extensions: dict[str, Any] | None


@dataclasses.dataclass(slots=True)
class Operation:
    """What the rules and the metrics read of a run (Strawberry's ExecutionContext has more)."""

    graphql_document: DocumentNode | None
    operation_name: str | None
    context: Any
    label: str


# Documents longer than this are parsed every time: the cache holds what clients repeat.
CACHED_DOCUMENT_CHARS = 16_384


class Executor:
    """Runs queries and mutations for one schema under its rules."""

    def __init__(
        self,
        schema: GraphQLSchema,
        *,
        rules: tuple[type[ASTValidationRule], ...],
        max_tokens: int,
        process_errors: Callable[[list[GraphQLError], Any], None],
        finish: Callable[[Operation, float, list[GraphQLError]], list[GraphQLError]],
        tracer: Any = None,
        cache_size: int = 512,
    ) -> None:
        self.tracer = tracer
        # Off: every document through graphql-core's executor (the differential tests).
        self.compiled = True
        self.schema = schema
        self.rules = rules
        self.max_tokens = max_tokens
        self.process_errors = process_errors
        self.finish = finish
        self._cached_prepare = functools.lru_cache(maxsize=cache_size)(self._prepare)
        # Trusted documents: prepared at start-up and kept whatever else comes and goes.
        self._pinned: dict[str, Prepared] = {}

    def pin(self, query: str) -> Prepared:
        prepared = self._pinned[query] = self._prepare(query)
        return prepared

    def prepare(self, query: str) -> Prepared:
        pinned = self._pinned.get(query)
        if pinned is not None:
            return pinned
        if len(query) > CACHED_DOCUMENT_CHARS:
            prepared = self._prepare(query)
            return dataclasses.replace(prepared, plans=None)  # a plan pays off when reused
        return self._cached_prepare(query)

    def _prepare(self, query: str) -> Prepared:
        try:
            document = parse(query, max_tokens=self.max_tokens)
        except GraphQLError as error:
            return Prepared(None, (error,), None)
        errors = tuple(self.validate(document))
        plans = DocumentPlans(document) if not errors else None
        return Prepared(document, errors, plans if plans and plans.compilable else None)

    def validate(self, document: DocumentNode) -> list[GraphQLError]:
        """Every error that keeps a document from running comes from here."""
        return validate_document(self.schema, document, self.rules)

    async def execute(
        self,
        query: str | None,
        *,
        variable_values: dict[str, Any] | None,
        context_value: Any,
        root_value: Any,
        operation_name: str | None,
        allowed_operation_types: Collection[OperationType],
        operation_extensions: dict[str, Any] | None,
    ) -> ExecutionResult:
        """Strawberry's `Schema.execute`, step for step: parse errors are answered before
        the operation type is checked, a missing or unknown operation raises for the view
        to answer 400, and validation errors come before anything runs."""
        if not query:
            raise MissingQueryError
        request = Request(query, variable_values, context_value, root_value, operation_name,
                          allowed_operation_types, operation_extensions)
        if self.tracer is None:
            return await self._execute(request, None)
        from opentelemetry.trace import SpanKind

        span = self.tracer.start_span("GraphQL Query", kind=SpanKind.SERVER)
        span.set_attribute("component", "graphql")
        try:
            return await self._execute(request, span)
        finally:
            span.end()

    async def _execute(self, request: Request, span: Any) -> ExecutionResult:
        started = time.perf_counter()
        prepared = self.prepare(request.query)
        facts = prepared.operation(request.operation_name)
        operation_name = facts.name
        if span is not None and operation_name:
            span.update_name(f"GraphQL Query: {operation_name}")
        operation = Operation(prepared.document, operation_name, request.context_value, facts.label)
        if prepared.document is None:
            return self._answer(operation, started, None, list(prepared.errors))
        if facts.type is None:
            raise CannotGetOperationTypeError(operation_name)
        if facts.type not in request.allowed_operation_types:
            raise InvalidOperationTypeError(facts.type)
        if prepared.errors:
            return self._answer(operation, started, None, list(prepared.errors))
        try:
            result = self.run(prepared, request, operation_name, span)
            if optimized_is_awaitable(result):
                result = await result
        except Exception as error:  # noqa: BLE001  # as Strawberry: an error, not a crash
            wrapped = error if isinstance(error, GraphQLError) else \
                GraphQLError(str(error), original_error=error)
            return self._answer(operation, started, None, [wrapped])
        return self._answer(operation, started, result.data, list(result.errors or ()))

    def run(self, prepared: Prepared, request: Request, operation_name: str | None,
            span: Any = None) -> Any:
        """The document's compiled plan, or graphql-core's executor for a document without
        one (too long to keep, or with fragment variables)."""
        assert prepared.document is not None
        if prepared.plans is None or not self.compiled:
            return execute(
                self.schema, prepared.document, root_value=request.root_value,
                context_value=request.context_value, variable_values=request.variable_values,
                operation_name=operation_name, is_awaitable=optimized_is_awaitable,  # type: ignore[arg-type]
                executor_class=StrawberryGraphQLCoreExecutionContext,
                operation_extensions=request.operation_extensions,
            )
        run = CompiledRun.start(
            prepared.plans, self.schema, prepared.document, request.root_value,
            request.context_value, request.variable_values, operation_name,
            request.operation_extensions,
        )
        if isinstance(run, list):  # the variables' values do not fit their types
            return GraphQLExecutionResult(None, errors=run)
        assert isinstance(run, CompiledRun)
        run.plans = prepared.plans
        run.tracer = self.tracer
        run.operation_span = span
        return run.execute_operation()

    def _answer(
        self, operation: Operation, started: float, data: dict[str, Any] | None,
        errors: list[GraphQLError],
    ) -> ExecutionResult:
        if errors:
            self.process_errors(errors, operation)
        errors = self.finish(operation, time.perf_counter() - started, errors)
        return ExecutionResult(data=data, errors=errors or None)
