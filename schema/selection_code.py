"""One selection's fields as one function, generated once per plan (as graphql-jit does):
graphql-core's execute_fields unrolled, with each plain field read and serialized in
place. Whatever a plain field's value does not allow (null where the schema promises a
value, a read or a serializer that fails) goes to the field's full path, which raises
the error as graphql-core words and locates it.

For `{ referenceNumber service { name } }` on ServiceRequest the source reads:

    def execute(run, source, path):
        awaited = None
        try:
            try:
                value = source.reference_number
                value_0 = value if type(value) is str else None
                if value_0 is None:
                    if value is None:
                        value_0 = FULL_PATH
                    elif type(value) not in NEVER_AWAITABLE and run.is_awaitable(value):
                        value_0 = FULL_PATH
                    else:
                        value_0 = serialize_0(value)
                        if value_0 is None or value_0 is Undefined:
                            value_0 = FULL_PATH
            except Exception:
                value_0 = FULL_PATH
            if value_0 is FULL_PATH:
                value_0 = run.run_field(field_0, source, Path(path, 'referenceNumber', type_name))
                if type(value_0) is CoroutineType:
                    awaited = later(awaited, 'referenceNumber', value_0)
            value_1 = run.run_field(field_1, source, Path(path, 'service', type_name))
            if type(value_1) is CoroutineType:
                awaited = later(awaited, 'service', value_1)
        except Exception:
            settle(run, awaited)
            raise
        results = {'referenceNumber': value_0, 'service': value_1}
        return results if awaited is None else gathered(results, awaited)
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import keyword
import uuid
from collections.abc import Callable, Sequence
from types import CodeType, CoroutineType
from typing import TYPE_CHECKING, Any

from graphql import GraphQLEnumType, GraphQLID, GraphQLLeafType, GraphQLString
from graphql.pyutils import Path, Undefined, gather_with_cancel

if TYPE_CHECKING:
    from schema.plans import CompiledRun, FieldPlan

Execute = Callable[["CompiledRun", Any, "Path | None"], Any]

# A plain field's value that only the full path can answer.
FULL_PATH = object()

# Values of these exact types are never awaitable: no __await__, and no instance attributes.
NEVER_AWAITABLE = frozenset({
    str, int, float, bool, bytes, dt.datetime, dt.date, dt.time, decimal.Decimal, uuid.UUID,
})

# Scalars whose serializer answers a str as it is.
STRING_SCALARS = (GraphQLString, GraphQLID)


def later(awaited: list[tuple[str, Any]] | None, name: str, value: Any) -> list[tuple[str, Any]]:
    if awaited is None:
        awaited = []
    awaited.append((name, value))
    return awaited


def settle(run: CompiledRun, awaited: list[tuple[str, Any]] | None) -> None:
    if awaited:
        run.settle_in_background([value for _, value in awaited])


async def gathered(results: dict[str, Any], awaited: list[tuple[str, Any]]) -> dict[str, Any]:
    if len(awaited) == 1:
        name, value = awaited[0]
        results[name] = await value
    else:
        values = await gather_with_cancel(*(value for _, value in awaited))
        results.update(zip((name for name, _ in awaited), values, strict=True))
    return results


def compile_selection(type_name: str, entries: Sequence[tuple[str, FieldPlan]]) -> Execute:
    names: dict[str, Any] = {}
    source = selection_source(type_name, entries, names)
    exec(_compiled(source, type_name), names)  # noqa: S102  # our own source
    execute: Execute = names["execute"]
    return execute


# The same fields of the same type read the same in every document and plan: compiled once.
@functools.lru_cache(maxsize=1024)
def _compiled(source: str, type_name: str) -> CodeType:
    return compile(source, f"<selection on {type_name}>", "exec")


def selection_source(type_name: str, entries: Sequence[tuple[str, FieldPlan]], names: dict[str, Any]) -> str:
    """The function's source; `names` receives what it refers to."""
    names |= {
        "CoroutineType": CoroutineType, "FULL_PATH": FULL_PATH, "NEVER_AWAITABLE": NEVER_AWAITABLE, "Path": Path,
        "Undefined": Undefined, "gathered": gathered, "later": later, "settle": settle,
        "type_name": type_name,
    }
    body: list[str] = []
    for index, (response_name, field) in enumerate(entries):
        names[f"field_{index}"] = field
        value = f"value_{index}"
        run_field = f"run.run_field(field_{index}, source, Path(path, {response_name!r}, type_name))"
        # run_field answers a coroutine of its own or a completed value, never another awaitable.
        resolved = [f"{value} = {run_field}", f"if type({value}) is CoroutineType:",
                    f"    awaited = later(awaited, {response_name!r}, {value})"]
        if field.attribute is None:
            body += resolved
        else:
            names[f"serialize_{index}"] = field.serialize
            body += ["try:", *_indented(_plain_read(field, index, names)), "except Exception:",
                     f"    {value} = FULL_PATH", f"if {value} is FULL_PATH:", *_indented(resolved)]
    results = ", ".join(f"{name!r}: value_{index}" for index, (name, _) in enumerate(entries))
    return "\n".join([
        "def execute(run, source, path):",
        "    awaited = None",
        "    try:",
        *_indented(body or ["pass"], 2),
        "    except Exception:",
        "        settle(run, awaited)",
        "        raise",
        f"    results = {{{results}}}",
        "    return results if awaited is None else gathered(results, awaited)",
    ])


def _plain_read(field: FieldPlan, index: int, names: dict[str, Any]) -> list[str]:
    """`value_<index>` set to the field's serialized value, or to FULL_PATH."""
    attribute = field.attribute
    assert attribute is not None
    read = f"source.{attribute}" if attribute.isidentifier() and not keyword.iskeyword(attribute) \
        and not attribute.startswith("__") else f"getattr(source, {attribute!r})"
    value = f"value_{index}"
    leaf = _nullable_leaf(field)
    enum_names = enum_output_names(leaf)
    if leaf in STRING_SCALARS:
        # What the serializer answers for a str.
        fast = f"{value} = value if type(value) is str else None"
    elif enum_names is not None and not hasattr(leaf.wrapped_cls, "__await__"):
        # What the serializer answers for a member (an enum with members has no subclass).
        names[f"enum_{index}"], names[f"names_{index}"] = leaf.wrapped_cls, enum_names
        fast = f"{value} = names_{index}.get(value._value_) if type(value) is enum_{index} else None"
    else:
        fast = f"{value} = None"
    return [
        f"value = {read}",
        fast,
        f"if {value} is None:",
        "    if value is None:",
        f"        {value} = {'None' if field.nullable else 'FULL_PATH'}",
        # An awaitable is awaited first, on the full path.
        "    elif type(value) not in NEVER_AWAITABLE and run.is_awaitable(value):",
        f"        {value} = FULL_PATH",
        "    else:",
        f"        {value} = serialize_{index}(value)",
        f"        if {value} is None or {value} is Undefined:",
        f"            {value} = FULL_PATH",
    ]


def enum_output_names(leaf: GraphQLLeafType) -> dict[Any, str] | None:
    """For a Strawberry enum, each member's GraphQL name by the member's value."""
    if getattr(leaf, "wrapped_cls", None) is None or not isinstance(leaf, GraphQLEnumType):
        return None
    return {value.value: name for name, value in leaf.values.items()}


def _nullable_leaf(field: FieldPlan) -> Any:
    return getattr(field.return_type, "of_type", field.return_type)


def _indented(lines: list[str], depth: int = 1) -> list[str]:
    return ["    " * depth + line for line in lines]
