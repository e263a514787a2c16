"""Compiled plans answer exactly what graphql-core's executor answers (the same data, the
same errors with message, path and locations, in the same order), and the house executor
refuses what Strawberry's own path refuses. tests/test_compiled_plans.py does the same
through HTTP with a signed-in member's data."""

from __future__ import annotations

import enum
from types import SimpleNamespace
from typing import Any

import pytest
import strawberry
from graphql import execute, parse, specified_rules
from strawberry.execution.is_awaitable import optimized_is_awaitable
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types.graphql import OperationType

from schema import build_schema
from schema.base import Language
from schema.execution import Executor
from schema.plans import REQUEST_STATE, RUN_STATE, SHARED_STATE, CompiledRun


@strawberry.enum
class Colour(enum.Enum):
    RED = "red"
    BLUE = "blue"


class Broken:
    @property
    def name(self) -> str:
        raise RuntimeError("the property failed")


class Label(str):
    pass


@strawberry.type
class Leaf:
    name: str
    nickname: str | None
    colour: Colour
    count: int
    ratio: float | None
    code: strawberry.ID | None = None

    @strawberry.field
    async def later(self) -> str:
        return self.name.upper()

    @strawberry.field
    def where(self, info: strawberry.Info) -> str:
        return f"{info.field_name} of {info.parent_type} at {'.'.join(map(str, info.path.as_list()))}"


@strawberry.type
class Tree:
    title: str
    leaves: list[Leaf]
    first: Leaf | None

    @strawberry.field
    def odd(self) -> list[Leaf] | None:
        return [
            _leaf(name=Label("a str of a subclass"), code=Label("c"), colour="red"),  # a member's value
            _leaf(name=Later("awaited"), code=7, colour=Later(Colour.BLUE)),  # awaitables, awaited
            _leaf(name=True, code=1.5, nickname=Colour.RED),  # serialized as graphql-core does, or refused
        ]


