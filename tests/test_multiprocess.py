"""Two server processes on one PostgreSQL database and one Redis: limits, sessions and
idempotency hold across them, as in production behind a load balancer."""

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import POSTGRES_REQUIRED, ROOT, free_port
from tests.support import ACTIVATE, LOGIN, REGISTER, gql, new_person

REDIS_HOST, REDIS_PORT, REDIS_DB = "127.0.0.1", 6379, 13
ME = "query { me { nationalId } }"
LOGOUT = "mutation { logout(input: {everywhere: false}) { errors { code } } }"
SUBMIT = """
mutation Submit($input: SubmitRequestInput!) {
  submitRequest(input: $input) { request { id referenceNumber } errors { code } }
}
"""
REQUEST_COUNT = "query { me { requests { totalCount } } }"


def redis_flush() -> bool:
    """Empties the test's Redis database; False when no Redis answers."""
    try:
        with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=2) as connection:
            connection.sendall(f"*2\r\n$6\r\nSELECT\r\n${len(str(REDIS_DB))}\r\n{REDIS_DB}\r\n"
                               "*1\r\n$7\r\nFLUSHDB\r\n".encode())
            time.sleep(0.05)
            return b"+OK" in connection.recv(100)
    except OSError:
        return False


@pytest.fixture
def servers(engine, database_url, settings, tmp_path) -> Iterator[list[str]]:
    if engine != "postgres":
        pytest.skip("several server processes share PostgreSQL, not an SQLite file")
    if not redis_flush():
        if POSTGRES_REQUIRED:
            pytest.fail("CI needs Redis at 127.0.0.1:6379 for the multi-process tests")
        pytest.skip("Redis is not reachable at 127.0.0.1:6379")
    env = {
        **os.environ,
        "APP_ENV": "development",
        "DATABASE_URL": database_url,
        "REDIS_URL": f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}",
        "SMTP_HOST": settings.smtp_host,
        "SMTP_PORT": str(settings.smtp_port),
        "SMS_WEBHOOK_URL": settings.sms_webhook_url,
    }
    ports = [free_port(), free_port()]
    processes = []
    try:
        for index, port in enumerate(ports):
            log = open(tmp_path / f"server-{index}.log", "w")  # noqa: SIM115 (closed below)
            process = subprocess.Popen(
                [sys.executable, "server.py"], cwd=ROOT, env={**env, "PORT": str(port)},
                stdout=log, stderr=subprocess.STDOUT,
            )
            processes.append((process, log))
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        deadline = time.monotonic() + 60
        for url in urls:
            while True:
                try:
                    if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert time.monotonic() < deadline, (tmp_path / "server-0.log").read_text()
                time.sleep(0.2)
        yield urls
    finally:
        for process, log in processes:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.close()


async def member_on(urls, inbox):
    """A member registered through the first server and activated through the second."""
    first, second = (httpx.AsyncClient(base_url=url, timeout=30) for url in urls)
    person = new_person()
    async with first, second:
        registered = await gql(first, REGISTER, {"input": person.registration()})
        assert registered["data"]["register"]["errors"] == []
        code = await inbox.code_for(person.e164)
        activated = await gql(second, ACTIVATE, {"input": {"nationalId": person.national_id,
                                                           "code": code, "confirmDetails": True}})
        session = activated["data"]["activate"]["session"]
    person.access_token, person.refresh_token = session["accessToken"], session["refreshToken"]
    return person


async def test_a_lockout_counts_failures_on_every_server(servers, inbox):
    person = await member_on(servers, inbox)
    async with httpx.AsyncClient(timeout=30) as http:
        for attempt in range(5):
            url = servers[attempt % 2]
            result = await gql_at(http, url, LOGIN, {"input": {"nationalId": person.national_id,
                                                              "password": "wrong-password-123"}})
            assert result["data"]["login"]["errors"][0]["code"] == "INVALID_CREDENTIALS"
        for url in servers:
            result = await gql_at(http, url, LOGIN, {"input": {"nationalId": person.national_id,
                                                              "password": person.password}})
            assert result["data"]["login"]["errors"][0]["code"] == "RATE_LIMITED"


async def test_a_session_works_on_every_server_and_ends_on_all_at_once(servers, inbox):
    person = await member_on(servers, inbox)
    async with httpx.AsyncClient(timeout=30) as http:
        for url in servers:
            me = await gql_at(http, url, ME, token=person.access_token)
            assert me["data"]["me"]["nationalId"] == person.national_id
        await gql_at(http, servers[1], LOGOUT, token=person.access_token)
        for url in servers:
            assert (await gql_at(http, url, ME, token=person.access_token))["data"]["me"] is None


async def test_one_idempotency_key_sent_to_both_servers_at_once_makes_one_request(servers, inbox):
    person = await member_on(servers, inbox)
    submission = {"input": {"idempotencyKey": "same-key-everywhere", "details": {
        "physiotherapy": {"injuryDate": "2026-01-10", "diagnosis": "Lumbar strain",
                          "sessionsRequested": 10, "preferredCity": "Jeddah"}}}}
    async with httpx.AsyncClient(timeout=30) as http:
        results = await asyncio.gather(*(
            gql_at(http, servers[i % 2], SUBMIT, submission, token=person.access_token)
            for i in range(20)
        ))
        count = await gql_at(http, servers[0], REQUEST_COUNT, token=person.access_token)
    requests = {r["data"]["submitRequest"]["request"]["referenceNumber"] for r in results}
    assert len(requests) == 1
    assert all(r["data"]["submitRequest"]["errors"] == [] for r in results)
    assert count["data"]["me"]["requests"]["totalCount"] == 1


async def gql_at(http, url, query, variables=None, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await http.post(f"{url}/graphql", json={"query": query, "variables": variables},
                               headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


