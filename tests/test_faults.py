"""Failures of the parts around the server: it answers, keeps what it must send, recovers."""

import asyncio
import dataclasses
import datetime as dt
import time
from collections.abc import Iterator

import httpx
import pytest
from aiosmtpd.controller import Controller

from models import OutboundMessage
from resolvers.platform.delivery import utcnow
from resolvers.platform.settings import Settings
from schema.http.app import create_app
from tests.conftest import free_port
from tests.servers import PrivatePostgres, server_environment, start_servers, stop_server
from tests.support import LOGIN, SmtpHandler, gql, new_person, register, signed_up

ME = "query { me { nationalId } }"


async def test_a_code_sent_while_the_mail_server_is_down_arrives_once_it_is_back(
    settings, inbox
):
    port = free_port()  # nothing listens here yet: the mail server is down
    configured = dataclasses.replace(settings, smtp_port=port)
    application = create_app(configured, manage_database=False)
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            person = new_person()
            started = time.perf_counter()
            result = await register(client, person, channel="EMAIL")
            assert time.perf_counter() - started < 2
            assert result["errors"] == []
            await asyncio.sleep(1.5)
            assert inbox.to(person.email) == []

            mail_server = Controller(SmtpHandler(inbox), hostname="127.0.0.1", port=port)
            mail_server.start()
            try:
                code = await inbox.code_for(person.email, timeout=30)
            finally:
                mail_server.stop()
            activated = await gql(client, ACTIVATE, {"id": person.national_id, "code": code})
            assert activated["data"]["activate"]["errors"] == []
            assert len(inbox.to(person.email)) == 1


ACTIVATE = """
mutation A($id: String!, $code: String!) {
  activate(input: {nationalId: $id, code: $code, confirmDetails: true}) { errors { code } }
}
"""


@pytest.fixture(scope="module")
def private_postgres() -> Iterator[PrivatePostgres]:
    """Restarted under traffic: a cluster of the test's own, never the machine's."""
    cluster = PrivatePostgres()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.remove()


async def test_the_server_recovers_from_a_postgresql_restart_without_being_restarted(
    private_postgres, smtp_server, sms_gateway, inbox, tmp_path
):
    settings = Settings(database_url=private_postgres.url, smtp_host="127.0.0.1",
                        smtp_port=smtp_server.port, sms_webhook_url=sms_gateway.url)
    [(server, url)] = await asyncio.to_thread(start_servers, 1, server_environment(settings), tmp_path)
    try:
        async with httpx.AsyncClient(base_url=url, timeout=10) as client:
            await _restart_under_traffic(client, inbox, private_postgres)
    finally:
        stop_server(server)


async def _restart_under_traffic(client: httpx.AsyncClient, inbox, cluster: PrivatePostgres) -> None:
    person = await signed_up(client, inbox)
    outcomes: list[tuple[float, bool]] = []
    stop = asyncio.Event()

    async def traffic() -> None:
        while not stop.is_set():
            response = await client.post("/graphql", json={"query": ME},
                                         headers={"Authorization": f"Bearer {person.access_token}"})
            assert response.status_code < 500
            body = response.json()
            ok = bool(body.get("data") and body["data"]["me"])
            outcomes.append((time.monotonic(), ok))
            await asyncio.sleep(0.02)

    load = asyncio.create_task(traffic())
    await asyncio.sleep(0.5)
    restart_started = time.monotonic()
    await asyncio.to_thread(cluster.restart)
    restart_done = time.monotonic()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if outcomes and outcomes[-1][1] and outcomes[-1][0] > restart_done:
            break
        await asyncio.sleep(0.1)
    await asyncio.sleep(1.0)
    stop.set()
    await load

    before = [ok for at, ok in outcomes if at < restart_started]
    after = [ok for at, ok in outcomes if at > restart_done + 1.0]
    assert before and all(before)
    assert after and all(after), "requests kept failing after PostgreSQL came back"
    assert (await client.get("/readyz")).status_code == 200
    # A write after the restart lands too.
    late = await register(client, new_person())
    assert late["errors"] == []


async def _message_rows(destination: str) -> list[OutboundMessage]:
    return await OutboundMessage.filter(destination=destination).all()


async def _wait_until(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not await condition():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.05)


async def _timed_login(client, person) -> float:
    started = time.perf_counter()
    result = await gql(client, LOGIN, {"input": {"nationalId": person.national_id,
                                                 "password": person.password}})
    # Not active until the code arrives: the answer still needs the database and the hash.
    assert [e["code"] for e in result["data"]["login"]["errors"]] == ["ACCOUNT_NOT_ACTIVE"]
    return time.perf_counter() - started


async def test_an_sms_gateway_that_hangs_blocks_no_request_and_the_code_arrives_after(
    settings, sms_gateway, inbox
):
    # DELIVERY_TIMEOUT_SECONDS bounds each attempt; the gateway would hang for 30 s.
    configured = dataclasses.replace(settings, delivery_timeout_seconds=0.5)
    application = create_app(configured, manage_database=False)
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            sms_gateway.hang()
            person = new_person()
            started = time.perf_counter()
            assert (await register(client, person))["errors"] == []
            assert time.perf_counter() - started < 2
            await _wait_until(lambda: _attempted(person.e164, 1))
            assert await _timed_login(client, person) < 2
            assert inbox.to(person.e164) == []
            [row] = await _message_rows(person.e164)
            assert "Timeout" in (row.last_error or "")

            sms_gateway.release()
            code = await inbox.code_for(person.e164, timeout=15)
            activated = await gql(client, ACTIVATE, {"id": person.national_id, "code": code})
            assert activated["data"]["activate"]["errors"] == []


async def _attempted(destination: str, times: int) -> bool:
    rows = await _message_rows(destination)
    return bool(rows) and rows[0].attempts >= times and rows[0].lease_until is None


async def test_an_sms_gateway_answering_500_for_a_minute_is_retried_until_it_recovers(
    app, client, sms_gateway, inbox
):
    outbox = app.state.runtime.outbox
    offset = dt.timedelta()
    outbox.clock = lambda: utcnow() + offset
    outbox.poll_seconds = 0.05
    sms_gateway.failing, sms_gateway.failing_status = True, 500
    person = new_person()
    started = time.perf_counter()
    assert (await register(client, person))["errors"] == []
    assert time.perf_counter() - started < 2

    # A minute of 500s, on the outbox's clock: each retry waits twice as long as the one before.
    while offset < dt.timedelta(seconds=65):
        offset += dt.timedelta(seconds=5)
        await asyncio.sleep(0.1)
    [row] = await _message_rows(person.e164)
    assert row.delivered_at is None and row.failed_at is None
    assert 4 <= row.attempts <= 8, row.attempts
    assert "500" in (row.last_error or "")
    assert await _timed_login(client, person) < 2
    assert inbox.to(person.e164) == []

    sms_gateway.failing = False
    offset += dt.timedelta(seconds=70)  # past the longest backoff (60 s)
    code = await inbox.code_for(person.e164, timeout=10)
    activated = await gql(client, ACTIVATE, {"id": person.national_id, "code": code})
    assert activated["data"]["activate"]["errors"] == []
    [row] = await _message_rows(person.e164)
    assert row.delivered_at is not None and row.body_encrypted is None
    assert len(inbox.to(person.e164)) == 1