class Later:
    """An awaitable attribute value (graphql-core awaits it); unlike a coroutine, it may go
    unawaited when the query does not ask for it."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def __await__(self) -> Any:
        yield from ()
        return self.value


def _leaf(**values: Any) -> Leaf:
    defaults: dict[str, Any] = {"name": "a", "nickname": None, "colour": Colour.RED, "count": 1,
                                "ratio": 0.5}
    return Leaf(**{**defaults, **values})


class Denied(strawberry.BasePermission):
    message = "Not for you."

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        return False


@strawberry.interface
class Named:
    label: str


@strawberry.type
class Cat(Named):
    lives: int


@strawberry.type
class Dog(Named):
    good: bool


@strawberry.type
class Vault:
    # A plain attribute (no resolver) guarded by a permission: Strawberry's extension runs.
    secret: str = strawberry.field(permission_classes=[Denied])
    open: str


@strawberry.type
class Query:
    @strawberry.field
    def vault(self) -> Vault:
        return Vault(secret="s3cret", open="o")

    @strawberry.field
    def pets(self) -> list[Named]:
        return [Cat(label="tom", lives=9), Dog(label="rex", good=True)]

    @strawberry.field
    def pet(self, good: bool) -> Cat | Dog:
        return Dog(label="rex", good=True) if good else Cat(label="tom", lives=9)

    @strawberry.field
    async def failing(self) -> list[Leaf]:
        raise RuntimeError("the resolver failed")

    @strawberry.field
    def tree(self) -> Tree:
        return Tree(title="t", first=_leaf(name="first"), leaves=[
            _leaf(name="b", nickname="bee", colour=Colour.BLUE, count=2, ratio=None),
            _leaf(name=None),  # null where the schema promises a value
            _leaf(colour="green"),  # not a Colour at all
            _leaf(count="many"),  # does not serialize as Int
            Broken(),  # type: ignore[list-item]
        ])


TOY = strawberry.Schema(query=Query)

TOY_DOCUMENTS = [
    "{ tree { title leaves { name nickname colour count ratio } } }",
    "{ tree { first { name later colour } leaves { later } } }",
    "{ tree { t: title title again: title first { n: name name } } }",
    "query($with: Boolean!) { tree { leaves { name @include(if: $with) count @skip(if: $with) } } }",
    "{ tree { ...Parts first { ...LeafParts } } } fragment Parts on Tree { title } "
    "fragment LeafParts on Leaf { __typename name colour }",
    "{ tree { leaves { ... on Leaf { ratio nickname } } } }",
    "{ vault { open secret } }",
    "{ vault { open } }",
    "{ pets { __typename label ... on Cat { lives } ... on Dog { good } } }",
    "query($with: Boolean!) { pet(good: $with) { __typename ... on Dog { label good } "
    "... on Cat { lives @skip(if: $with) } } }",
    "{ failing { name } tree { title } }",
    "{ a: tree { first { later } } b: tree { leaves { later count } } }",
    "{ tree { odd { name code colour nickname } } }",
    "{ tree { first { here: where } leaves { where } } }",
    "{ tree { odd { code } leaves { ...Named c: colour } } } fragment Named on Leaf { name n: name }",
    "query($with: Boolean!) { tree { odd @include(if: $with) { code } leaves @skip(if: $with) { count } } }",
    "query($with: Boolean!) { tree { odd { ... @include(if: $with) { name } ... on Leaf @skip(if: $with) "
    "{ colour } } } }",
]


def _executor(schema: strawberry.Schema) -> Executor:
    return Executor(schema._schema, rules=tuple(specified_rules), max_tokens=10_000,
                    process_errors=lambda errors, operation: None,
                    finish=lambda operation, seconds, errors: errors)


@pytest.mark.parametrize("document", TOY_DOCUMENTS)
@pytest.mark.parametrize("include", [True, False])
async def test_compiled_plans_answer_what_graphql_core_answers(document: str, include: bool):
    result = execute(TOY._schema, parse(document), variable_values={"with": include},
                     executor_class=StrawberryGraphQLCoreExecutionContext)
    if hasattr(result, "__await__"):
        result = await result
    expected = result.formatted  # type: ignore[union-attr]
    executor = _executor(TOY)
    for _ in range(2):  # planned, then from the plan
        compiled = await executor.execute(
            document, variable_values={"with": include}, context_value=None, root_value=None,
            operation_name=None, allowed_operation_types={OperationType.QUERY},
            operation_extensions=None,
        )
        assert {"data": compiled.data, **({"errors": [error.formatted for error in compiled.errors]}
                                          if compiled.errors else {})} == expected
    assert expected.get("data") is not None or expected["errors"]


async def test_a_permission_on_a_plain_field_is_enforced():
    result = await _executor(TOY).execute(
        "{ vault { open secret } }", variable_values=None, context_value=None,
        root_value=None, operation_name=None, allowed_operation_types={OperationType.QUERY},
        operation_extensions=None,
    )
    assert result.data is None  # Vault.secret and Query.vault are both non-null
    assert [(error.message, error.path) for error in result.errors or []] == [
        ("Not for you.", ["vault", "secret"])
    ]


PRODUCT_DOCUMENTS = [
    ("{ __typename }", None, None),
    ("query Catalog { services { type name } }", None, None),
    ("{ services { type name", None, None),  # syntax
    ("{ services { nam } }", None, None),  # unknown field (suggestions depend on the mode)
    ("{ " + " ".join(f"a{i}: __typename" for i in range(20)) + " }", None, None),  # aliases
    ("{ " + "__typename " * 2100 + "}", None, None),  # tokens
    ("query($first: Int) { services { type } }", {"first": "ten"}, None),  # variable value
    ("{ __schema { queryType { name } } }", None, None),  # introspection
    ("query A { __typename } query B { services { type } }", None, "B"),
    ("query A { __typename } query B { services { type } }", None, None),  # which one?
]


def _context() -> Any:
    # What the catalog reads of a request's context (`me` with a signed-in member's data is
    # compared through HTTP, in tests/test_compiled_plans.py).
    async def viewer() -> None:
        return None

    return SimpleNamespace(language=Language.EN, viewer=viewer, request=None)


@pytest.mark.parametrize("production", [True, False])
@pytest.mark.parametrize(("document", "variables", "operation"), PRODUCT_DOCUMENTS)
async def test_the_lean_path_answers_what_strawberry_answers(
    production: bool, document: str, variables: dict | None, operation: str | None
):
    lean = build_schema(production=production)
    strawberry_path = build_schema(production=production)
    strawberry_path.executor = None  # the schema with tracing on runs this way
    answers = []
    for schema in (strawberry_path, lean):
        result = await schema.execute(document, variable_values=variables,
                                      context_value=_context(), operation_name=operation)
        answers.append(({"data": result.data},
                        [error.formatted for error in result.errors or []]))
    assert answers[0] == answers[1]


@pytest.mark.parametrize(
    ("document", "operation", "allowed", "refusal"),
    [
        ("query A { __typename }", "C", None, CannotGetOperationTypeError),
        ("mutation { logout(input: {}) { errors { code } } }", None, {OperationType.QUERY},
         InvalidOperationTypeError),
    ],
)
async def test_the_lean_path_refuses_what_strawberry_refuses(
    document: str, operation: str | None, allowed: set | None, refusal: type[Exception]
):
    lean = build_schema(production=True)
    strawberry_path = build_schema(production=True)
    strawberry_path.executor = None
    for schema in (strawberry_path, lean):
        with pytest.raises(refusal):
            await schema.execute(document, context_value=_context(), operation_name=operation,
                                 allowed_operation_types=allowed)


async def test_a_document_run_again_keeps_only_what_depends_on_the_document():
    """What CompiledRun.start keeps of a document's first run is only what depends on the
    document and the operation: each run has its own variables, errors and bookkeeping, and
    holds exactly the state graphql-core's `build` makes (an attribute a new graphql-core
    adds fails here until it is sorted into one of the three)."""
    document = "query($with: Boolean!) { tree { leaves { name @include(if: $with) count @skip(if: $with) } } }"
    executor = _executor(TOY)
    answers = []
    for include in (True, False, True):
        result = await executor.execute(
            document, variable_values={"with": include}, context_value=None, root_value=None,
            operation_name=None, allowed_operation_types={OperationType.QUERY},
            operation_extensions=None,
        )
        answers.append((result.data, [error.formatted for error in result.errors or ()]))
    assert answers[0] == answers[2] != answers[1]

    prepared = executor.prepare(document)
    assert prepared.plans is not None and None in prepared.plans.executor_state
    built = CompiledRun.build(TOY._schema, prepared.document, None, None, {"with": True},
                              is_awaitable=optimized_is_awaitable, operation_extensions=None)
    started, again = (
        CompiledRun.start(prepared.plans, TOY._schema, prepared.document, None, None,
                          {"with": include}, None, None)
        for include in (True, False)
    )
    assert isinstance(built, CompiledRun) and isinstance(started, CompiledRun)
    assert isinstance(again, CompiledRun)
    assert set(vars(built)) == set(vars(started)) == SHARED_STATE | RUN_STATE | REQUEST_STATE
    assert started.variable_values.coerced == {"with": True}
    assert again.variable_values.coerced == {"with": False}
    for name in RUN_STATE - {"async_work_finished_hook_task", "defer_usage_set"}:
        assert vars(started)[name] is not vars(again)[name], name
    assert started.async_helpers.gather.__self__ is started


async def test_variables_that_do_not_fit_are_refused_on_every_run():
    executor = _executor(TOY)
    document = "query($with: Boolean!) { tree { leaves { name @include(if: $with) } } }"
    for _ in range(2):
        result = await executor.execute(
            document, variable_values={"with": "yes"}, context_value=None, root_value=None,
            operation_name=None, allowed_operation_types={OperationType.QUERY},
            operation_extensions=None,
        )
        assert result.data is None
        assert [error.message for error in result.errors or ()] == [
            "Variable '$with' has invalid value: Boolean cannot represent a non boolean value: 'yes'"]
