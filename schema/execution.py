"""How a query or mutation runs: graphql-core's executor with two of its fixed costs taken
out, and the house rules (limits, error codes, masking, metrics) applied in one place
instead of through Strawberry's extension runner, which costs every request its hooks.

Subscriptions, and a schema with a tracing extension, keep Strawberry's own path; the
answers are the same either way (tests/unit/test_execution.py compares them).
"""

from __future__ import annotations

import dataclasses
import functools
import time
import weakref
from collections.abc import Callable, Collection
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    GraphQLEnumType,
    GraphQLError,
    GraphQLField,
    GraphQLLeafType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    execute,
    is_leaf_type,
    parse,
)
from graphql.execution.executor import GroupedFieldSet
from graphql.pyutils import Path, Undefined, gather_with_cancel
from strawberry.exceptions import MissingQueryError
from strawberry.execution.is_awaitable import optimized_is_awaitable
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext, validate_document
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType
from strawberry.utils.operation import get_first_operation, get_operation_type

# A plain field: (attribute name, the leaf type's serializer, non-null), or None for a
# field that needs graphql-core's whole path (a resolver, arguments, an object or list).
PlainField = tuple[str, Callable[[Any], Any], bool] | None
_UNKNOWN = object()
# Per object type (of whichever schema: tests build several), per field name.
_plain_fields: weakref.WeakKeyDictionary[GraphQLObjectType, dict[str, PlainField]] = (
    weakref.WeakKeyDictionary()
)


