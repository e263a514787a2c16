"""The errors graphql-core and Strawberry raise themselves (a variable of the wrong type, a
missing required input field, a @oneOf with two keys, a syntax error, a limit), read back
into a catalog message in the caller's language and the input path as data.

graphql-core words these in English only and names the path inside its text; the patterns
below read its messages (graphql-core 3.3, utilities/validate_input_value.py and the
scalars), and anything they do not know keeps its own text after a localized preface.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLSchema,
    GraphQLSyntaxError,
    ListValueNode,
    Node,
    ObjectValueNode,
    OperationDefinitionNode,
    StringValueNode,
    ValueNode,
    get_named_type,
    parse,
    type_from_ast,
)

from models.enums import Language
from resolvers.platform.i18n import translate


@dataclass(frozen=True)
class Reading:
    """What an error means: a catalog key, the input path it is about, the key's params."""

    key: str
    field: str | None = None
    params: dict[str, Any] = dataclasses.field(default_factory=dict)


VARIABLE = re.compile(
    r"^Variable '\$(?P<variable>\w+)' has invalid value(?: at (?P<path>[^:]*?))?: (?P<reason>.*)$",
    re.DOTALL,
)
# What a value is wrong with, by the words graphql-core and the scalars use.
REASONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.DOTALL), key)
    for pattern, key in (
        (r"^Expected value of type '[^']+' to include required field '(?P<child>\w+)'", "value_required"),
        (r"^Expected value of type '[^']+' not to include unknown field '(?P<child>\w+)'",
         "value_unknown_field"),
        (r"^Expected a value of non-null type '[^']+' to be provided", "value_required"),
        (r"^Expected value of non-null type '[^']+' not to be None", "value_required"),
        (r"^Expected variable '\$\w+' provided to non-null type", "value_required"),
        (r"^Expected value of type '[^']+' to be an object", "value_object"),
        (r"OneOf Input Object|exactly one (key|field)", "value_one_of"),
        (r"cannot represent a DateTime|Value cannot represent a DateTime", "value_datetime"),
        (r"cannot represent a Date\b", "value_date"),
        (r"^Int cannot represent", "value_whole_number"),
        (r"^Float cannot represent", "value_number"),
        (r"^(String|ID) cannot represent", "value_text"),
        (r"^Boolean cannot represent", "value_boolean"),
        (r"^Value '(?P<value>[^']*)' does not exist in '\w+' enum", "value_enum"),
        (r"^Enum '\w+' cannot represent", "value_enum"),
    )
)
QUOTED_LITERAL = re.compile(r'cannot represent [^:]*: "(?P<literal>[^"]*)"')
NAMED_TYPE = re.compile(r"OneOf Input Object '(?P<type>\w+)'")
# Development answers keep graphql-core's suggestions (production has none, schema.redaction).
SUGGESTION = re.compile(r"Did you mean (?P<names>[^?]*)\?")
SELECTION = re.compile(
    r"^Cannot query field '(?P<name>\w+)' on type '(?P<type>\w+)'\.(?: Did you mean (?P<suggestion>.+)\?)?"
)
LIMITS = {
    "QUERY_TOO_DEEP": "query_too_deep",
    "TOO_MANY_ALIASES": "too_many_aliases",
    "QUERY_TOO_LARGE": "query_too_large",
    "TIMEOUT": "timeout",
}
MASKED_MESSAGE = "Unexpected error."
THE_VALUE = "…"  # where a message names no input path


def read(
    error: GraphQLError, document: DocumentNode | None, schema: GraphQLSchema | None = None
) -> Reading | None:
    """How to word `error` from the catalog; None for errors already in the caller's
    language (the resolvers' own: UNAUTHENTICATED, FORBIDDEN, BAD_USER_INPUT of a list)."""
    code = (error.extensions or {}).get("code")
    if code in LIMITS:
        numbers = re.findall(r"\d+", error.message)
        return Reading(LIMITS[code], params={"max": numbers[-1] if numbers else "?"})
    if error.message == MASKED_MESSAGE and error.original_error is None:
        return Reading("unexpected")
    if isinstance(error, GraphQLSyntaxError) or code == "GRAPHQL_PARSE_FAILED":
        return Reading("syntax_error", params={"detail": error.message.removeprefix("Syntax Error: ")})
    variable = VARIABLE.match(error.message)
    if variable:
        path = variable["variable"] + dotted(variable["path"] or "")
        return reason(variable["reason"], path) or Reading("value_invalid", path, {"field": path})
    if code not in (None, "GRAPHQL_VALIDATION_FAILED"):
        return None
    selection = SELECTION.match(error.message)
    if selection:
        key = "unknown_selection_suggested" if selection["suggestion"] else "unknown_selection"
        return Reading(key, params=selection.groupdict())
    path = literal_path(error, document) or typed_path(error.message, document, schema)
    found = reason(error.message, path)
    if found is not None:
        return found
    return Reading("request_invalid", params={"detail": error.message})


