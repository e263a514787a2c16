"""Data migrations keep the rows written before them readable, on both engines."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import AsyncIterator

import pytest

from tests.conftest import POSTGRES_REQUIRED, ROOT, _drop_postgres_database, _postgres_database

# Rows as the code before 0003 wrote them, then the migrations to the latest, then back.
OLD_ROWS_THEN_MIGRATE = """
import asyncio, json, sys, uuid
from tortoise import Tortoise, connections
from tortoise.migrations.api import migrate
from resolvers.platform.settings import Settings

async def main(url):
    config = Settings(database_url=url).tortoise_config()
    await migrate(config=config, target="models.0002_session_member_index")
    client = connections.get("default")
    member, question, message = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    old = json.dumps({"city": "Riyadh", "buildingNumber": "1234", "postalCode": "12211"})
    await client.execute_script(
        "INSERT INTO member (id, national_id, residency, full_name, date_of_birth, mobile, "
        "preferred_channel, preferred_language, address, password_hash, status, role, created_at, "
        f"updated_at) VALUES ('{member}', '1000000008', 'CITIZEN', 'Old Row', '1980-01-01', "
        f"'+966500000000', 'SMS', 'AR', '{old}', 'x', 'ACTIVE', 'MEMBER', "
        "'2026-01-01 00:00:00', '2026-01-01 00:00:00')"
    )
    await client.execute_script(
        "INSERT INTO question (id, reference_number, member_id, subject, category, status, "
        f"created_at, updated_at) VALUES ('{question}', 'Q-2026-000001', '{member}', 'S', "
        "'GENERAL', 'OPEN', '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
    )
    await client.execute_script(
        "INSERT INTO question_message (id, question_id, author, author_member_id, body, created_at) "
        f"VALUES ('{message}', '{question}', 'MEMBER', '{member}', 'B', '2026-01-01 00:00:00')"
    )

    await Tortoise.close_connections()

    async def migrated_to(target):
        await migrate(config=config, target=target)
        client = connections.get("default")
        (row,) = await client.execute_query_dict("SELECT address FROM member")
        messages = await client.execute_query_dict("SELECT * FROM question_message")
        await Tortoise.close_connections()
        address = row["address"]
        return json.loads(address) if isinstance(address, str) else address, messages

    after, messages = await migrated_to(None)
    back, _ = await migrated_to("models.0002_session_member_index")
    print(json.dumps({"after": after, "back": back,
                      "message": [[m["actor"], str(m["actor_member_id"]) == str(member)]
                                  for m in messages]}))

asyncio.run(main(sys.argv[1]))
"""


@pytest.fixture(params=["sqlite", "postgres"])
async def empty_database(request: pytest.FixtureRequest, tmp_path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield f"sqlite://{tmp_path / 'old.sqlite3'}"
        return
    created = await _postgres_database()
    if created is None:
        message = "PostgreSQL is not reachable at 127.0.0.1:5432: the PostgreSQL half was skipped"
        if POSTGRES_REQUIRED:
            pytest.fail(message + " (CI requires it)")
        pytest.skip(message)
    url, name = created
    try:
        yield url
    finally:
        await _drop_postgres_database(name)


async def test_addresses_and_messages_written_before_0003_read_under_the_new_names(empty_database):
    result = subprocess.run(
        [sys.executable, "-c", OLD_ROWS_THEN_MIGRATE, empty_database],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])

    assert seen["after"] == {"city": "Riyadh", "building_number": "1234", "postal_code": "12211"}
    assert seen["message"] == [["MEMBER", True]]
    # Rolled back to 0002, the rows are as the older code expects them again.
    assert seen["back"] == {"city": "Riyadh", "buildingNumber": "1234", "postalCode": "12211"}
