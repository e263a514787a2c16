"""The exported SDL is current, every type and field is described, the contract holds."""

import subprocess
import sys
from pathlib import Path

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    build_schema,
    find_breaking_changes,
)

from schema import build_schema as build_served_schema
from server import SCHEMA_EXPORT, export_schema

CONTRACT = Path(__file__).resolve().parents[2] / "shared" / "contract" / "schema.graphql"
BUILTIN = {"String", "Boolean", "Int", "Float", "ID"}


def test_the_exported_schema_is_current():
    assert SCHEMA_EXPORT.read_text(encoding="utf-8") == export_schema(), (
        "schema/schema.graphql is stale: run `make schema`"
    )


def test_every_type_and_field_has_a_description():
    schema = build_served_schema(production=False)._schema
    missing = []
    for name, graphql_type in schema.type_map.items():
        if name.startswith("__") or name in BUILTIN:
            continue
        if not graphql_type.description and name not in {"Query", "Mutation"}:
            missing.append(name)
        if isinstance(graphql_type, GraphQLObjectType | GraphQLInterfaceType |
                      GraphQLInputObjectType):
            missing += [f"{name}.{field}" for field, definition in graphql_type.fields.items()
                        if not definition.description]
        if isinstance(graphql_type, GraphQLEnumType):
            continue
    assert missing == []


def test_the_served_schema_keeps_the_contract():
    if not CONTRACT.exists():
        return
    contract = build_schema(CONTRACT.read_text(encoding="utf-8"))
    served = build_schema(export_schema())
    assert [change.description for change in find_breaking_changes(contract, served)] == []


def test_the_contract_checker_accepts_the_export():
    checker = CONTRACT.with_name("check.py")
    if not checker.exists():
        return
    result = subprocess.run([sys.executable, str(checker), str(SCHEMA_EXPORT)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout
    assert "0 breaking" in result.stdout


MIGRATIONS_CHECK = """
import asyncio, sys
from tortoise.cli.cli import tortoise_cli_context
from tortoise.migrations.autodetector import MigrationAutodetector
import server

async def main():
    config = server.TORTOISE_ORM
    async with tortoise_cli_context(config) as ctx:
        writers = await MigrationAutodetector(ctx.apps, config["apps"]).changes()
    print("pending:", [w.name for w in writers])
    sys.exit(1 if writers else 0)

asyncio.run(main())
"""


def test_the_checked_in_migrations_match_the_models(tmp_path):
    from tests.conftest import ROOT

    result = subprocess.run(
        [sys.executable, "-c", MIGRATIONS_CHECK], capture_output=True, text=True, cwd=ROOT,
        env={"DATABASE_URL": f"sqlite://{tmp_path}/check.sqlite3", "PATH": ""}, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
