"""Compiled plans answer what graphql-core's executor answers, through HTTP, for a signed-in
member with data (requests of several kinds behind the `details` union, the `Node`
interface, dates and times, a history, payload errors from the mutations' field extension):
every query the suite sends, every document in the README, and queries generated from the
schema. Same status, same data, same errors (message, path, locations, extensions), in the
same order."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path
from typing import Any

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    NonNullTypeNode,
    OperationDefinitionNode,
    OperationType,
    parse,
    type_from_ast,
    validate,
)
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis_graphql import queries

import tests
from server import export_schema
from tests.support import gql, signed_up
from tests.test_request_lists import CANCEL, DETAILS, submit

README = Path(__file__).resolve().parent.parent / "README.md"
GENERATED = 60

# Mutations that change nothing: each answers a payload error through DomainErrorsAsPayload.
PAYLOAD_ERRORS = [
    ("mutation { updateProfile(input: {email: \"not an address\"}) { errors { field code message } "
     "member { id email } } }", None),
    ("mutation Cancel($input: CancelRequestInput!) { cancelRequest(input: $input) { "
     "errors { field code message } request { id status } } }",
     {"input": {"requestId": "U2VydmljZVJlcXVlc3Q6OTk5OTk5"}}),
]


def _suite_documents() -> list[str]:
    """The GraphQL constants of every test module (queries only: a mutation sent twice
    would not answer the same)."""
    found: list[str] = []
    for module_info in pkgutil.iter_modules(tests.__path__):
        if not module_info.name.startswith("test_") or module_info.name in {"test_faults"}:
            continue
        try:
            module = importlib.import_module(f"tests.{module_info.name}")
        except BaseException:  # noqa: BLE001  # a module that skips itself (an extra missing)
            continue
        found.extend(value for value in vars(module).values() if isinstance(value, str))
    return found


def _readme_documents() -> list[str]:
    return re.findall(r"```graphql\n(.*?)```", README.read_text(), flags=re.DOTALL)


def _generated_documents(sdl: str) -> list[str]:
    found: list[str] = []

    @settings(max_examples=GENERATED, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck), phases=[Phase.generate])
    @given(queries(sdl))
    def collect(document: str) -> None:
        found.append(document)

    collect()
    return found


def _queries(texts: list[str], schema: Any) -> list[str]:
    documents = []
    for text in dict.fromkeys(texts):
        try:
            document = parse(text)
        except Exception:  # noqa: BLE001,S112  # not GraphQL: some other string constant
            continue
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        if operations and all(o.operation == OperationType.QUERY for o in operations) \
                and not validate(schema, document):
            documents.append(text)
    return documents


def _value(input_type: Any, ids: list[str]) -> Any:
    """A value for a required variable: real IDs, small numbers, the first enum value."""
    if isinstance(input_type, GraphQLNonNull):
        return _value(input_type.of_type, ids)
    if isinstance(input_type, GraphQLList):
        return [_value(input_type.of_type, ids)]
    if isinstance(input_type, GraphQLEnumType):
        return next(iter(input_type.values))
    if isinstance(input_type, GraphQLInputObjectType):
        return {name: _value(field.type, ids) for name, field in input_type.fields.items()
                if isinstance(field.type, GraphQLNonNull)}
    return {"ID": ids[0], "Int": 5, "Boolean": True, "Float": 1.5}.get(input_type.name, "x")


def _variables(text: str, schema: Any, ids: list[str]) -> dict[str, Any]:
    variables = {}
    for definition in parse(text).definitions:
        for variable in getattr(definition, "variable_definitions", None) or ():
            if isinstance(variable.type, NonNullTypeNode):
                variable_type = type_from_ast(schema, variable.type)
                variables[variable.variable.name.value] = _value(variable_type, ids)
    return variables


async def _both(client, app, text: str, variables: dict | None, token: str) -> list[Any]:
    executor = app.state.schema.executor
    answers = []
    for compiled in (True, False):
        executor.compiled = compiled
        try:
            response = await client.post(
                "/graphql", json={"query": text, "variables": variables or {}},
                headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"},
            )
        finally:
            executor.compiled = True
        answers.append((response.status_code, response.json()))
    return answers


async def test_compiled_plans_answer_what_graphql_core_answers(client, app, inbox, engine):
    if engine != "sqlite":
        pytest.skip("the executor does not depend on the database engine: run once, on SQLite")
    member = await signed_up(client, inbox)
    requests = [await submit(client, member, details) for details in DETAILS]
    cancelled = await gql(client, CANCEL, {"input": {"requestId": requests[0]["id"]}},
                          token=member.access_token)
    assert cancelled["data"]["cancelRequest"]["errors"] == []  # a two-event history
    ids = [request["id"] for request in requests]
    schema = app.state.schema._schema
    sdl = export_schema()
    documents = _queries(_suite_documents() + _readme_documents(), schema)
    generated = _queries(_generated_documents(sdl), schema)
    assert len(documents) >= 20 and len(generated) >= GENERATED // 2, (len(documents), len(generated))
    cases = [(text, _variables(text, schema, ids)) for text in documents + generated]
    cases += PAYLOAD_ERRORS
    ran = {"data": 0, "errors": 0}
    for text, variables in cases:
        compiled, core = await _both(client, app, text, variables, member.access_token)
        assert compiled == core, text
        ran["errors" if "errors" in compiled[1] else "data"] += 1
    # Both kinds of answer were compared, not only refusals.
    assert ran["data"] >= 20 and ran["errors"] >= 2, ran
