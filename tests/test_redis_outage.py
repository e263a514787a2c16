"""Redis stopped under traffic: the rate limits go on in process, stricter, and are shared
again once Redis is back, without a restart."""

import asyncio
import dataclasses
import logging
from collections.abc import Iterator

import httpx
import pytest

from resolvers.platform.throttle import LOGIN_FAILURES_PER_ID, Throttle
from schema.http.app import create_app
from tests.conftest import ONCE
from tests.servers import PrivateRedis
from tests.support import LOGIN, gql, new_person, register, serving, signed_up

pytestmark = ONCE

RESET = """
mutation R($id: String!) { requestPasswordReset(input: {nationalId: $id}) { errors { code } } }
"""


@pytest.fixture
def redis(tmp_path, engine) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


async def login(client: httpx.AsyncClient, national_id: str, password: str) -> dict:
    result = await gql(client, LOGIN, {"input": {"nationalId": national_id, "password": password}})
    assert "errors" not in result, result  # never a masked "Unexpected error."
    return result["data"]["login"]


def codes(payload: dict) -> list[str]:
    return [error["code"] for error in payload["errors"]]


async def test_rate_limits_survive_redis_going_away_and_are_shared_again_when_it_is_back(
    settings, inbox, redis, caplog
):
    caplog.set_level(logging.WARNING, logger="gosi.throttle")
    application = create_app(dataclasses.replace(settings, redis_url=redis.url),
                             manage_database=False)
    async with serving(application, base_url="http://t") as client:
        person = await signed_up(client, inbox)
        assert (await client.get("/readyz")).json() == {
            "status": "ok", "database": "up", "documentStore": "up", "redis": "up"}
        assert codes(await login(client, person.national_id, "wrong-password-1")) == [
            "INVALID_CREDENTIALS"]

        redis.stop()
        ready = await client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["redis"] == "down"
        # In process the limit is stricter: 2 failures lock the ID out instead of 5.
        outcomes = [codes(await login(client, person.national_id, f"wrong-password-{n}"))
                    for n in range(3)]
        assert outcomes == [["INVALID_CREDENTIALS"], ["INVALID_CREDENTIALS"], ["RATE_LIMITED"]]
        assert (await register(client, new_person()))["errors"] == []
        reset = await gql(client, RESET, {"id": person.national_id})
        assert reset["data"]["requestPasswordReset"]["errors"] == []
        again = await gql(client, RESET, {"id": person.national_id})
        assert codes(again["data"]["requestPasswordReset"]) == ["RATE_LIMITED"]
        down_warnings = [r for r in caplog.records if logged_event(r) == "redis_down"]
        assert len(down_warnings) == 1, [r.getMessage() for r in caplog.records]

        redis.start()
        for _ in range(50):
            if (await client.get("/readyz")).status_code == 200:
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError("/readyz did not recover with Redis")
        # Redis counted one failure: the in-process lockout is gone with the outage.
        assert codes(await login(client, person.national_id, person.password)) == []
        for n in range(5):
            await login(client, person.national_id, f"wrong-again-{n}")
        # Another server process (another Throttle on the same Redis) sees the lockout.
        other = Throttle(redis.url)
        assert not await other.allows(LOGIN_FAILURES_PER_ID, f"login-id:{person.national_id}")
    assert any(logged_event(r) == "redis_back" for r in caplog.records)


def logged_event(record: logging.LogRecord) -> str:
    """The event of a structlog line (its fields travel as a dict in `msg`)."""
    return record.msg.get("event", "") if isinstance(record.msg, dict) else ""
