"""Compiled operations: for each (document, operation, values of the variables that
@skip/@include read) a plan is built once and kept with the parsed document. The plan
holds the collected fields of every selection, and for each field what graphql-core
works out again on every request: the field's definition, its arguments when they are
literals, how to resolve it (an attribute read, the resolver itself, or Strawberry's
wrapper when the field has arguments or extensions) and a completion function made for
its type (non-null, list, leaf, object, abstract). Each selection (an object type and
the fields asked of it) runs as one function generated for it (schema/selection_code.py).

The run itself is graphql-core's Executor with these plans in place of its per-field
work, so everything the plans do not cover (variable coercion, error location and
propagation, awaitable lists, async iterables, abort) is graphql-core's own code, and
errors read exactly as graphql-core writes them (tests/unit/test_execution.py proves it
answer for answer).
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Callable
from typing import Any

from graphql import (
    DirectiveNode,
    DocumentNode,
    FieldNode,
    GraphQLAbstractType,
    GraphQLError,
    GraphQLField,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    GraphQLResolveInfoHelpers,
    GraphQLSchema,
    OperationType,
    VariableNode,
    Visitor,
    is_abstract_type,
    is_leaf_type,
    visit,
)
from graphql.execution.collect_fields import (
    CollectedFields,
    FieldDetailsList,
    GroupedFieldSet,
    collect_fields,
    collect_subfields,
)
from graphql.execution.executor import CollectedErrors, invalid_return_type_error
from graphql.execution.values import get_argument_values, get_variable_values
from graphql.pyutils import Path, RefMap, Undefined, gather_with_cancel, is_iterable
from strawberry.execution.is_awaitable import optimized_is_awaitable
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter

from schema.selection_code import compile_selection, enum_output_names

Complete = Callable[["CompiledRun", Path, Any], Any]

# How many plans one document keeps (one per operation and @skip/@include values).
PLANS_PER_DOCUMENT = 16


class _DirectiveVariables(Visitor):
    """The variables that @skip and @include read, and whether the document has anything
    a plan does not cover (fragment variables)."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()
        self.compilable = True

    def enter_directive(self, node: DirectiveNode, *_: Any) -> None:
        if node.name.value in ("skip", "include"):
            for argument in node.arguments or ():
                if isinstance(argument.value, VariableNode):
                    self.names.add(argument.value.name.value)

    def enter_fragment_definition(self, node: Any, *_: Any) -> None:
        if node.variable_definitions:
            self.compilable = False

    def enter_fragment_spread(self, node: Any, *_: Any) -> None:
        if getattr(node, "arguments", None):
            self.compilable = False


class DocumentPlans:
    """The plans of one parsed document, keyed by operation and @skip/@include values."""

    def __init__(self, document: DocumentNode) -> None:
        found = _DirectiveVariables()
        visit(document, found)
        self.compilable = found.compilable
        self.directive_variables = tuple(sorted(found.names))
        self._plans: dict[tuple[Any, ...], Plan] = {}
        # graphql-core's executor state that depends only on the document and the operation,
        # by operation name (CompiledRun.start).
        self.executor_state: dict[str | None, dict[str, Any]] = {}

    def plan_for(self, run: CompiledRun) -> Plan:
        coerced = run.variable_values.coerced
        key = (id(run.operation), *(coerced.get(name) for name in self.directive_variables))
        plan = self._plans.get(key)
        if plan is None:
            plan = Plan(run.schema, run.operation, tracer=run.tracer)
            if len(self._plans) < PLANS_PER_DOCUMENT:
                self._plans[key] = plan
        return plan


def _has_variables(node: FieldNode) -> bool:
    found = False

    class Finder(Visitor):
        def enter_variable(self, *_: Any) -> None:
            nonlocal found
            found = True

    for argument in node.arguments or ():
        visit(argument, Finder())
    return found


