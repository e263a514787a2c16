"""The exported SDL is current, every type and field is described, the contract holds."""

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
)

from schema import build_schema as build_served_schema
from server import SCHEMA_EXPORT, export_schema

CONTRACT_DIR = Path(__file__).resolve().parents[2] / "shared" / "contract"
CHECKER = CONTRACT_DIR / "check.py"
# The first contract, in use by frontend teams: it may neither break nor go missing.
FIRST_CONTRACT = CONTRACT_DIR / "schema-v1.graphql"
BUILTIN = {"String", "Boolean", "Int", "Float", "ID"}


def require(path: Path) -> Path:
    if not path.exists():
        reason = f"the contract is not checked out: {path} is missing"
        if os.environ.get("CI") == "true":
            pytest.fail(reason + " (CI requires it)")
        pytest.skip(reason)
    return path


@pytest.fixture
def checker() -> ModuleType:
    """The contract's own check.py, imported: its verdict, not a copy of its logic."""
    spec = importlib.util.spec_from_file_location("contract_check", require(CHECKER))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def served(tmp_path: Path) -> Path:
    """The SDL the server serves now (not the checked-in copy, whose freshness is tested apart)."""
    path = tmp_path / "served.graphql"
    path.write_text(export_schema(), encoding="utf-8")
    return path


def check(checker: ModuleType, served: Path, capsys: pytest.CaptureFixture[str],
          monkeypatch: pytest.MonkeyPatch) -> tuple[int, dict[str, int], str]:
    """check.py's exit code, its counts ("breaking", "missing"), and its report."""
    monkeypatch.setattr(sys, "argv", ["check.py", str(served)])
    code = checker.main()
    report = capsys.readouterr().out
    counts = {kind: int(number) for number, kind in
              re.findall(r"^(\d+) (breaking|missing)\b", report, re.MULTILINE)}
    assert set(counts) == {"breaking", "missing"}, report
    return code, counts, report


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


def test_the_served_schema_breaks_nothing_of_the_contract(checker, served, capsys, monkeypatch):
    # Parts of the contract that open issues will build are reported as missing: allowed.
    code, counts, report = check(checker, served, capsys, monkeypatch)
    assert counts["breaking"] == 0, report
    assert code == 0, report


def test_the_first_contract_is_served_whole(checker, served, capsys, monkeypatch):
    # With the first contract as the contract, check.py counts any part of it that is not
    # served as breaking, never as missing: 0 breaking means nothing broken, nothing missing.
    monkeypatch.setattr(checker, "CONTRACT", require(FIRST_CONTRACT))
    code, counts, report = check(checker, served, capsys, monkeypatch)
    assert counts["breaking"] == 0, report
    assert code == 0, report


def test_the_contract_checker_accepts_the_exported_file():
    result = subprocess.run([sys.executable, str(require(CHECKER)), str(SCHEMA_EXPORT)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout
    assert re.search(r"^0 breaking", result.stdout, re.MULTILINE), result.stdout


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