def plain_field(parent_type: GraphQLObjectType, field: GraphQLField | None) -> PlainField:
    """A field Strawberry would answer with `getattr(source, name)` and a leaf type's
    serializer: the default resolver, no arguments, a scalar or enum."""
    if field is None or field.args or not getattr(field.resolve, "_is_default", False):
        return None
    definition = (field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if definition is None or definition.base_resolver is not None \
            or definition.default_resolver is not getattr:
        return None
    field_type = field.type
    non_null = isinstance(field_type, GraphQLNonNull)
    leaf = field_type.of_type if isinstance(field_type, GraphQLNonNull) else field_type
    if not is_leaf_type(leaf):
        return None
    return definition.python_name, serializer(leaf), non_null


def serializer(leaf: GraphQLLeafType) -> Callable[[Any], Any]:
    """The type's own serializer; for Strawberry's enums, one dictionary lookup instead of
    its scan of every value (a status field on every row of a page)."""
    wrapped = getattr(leaf, "wrapped_cls", None)
    if wrapped is None or not isinstance(leaf, GraphQLEnumType):
        return leaf.coerce_output_value
    names = {value.value: name for name, value in leaf.values.items()}

    def enum_name(member: Any) -> Any:
        if isinstance(member, wrapped):
            name = names.get(member.value)
            if name is not None:
                return name
        return leaf.coerce_output_value(member)

    return enum_name


class PlainFieldsExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Answers plain scalar and enum fields (most of a page: status, dates, names) with an
    attribute read and the type's serializer, skipping the resolve info, the resolver
    wrappers and the completion steps that graphql-core spends on every field. Anything
    unusual (a null where null is not allowed, a value that does not serialize) goes the
    whole way, so errors read exactly as graphql-core writes them."""

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> Any:
        if self.middleware_manager is not None:  # a resolve hook must see every field
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        results: dict[str, Any] = {}
        awaitable_fields: list[str] = []
        is_awaitable = self.is_awaitable
        type_name = parent_type.name
        plans = _plain_fields.get(parent_type)
        if plans is None:
            plans = _plain_fields[parent_type] = {}
        try:
            for response_name, field_details_list in grouped_field_set.items():
                field_name = field_details_list[0].node.name.value
                plan = plans.get(field_name, _UNKNOWN)
                if plan is _UNKNOWN:
                    plan = plans[field_name] = plain_field(
                        parent_type, self.schema.get_field(parent_type, field_name)
                    )
                if plan is not None:
                    value = _plain_value(plan, source_value)  # type: ignore[arg-type]
                    if value is not Undefined:
                        results[response_name] = value
                        continue
                result = self.execute_field(
                    parent_type, source_value, field_details_list,
                    Path(path, response_name, type_name), position_context,
                )
                if result is not Undefined:
                    results[response_name] = result
                    if is_awaitable(result):
                        awaitable_fields.append(response_name)
        except Exception:
            if awaitable_fields:
                self.settle_in_background([results[field] for field in awaitable_fields])
            raise
        if not awaitable_fields:
            return results
        return self._gathered(results, awaitable_fields)

    @staticmethod
    async def _gathered(results: dict[str, Any], awaitable_fields: list[str]) -> dict[str, Any]:
        if len(awaitable_fields) == 1:
            results[awaitable_fields[0]] = await results[awaitable_fields[0]]
        else:
            awaited = await gather_with_cancel(*(results[field] for field in awaitable_fields))
            results.update(zip(awaitable_fields, awaited, strict=True))
        return results


def _plain_value(plan: tuple[str, Callable[[Any], Any], bool], source: Any) -> Any:
    """The serialized value, or Undefined when graphql-core must take the field (to raise
    or report what is wrong with it)."""
    name, serialize, non_null = plan
    try:
        value = getattr(source, name)
        if value is None:
            return Undefined if non_null else None
        coerced = serialize(value)
    except Exception:  # noqa: BLE001  # the full path reports it, located
        return Undefined
    return Undefined if coerced is None else coerced


@dataclasses.dataclass(frozen=True, slots=True)
class Prepared:
    """A document parsed and validated once: the same text is never parsed again."""

    document: DocumentNode | None
    errors: tuple[GraphQLError, ...]


@dataclasses.dataclass(slots=True)
class Operation:
    """What the rules and the metrics read of a run (Strawberry's ExecutionContext has more)."""

    graphql_document: DocumentNode | None
    operation_name: str | None
    context: Any


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
        cache_size: int = 512,
    ) -> None:
        self.schema = schema
        self.rules = rules
        self.max_tokens = max_tokens
        self.process_errors = process_errors
        self.finish = finish
        self._cached_prepare = functools.lru_cache(maxsize=cache_size)(self._prepare)

    def prepare(self, query: str) -> Prepared:
        if len(query) > CACHED_DOCUMENT_CHARS:
            return self._prepare(query)
        return self._cached_prepare(query)

    def _prepare(self, query: str) -> Prepared:
        try:
            document = parse(query, max_tokens=self.max_tokens)
        except GraphQLError as error:
            return Prepared(None, (error,))
        return Prepared(document, tuple(validate_document(self.schema, document, self.rules)))

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
        started = time.perf_counter()
        prepared = self.prepare(query)
        if operation_name is None and prepared.document is not None:
            # As Strawberry: without a name, the first operation runs, even among several.
            first = get_first_operation(prepared.document)
            operation_name = first.name.value if first is not None and first.name else None
        operation = Operation(prepared.document, operation_name, context_value)
        if prepared.document is None:
            return self._answer(operation, started, None, list(prepared.errors))
        try:
            operation_type = get_operation_type(prepared.document, operation_name)
        except RuntimeError as error:
            raise CannotGetOperationTypeError(operation_name) from error
        if operation_type not in allowed_operation_types:
            raise InvalidOperationTypeError(operation_type)
        if prepared.errors:
            return self._answer(operation, started, None, list(prepared.errors))
        try:
            result = execute(
                self.schema, prepared.document, root_value=root_value,
                context_value=context_value, variable_values=variable_values,
                operation_name=operation_name, is_awaitable=optimized_is_awaitable,  # type: ignore[arg-type]
                executor_class=PlainFieldsExecutionContext,
                operation_extensions=operation_extensions,
            )
            if optimized_is_awaitable(result):
                result = await result  # type: ignore[misc]
        except Exception as error:  # noqa: BLE001  # as Strawberry: an error, not a crash
            wrapped = error if isinstance(error, GraphQLError) else \
                GraphQLError(str(error), original_error=error)
            return self._answer(operation, started, None, [wrapped])
        return self._answer(operation, started, result.data, list(result.errors or ()))  # type: ignore[union-attr]

    def _answer(
        self, operation: Operation, started: float, data: dict[str, Any] | None,
        errors: list[GraphQLError],
    ) -> ExecutionResult:
        if errors:
            self.process_errors(errors, operation)
        errors = self.finish(operation, time.perf_counter() - started, errors)
        return ExecutionResult(data=data, errors=errors or None)