class FieldPlan:
    """One field of one selection, worked out once."""

    __slots__ = (
        "args", "attribute", "complete", "definition", "field_def", "field_details_list",
        "field_name", "needs_info", "nodes", "nullable", "parent_type", "resolver_call", "return_type",
        "serialize", "static_args", "traced",
    )

    def __init__(
        self, plan: Plan, parent_type: GraphQLObjectType, field_def: GraphQLField,
        field_details_list: FieldDetailsList,
    ) -> None:
        self.parent_type = parent_type
        self.field_def = field_def
        self.field_details_list = field_details_list
        self.nodes = [details.node for details in field_details_list]
        first = field_details_list[0]
        self.field_name = first.node.name.value
        self.return_type = field_def.type
        self.nullable = not isinstance(field_def.type, GraphQLNonNull)
        self.static_args: dict[str, Any] | None = None
        if not (field_def.args or first.node.arguments):
            self.static_args = {}
        elif not _has_variables(first.node) and first.fragment_variable_values is None:
            with contextlib.suppress(GraphQLError):  # the run raises it, located
                self.static_args = get_argument_values(field_def, first.node)
        definition: Any = (field_def.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
        self.definition = definition
        basic = definition is not None and definition.is_basic_field \
            and getattr(field_def.resolve, "_is_default", False) \
            and definition.default_resolver is getattr
        # A plain scalar or enum: an attribute read and the type's serializer.
        self.attribute: str | None = None
        self.serialize: Callable[[Any], Any] | None = None
        if basic and not field_def.args:
            leaf = _nullable(field_def.type)
            if is_leaf_type(leaf):
                self.attribute = definition.python_name
                self.serialize = serializer(leaf)
        # A resolver without arguments or extensions: called as it is, without Strawberry's
        # wrapper (which converts arguments and runs extensions, and has neither to do).
        self.resolver_call: Callable[[Any, Any], Any] | None = None
        self.needs_info = True
        if basic:
            self.resolver_call = _read_attribute(definition.python_name)
            self.needs_info = False
        elif definition is not None and _direct(definition, field_def, plan.schema):
            self.resolver_call, self.needs_info = _resolver_call(definition, plan.info_class)
        self.traced = plan.tracer is not None and not basic
        self.complete = plan.completer(self, self.return_type)


def _nullable(field_type: GraphQLOutputType) -> GraphQLOutputType:
    return field_type.of_type if isinstance(field_type, GraphQLNonNull) else field_type


def _exception_handlers(schema: GraphQLSchema) -> Any:
    strawberry_schema = getattr(schema, "_strawberry_schema", None)
    return getattr(getattr(strawberry_schema, "schema_converter", None),
                   "_exception_handler_specs", ())


def _direct(definition: Any, field_def: GraphQLField, schema: GraphQLSchema) -> bool:
    return (
        definition.base_resolver is not None and not definition.extensions
        and not field_def.args and not _exception_handlers(schema)
        and not definition.is_subscription
    )


def _read_attribute(name: str) -> Callable[[Any, Any], Any]:
    def read(source: Any, _info: Any) -> Any:
        return getattr(source, name)

    return read


def _resolver_call(definition: Any, info_class: Any) -> tuple[Callable[[Any, Any], Any], bool]:
    """The resolver with the source and info where its signature asks for them, as
    Strawberry's `get_arguments` places them; and whether it asks for the info."""
    resolver = definition.base_resolver
    function = resolver.wrapped_func
    by_self = resolver.self_parameter is not None
    named = [p.name for p in (resolver.parent_parameter, resolver.root_parameter) if p]
    info_name = resolver.info_parameter.name if resolver.info_parameter else None

    if by_self and not named and info_name is not None and _second_positional(resolver.signature, info_name):
        # `def field(self, info)`, the commonest shape, without a dictionary of arguments.
        def call_with_info(source: Any, info: Any) -> Any:
            return function(source, info_class(_raw_info=info, _field=definition))

        return call_with_info, True

    def call(source: Any, info: Any) -> Any:
        kwargs = {name: source for name in named}
        if info_name is not None:
            kwargs[info_name] = info_class(_raw_info=info, _field=definition)
        return function(source, **kwargs) if by_self else function(**kwargs)

    return call, info_name is not None


def _second_positional(signature: inspect.Signature, name: str) -> bool:
    parameters = list(signature.parameters.values())
    return len(parameters) == 2 and parameters[1].name == name \
        and parameters[1].kind is inspect.Parameter.POSITIONAL_OR_KEYWORD


def serializer(leaf: GraphQLLeafType) -> Callable[[Any], Any]:
    """The type's own serializer; for Strawberry's enums, one dictionary lookup instead of
    its scan of every value (a status field on every row of a page)."""
    names = enum_output_names(leaf)
    if names is None:
        return leaf.coerce_output_value
    wrapped = leaf.wrapped_cls  # type: ignore[union-attr]

    def enum_name(member: Any) -> Any:
        if isinstance(member, wrapped):
            name = names.get(member._value_)  # what `.value` reads, without the property
            if name is not None:
                return name
        return leaf.coerce_output_value(member)

    return enum_name


class Plan:
    """One operation of one document under one set of @skip/@include values."""

    def __init__(self, schema: GraphQLSchema, operation: Any, *, tracer: Any) -> None:
        self.schema = schema
        self.operation = operation
        self.tracer = tracer
        strawberry_schema = getattr(schema, "_strawberry_schema", None)
        self.info_class = strawberry_schema.config.info_class if strawberry_schema else None
        self.root: CollectedFields | None = None
        # Keyed by identity, as graphql-core memoizes: the plan keeps the lists alive.
        self.subfields: dict[tuple[GraphQLObjectType, int], tuple[FieldDetailsList, CollectedFields]] = {}
        self.fields: dict[tuple[GraphQLObjectType, int], tuple[FieldDetailsList, FieldPlan | None]] = {}
        self.selections: dict[tuple[GraphQLObjectType, int], tuple[GroupedFieldSet, Selection]] = {}

    def root_fields(self, run: CompiledRun, root_type: GraphQLObjectType) -> CollectedFields:
        if self.root is None:
            self.root = collect_fields(
                run.schema, run.fragments, run.variable_values, root_type, run.operation,
                run.hide_suggestions,
            )
        return self.root

    def collected_subfields(
        self, run: CompiledRun, return_type: GraphQLObjectType, field_details_list: FieldDetailsList
    ) -> CollectedFields:
        key = (return_type, id(field_details_list))
        cached = self.subfields.get(key)
        if cached is None:
            cached = self.subfields[key] = (field_details_list, collect_subfields(
                run.schema, run.fragments, run.variable_values, run.operation, return_type,
                field_details_list, run.hide_suggestions,
            ))
        return cached[1]

    def field(self, parent_type: GraphQLObjectType, field_details_list: FieldDetailsList) -> FieldPlan | None:
        key = (parent_type, id(field_details_list))
        cached = self.fields.get(key)
        if cached is None:
            field_def = self.schema.get_field(parent_type, field_details_list[0].node.name.value)
            cached = self.fields[key] = (field_details_list, None if field_def is None else
                                         FieldPlan(self, parent_type, field_def, field_details_list))
        return cached[1]

    def selection(self, parent_type: GraphQLObjectType, grouped_field_set: GroupedFieldSet) -> Selection:
        key = (parent_type, id(grouped_field_set))
        cached = self.selections.get(key)
        if cached is None:
            cached = self.selections[key] = (grouped_field_set,
                                             Selection(self, parent_type, grouped_field_set))
        return cached[1]

    def completer(self, field: FieldPlan, return_type: GraphQLOutputType) -> Complete:
        """graphql-core's complete_value, unrolled for one type."""
        if isinstance(return_type, GraphQLNonNull):
            if isinstance(return_type.of_type, GraphQLObjectType):
                return _object(self, field, return_type.of_type, _null_message(field))
            return _non_null(field, self._value_completer(field, return_type.of_type))
        if isinstance(return_type, GraphQLObjectType):
            return _object(self, field, return_type, None)
        return _nullable_completer(self._value_completer(field, return_type))

    def _value_completer(self, field: FieldPlan, return_type: GraphQLOutputType) -> Complete:
        """Completes a result that is neither null nor an error."""
        if isinstance(return_type, GraphQLList):
            return _list(field, return_type, self.completer(field, return_type.of_type))
        if is_leaf_type(return_type):
            return _leaf(return_type, serializer(return_type))
        if is_abstract_type(return_type):
            return _abstract(self, field, return_type)
        raise AssertionError(return_type)  # object types are completed by `completer`


class Selection:
    """The fields one grouped field set asks of one object type, in order, each with its plan
    (fields the type does not have are left out, as graphql-core leaves them out)."""

    __slots__ = ("entries", "execute")

    def __init__(self, plan: Plan, parent_type: GraphQLObjectType, grouped_field_set: GroupedFieldSet) -> None:
        planned = ((name, plan.field(parent_type, details)) for name, details in grouped_field_set.items())
        self.entries: tuple[tuple[str, FieldPlan], ...] = tuple(
            (name, field) for name, field in planned if field is not None
        )
        self.execute = compile_selection(parent_type.name, self.entries)


def _null_message(field: FieldPlan) -> str:
    return f"Cannot return null for non-nullable field {field.parent_type}.{field.field_name}."


def _non_null(field: FieldPlan, inner: Complete) -> Complete:
    message = _null_message(field)

    def complete(run: CompiledRun, path: Path, result: Any) -> Any:
        if isinstance(result, Exception):
            raise result
        if result is None or result is Undefined:
            raise TypeError(message)
        completed = inner(run, path, result)
        if completed is None:
            raise TypeError(message)
        return completed

    return complete


def _nullable_completer(inner: Complete) -> Complete:
    def complete(run: CompiledRun, path: Path, result: Any) -> Any:
        if isinstance(result, Exception):
            raise result
        if result is None or result is Undefined:
            return None
        return inner(run, path, result)

    return complete


def _leaf(leaf: GraphQLLeafType, serialize: Callable[[Any], Any]) -> Complete:
    def complete(_run: CompiledRun, _path: Path, result: Any) -> Any:
        coerced = serialize(result)
        if coerced is None or coerced is Undefined:
            return StrawberryGraphQLCoreExecutionContext.complete_leaf_value(leaf, result)  # raises
        return coerced

    return complete


def _list(field: FieldPlan, list_type: GraphQLList, inner: Complete) -> Complete:
    item_type = list_type.of_type
    details = field.field_details_list

    def complete(run: CompiledRun, path: Path, result: Any) -> Any:
        if type(result) is not list and (run.is_async_iterable(result) or not is_iterable(result)):
            return run.complete_list_value(list_type, details, run.info(field, path), path, result, None)
        is_awaitable = run.is_awaitable
        completed: list[Any] = []
        awaitable_indices: list[int] = []
        iterator = iter(result)
        try:
            for index, item in enumerate(iterator):
                item_path = Path(path, index, None)
                if is_awaitable(item):
                    completed.append(run.complete_awaitable_list_item_value(
                        item, item_type, details, run.info(field, path), item_path, None))
                    awaitable_indices.append(index)
                    continue
                try:
                    value = inner(run, item_path, item)
                    if type(value) is not dict and is_awaitable(value):
                        value = run.awaited_item(value, item_type, details, item_path)
                        awaitable_indices.append(index)
                except Exception as raw_error:  # noqa: BLE001  # located, as graphql-core does
                    run.handle_field_error(raw_error, item_type, details, item_path)
                    value = None
                completed.append(value)
        except Exception:
            pending = [completed[index] for index in awaitable_indices]
            pending.extend(item for item in iterator if is_awaitable(item))
            if pending:
                run.settle_in_background(pending)
            raise
        if not awaitable_indices:
            return completed
        return _gathered_list(completed, awaitable_indices)

    return complete


async def _gathered_list(completed: list[Any], indices: list[int]) -> list[Any]:
    if len(indices) == 1:
        completed[indices[0]] = await completed[indices[0]]
    else:
        awaited = await gather_with_cancel(*(completed[index] for index in indices))
        for index, value in zip(indices, awaited, strict=True):
            completed[index] = value
    return completed


def _object(plan: Plan, field: FieldPlan, object_type: GraphQLObjectType, null_message: str | None) -> Complete:
    """An object, with the null and error checks of its (non-)null wrapper: `null_message`
    is raised for a null that the schema does not allow."""
    details = field.field_details_list
    is_type_of = object_type.is_type_of
    definition = (object_type.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    # Strawberry's own check (for types with interfaces) never reads the info.
    needs_info = definition is None or definition.is_type_of is not None
    selection: Selection | None = None

    def complete(run: CompiledRun, path: Path, result: Any) -> Any:
        nonlocal selection
        if isinstance(result, Exception):
            raise result
        if result is None or result is Undefined:
            if null_message is None:
                return None
            raise TypeError(null_message)
        if is_type_of is not None:
            info: Any = run.info(field, path) if needs_info else None
            matches = is_type_of(result, info)
            if run.is_awaitable(matches):
                return run.complete_object_value(
                    object_type, details, run.info(field, path), path, result, None)
            if not matches:
                raise invalid_return_type_error(object_type, result, details)
        if selection is None:
            grouped = plan.collected_subfields(run, object_type, details).grouped_field_set
            selection = plan.selection(object_type, grouped)
        return selection.execute(run, result, path)

    return complete


def _abstract(plan: Plan, field: FieldPlan, abstract_type: GraphQLAbstractType) -> Complete:
    details = field.field_details_list
    objects: dict[GraphQLObjectType, Complete] = {}

    def complete(run: CompiledRun, path: Path, result: Any) -> Any:
        info = run.info(field, path)
        resolve_type = abstract_type.resolve_type or run.type_resolver
        runtime_type = resolve_type(result, info, abstract_type)
        if run.is_awaitable(runtime_type):
            return run.complete_abstract_value(abstract_type, details, info, path, result, None)
        object_type = run.ensure_valid_runtime_type(runtime_type, abstract_type, details, info, result)
        completer = objects.get(object_type)
        if completer is None:
            completer = objects[object_type] = _object(plan, field, object_type, None)
        return completer(run, path, result)

    return complete


# What graphql-core's executor holds, by how long it holds it: what depends only on the
# schema, the document and the operation (shared by every run of one document's operation),
# what each run starts anew, and what each request brings.
SHARED_STATE = frozenset({
    "schema", "fragment_definitions", "fragments", "operation", "field_resolver",
    "type_resolver", "subscribe_field_resolver", "enable_early_execution", "hide_suggestions",
    "abort_signal", "hooks", "middleware_manager", "error_propagation", "is_awaitable",
    "is_async_iterable",
})
RUN_STATE = frozenset({
    "async_helpers", "collected_errors", "pending_incremental_futures", "background_futures",
    "async_work_finished_hook_task", "_relevant_sub_fields", "_stream_usages",
    "defer_usage_set", "groups", "tasks", "streams", "_initial_execution_plans",
    "_deferred_execution_plans",
})
REQUEST_STATE = frozenset({"root_value", "context_value", "variable_values", "operation_extensions"})


class CompiledRun(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's executor for one request, working from a plan."""

    plans: DocumentPlans
    plan: Plan
    tracer: Any = None
    operation_span: Any = None

    @classmethod
    def start(
        cls, plans: DocumentPlans, schema: GraphQLSchema, document: DocumentNode,
        root_value: Any, context_value: Any, raw_variable_values: dict[str, Any] | None,
        operation_name: str | None, operation_extensions: dict[str, Any] | None,
    ) -> CompiledRun | list[GraphQLError]:
        """graphql-core's `build`, with what depends only on the document and the operation
        (finding the operation and the fragments, and most of the executor's state) taken
        from the document's first run: building the executor was a tenth of `me`'s work.
        The variables are coerced for every request, as `build` does."""
        shared = plans.executor_state.get(operation_name)
        if shared is None:
            run = cls.build(
                schema, document, root_value, context_value, raw_variable_values,
                operation_name, is_awaitable=optimized_is_awaitable,  # type: ignore[arg-type]
                operation_extensions=operation_extensions,
            )
            if isinstance(run, cls) and len(plans.executor_state) < PLANS_PER_DOCUMENT:
                state = vars(run)
                plans.executor_state[operation_name] = {name: state[name] for name in SHARED_STATE}
            return run  # type: ignore[return-value]
        variable_values = get_variable_values(
            schema, shared["operation"].variable_definitions or (), raw_variable_values or {},
            max_errors=50, hide_suggestions=shared["hide_suggestions"],
        )
        if isinstance(variable_values, list):
            return variable_values
        run = cls.__new__(cls)
        state = vars(run)
        state.update(shared)
        state.update(
            root_value=root_value, context_value=context_value,
            variable_values=variable_values, operation_extensions=operation_extensions,
            collected_errors=CollectedErrors(), pending_incremental_futures=set(),
            background_futures=set(), async_work_finished_hook_task=None,
            _relevant_sub_fields={}, _stream_usages=RefMap(), defer_usage_set=None, groups=[],
            tasks=[], streams=[], _initial_execution_plans=RefMap(),
            _deferred_execution_plans=RefMap(),
        )
        run.async_helpers = GraphQLResolveInfoHelpers(
            gather=run.gather_async_work, track=run.track_async_work)
        return run

    def execute_operation(self, serially: bool | None = None) -> Any:
        self.plan = self.plans.plan_for(self)
        operation_type = self.operation.operation
        root_type = self.schema.get_root_type(operation_type)
        try:
            if root_type is None:
                raise GraphQLError(  # noqa: TRY301  # as graphql-core words it
                    f"Schema is not configured to execute {operation_type.value} operation.",
                    self.operation,
                )
            grouped = self.plan.root_fields(self, root_type).grouped_field_set
            run_fields = self.execute_fields_serially \
                if operation_type == OperationType.MUTATION else self.execute_fields
            result = run_fields(root_type, self.root_value, None, grouped, None)
        except GraphQLError as error:
            self.collected_errors.add(error, None)
            return self.build_response(None)
        if self.is_awaitable(result):
            return self._awaited_response(result)
        return self.build_response(result)  # type: ignore[arg-type]

    async def _awaited_response(self, result: Any) -> Any:
        try:
            data = await result
        except GraphQLError as error:
            self.collected_errors.add(error, None)
            return self.build_response(None)
        return self.build_response(data)

    def collect_subfields(
        self, return_type: GraphQLObjectType, field_details_list: FieldDetailsList
    ) -> CollectedFields:
        return self.plan.collected_subfields(self, return_type, field_details_list)

    def info(self, field: FieldPlan, path: Path) -> GraphQLResolveInfo:
        return self.build_resolve_info(field.field_def, field.nodes, field.parent_type, path)

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> Any:
        return self.plan.selection(parent_type, grouped_field_set).execute(self, source_value, path)

    def execute_field(
        self,
        parent_type: GraphQLObjectType,
        source: Any,
        field_details_list: FieldDetailsList,
        path: Path,
        position_context: Any,
    ) -> Any:
        """Mutations' root fields, one after another (graphql-core's serial reducer)."""
        field = self.plan.field(parent_type, field_details_list)
        if field is None:
            return Undefined
        return self.run_field(field, source, path)

    def run_field(self, field: FieldPlan, source: Any, path: Path) -> Any:
        """graphql-core's execute_field with the plan's answers to its questions."""
        if field.traced:
            return self._traced_field(field, source, path)
        is_awaitable = self.is_awaitable
        try:
            call = field.resolver_call
            if call is not None:
                result = call(source, self.info(field, path) if field.needs_info else None)
            else:
                result = self._resolve(field, source, path)
            if is_awaitable(result):
                return self._completed_later(field, path, result, None)
            completed = field.complete(self, path, result)
            if type(completed) is not dict and is_awaitable(completed):
                return self._awaited_completion(field, path, completed)
        except Exception as raw_error:  # noqa: BLE001  # located, as graphql-core does
            self.handle_field_error(raw_error, field.return_type, field.field_details_list, path)
            return None
        return completed

    def _traced_field(self, field: FieldPlan, source: Any, path: Path) -> Any:
        span = self._start_span(field, path)
        try:
            result = self._resolve(field, source, path)
            if self.is_awaitable(result):
                pending, span = span, None  # ended once the resolver has answered
                return self._completed_later(field, path, result, pending)
            completed = field.complete(self, path, result)
            if self.is_awaitable(completed):
                return self._awaited_completion(field, path, completed)
        except Exception as raw_error:  # noqa: BLE001  # located, as graphql-core does
            self.handle_field_error(raw_error, field.return_type, field.field_details_list, path)
            return None
        finally:
            if span is not None:
                span.end()
        return completed

    def _resolve(self, field: FieldPlan, source: Any, path: Path) -> Any:
        call = field.resolver_call
        if call is not None:
            return call(source, self.info(field, path) if field.needs_info else None)
        args = field.static_args
        if args is None:
            first = field.field_details_list[0]
            args = get_argument_values(
                field.field_def, first.node, self.variable_values,
                first.fragment_variable_values, self.hide_suggestions,
            )
        resolve = field.field_def.resolve or self.field_resolver
        return resolve(source, self.info(field, path), **args)

    async def _completed_later(self, field: FieldPlan, path: Path, result: Any, span: Any) -> Any:
        try:
            completed = field.complete(self, path, await result)
            if self.is_awaitable(completed):
                completed = await completed
        except Exception as raw_error:  # noqa: BLE001
            self.handle_field_error(raw_error, field.return_type, field.field_details_list, path)
            completed = None
        finally:
            if span is not None:
                span.end()
        return completed

    async def _awaited_completion(self, field: FieldPlan, path: Path, completed: Any) -> Any:
        try:
            return await completed
        except Exception as raw_error:  # noqa: BLE001
            self.handle_field_error(raw_error, field.return_type, field.field_details_list, path)
            return None

    async def awaited_item(self, value: Any, item_type: Any, details: FieldDetailsList, path: Path) -> Any:
        try:
            return await value
        except Exception as raw_error:  # noqa: BLE001
            self.handle_field_error(raw_error, item_type, details, path)
            return None

    def _start_span(self, field: FieldPlan, path: Path) -> Any:
        """A resolver's span, named as Strawberry's tracing extension names it, with no
        arguments (they hold passwords, codes and tokens)."""
        from opentelemetry import trace

        span = self.tracer.start_span(
            f"GraphQL Resolving: {field.field_name}",
            context=trace.set_span_in_context(self.operation_span),
        )
        span.set_attribute("component", "graphql")
        span.set_attribute("graphql.parentType", field.parent_type.name)
        span.set_attribute("graphql.path", ".".join(str(key) for key in path.as_list()))
        return span