def reason(text: str, path: str | None) -> Reading | None:
    for pattern, key in REASONS:
        match = pattern.search(text)
        if match is None:
            continue
        groups = match.groupdict()
        child = groups.get("child")
        where = f"{path}.{child}" if path and child else child or path
        return Reading(key, where, {"field": where or THE_VALUE, "value": groups.get("value") or ""})
    return None


def dotted(graphql_core_path: str) -> str:
    """`.documents[0].kind` -> `.documents.0.kind`, as UserError.field writes paths."""
    return re.sub(r"\[(\d+)\]", r".\1", graphql_core_path)


def literal_path(error: GraphQLError, document: DocumentNode | None) -> str | None:
    """The argument path of the literal value `error` points at, e.g. `input.details`; for
    a scalar's error that points nowhere, the one string literal its message quotes."""
    if document is None:
        return None
    target = error.nodes[0].loc if error.nodes else None
    if target is not None:
        for path, node in argument_values(document):
            if node.loc is not None and (node.loc.start, node.loc.end) == (target.start, target.end):
                return path
        return None
    quoted = QUOTED_LITERAL.search(error.message)
    if quoted is None:
        return None
    paths = [path for path, node in argument_values(document)
             if isinstance(node, StringValueNode) and node.value == quoted["literal"]]
    return paths[0] if len(paths) == 1 else None


def typed_path(message: str, document: DocumentNode | None, schema: GraphQLSchema | None) -> str | None:
    """For an error that names only an input type (a @oneOf given in a variable): the one
    place of that type under the operation's variables."""
    named = NAMED_TYPE.search(message)
    if named is None or document is None or schema is None:
        return None
    paths = []
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            for variable in definition.variable_definitions or ():
                type_ = type_from_ast(schema, variable.type)
                if type_ is not None:
                    paths += _typed(variable.variable.name.value, type_, named["type"], depth=6)
    return paths[0] if len(paths) == 1 else None


def _typed(path: str, type_: Any, wanted: str, *, depth: int) -> list[str]:
    named = get_named_type(type_)
    if named.name == wanted:
        return [path]
    if depth == 0 or not isinstance(named, GraphQLInputObjectType):
        return []
    return [found for name, child in named.fields.items()
            for found in _typed(f"{path}.{name}", child.type, wanted, depth=depth - 1)]


def argument_values(document: DocumentNode) -> Iterator[tuple[str, ValueNode]]:
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            yield from _in_selections(definition)


def _in_selections(node: Node) -> Iterator[tuple[str, ValueNode]]:
    selection_set = getattr(node, "selection_set", None)
    for selection in selection_set.selections if selection_set else ():
        if isinstance(selection, FieldNode):
            for argument in selection.arguments or ():
                yield from _in_value(argument.name.value, argument.value)
        yield from _in_selections(selection)


def _in_value(path: str, value: ValueNode) -> Iterator[tuple[str, ValueNode]]:
    yield path, value
    if isinstance(value, ObjectValueNode):
        for child in value.fields:
            yield from _in_value(f"{path}.{child.name.value}", child.value)
    elif isinstance(value, ListValueNode):
        for index, item in enumerate(value.values):
            yield from _in_value(f"{path}.{index}", item)


def parsed(query: str | None) -> DocumentNode | None:
    if not query:
        return None
    try:
        return parse(query)
    except GraphQLError:
        return None


def localized(
    errors: list[GraphQLError], language: Language, query: str | None,
    schema: GraphQLSchema | None = None,
) -> list[GraphQLError]:
    """`errors` in the caller's language, each with its `extensions.code` and, when it is
    about one input, `extensions.field`."""
    document: DocumentNode | None = None
    if any((error.extensions or {}).get("code") != "GRAPHQL_PARSE_FAILED" for error in errors):
        document = parsed(query)
    result = []
    for error in errors:
        reading = read(error, document, schema)
        if reading is None:
            result.append(error)
            continue
        extensions = dict(error.extensions or {})
        if reading.field:
            extensions["field"] = reading.field
        message = translate(reading.key, language, **reading.params)
        suggestion = SUGGESTION.search(error.message)
        if suggestion and reading.key != "unknown_selection_suggested":
            message += " " + translate("did_you_mean", language, suggestion=suggestion["names"])
        result.append(GraphQLError(
            message,
            nodes=error.nodes, source=error.source, positions=error.positions, path=error.path,
            original_error=error.original_error, extensions=extensions,
        ))
    return result
