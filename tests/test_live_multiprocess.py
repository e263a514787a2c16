"""Two server processes on one PostgreSQL database: an event raised on one reaches a socket on
the other through LISTEN/NOTIFY within 2 seconds, also after PostgreSQL dropped the listener."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import httpx
import pytest
from tortoise import connections

from resolvers import staff
from resolvers.platform.runtime import Runtime
from tests.conftest import POSTGRES_ONLY
from tests.servers import running_servers, server_environment
from tests.sockets import NOTIFICATION_RECEIVED, REQUEST_UPDATED, live_socket
from tests.support import LOGIN, gql, new_person
from tests.test_multiprocess import member_on
from tests.test_subscriptions import PHYSIOTHERAPY, REVIEW, SUBMIT

pytestmark = POSTGRES_ONLY

LISTENERS = """SELECT pid FROM pg_stat_activity
WHERE application_name = 'gosi-live-listener' AND datname = current_database()"""


@pytest.fixture
def servers(engine, settings, tmp_path) -> Iterator[list[str]]:
    # No REDIS_URL: the processes talk through PostgreSQL's LISTEN/NOTIFY.
    with running_servers(2, server_environment(settings), tmp_path) as urls:
        yield urls


async def staff_on(url: str, settings) -> str:
    person = new_person()
    await staff.create_staff(runtime=Runtime.from_settings(settings), national_id=person.national_id,
                                full_name="Staff Reviewer One", password=person.password)
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        login = await gql(http, LOGIN, {"input": {"nationalId": person.national_id,
                                                  "password": person.password}})
    return login["data"]["login"]["session"]["accessToken"]


async def listeners() -> list[int]:
    _, rows = await connections.get("default").execute_query(LISTENERS)
    return [row["pid"] for row in rows]


async def test_an_event_on_one_server_reaches_a_socket_on_the_other(servers, inbox, settings):
    first, second = servers
    person = await member_on(servers, inbox)
    staff_token = await staff_on(second, settings)
    ws_url = first.replace("http://", "ws://") + "/graphql"
    async with live_socket(ws_url, person.access_token) as socket, \
            httpx.AsyncClient(base_url=second, timeout=30) as http:
        notices = await socket.subscribe(NOTIFICATION_RECEIVED)
        updates = await socket.subscribe(REQUEST_UPDATED)
        assert await socket.is_open()  # both subscriptions are running on the first server

        started = time.monotonic()
        submitted = await gql(http, SUBMIT, {"input": PHYSIOTHERAPY}, token=person.access_token)
        request = submitted["data"]["submitRequest"]["request"]
        operation, event = await socket.next(timeout=2)
        assert time.monotonic() - started < 2
        assert (operation, event["requestUpdated"]["status"]) == (updates, "SUBMITTED")

        # PostgreSQL ends the listening connections (as a restart would): they come back.
        dropped = await listeners()
        assert len(dropped) == 2
        await connections.get("default").execute_query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name = 'gosi-live-listener' AND datname = current_database()")
        deadline = time.monotonic() + 10
        while len(back := await listeners()) < 2 or set(back) & set(dropped):
            assert time.monotonic() < deadline, "the listeners did not reconnect"
            await asyncio.sleep(0.1)

        started = time.monotonic()
        await gql(http, REVIEW, {"input": {"requestId": request["id"], "status": "UNDER_REVIEW"}},
                  token=staff_token)
        received = dict([await socket.next(timeout=2), await socket.next(timeout=2)])
        assert time.monotonic() - started < 2
        assert received[updates]["requestUpdated"]["status"] == "UNDER_REVIEW"
        assert received[notices]["notificationReceived"]["request"]["referenceNumber"] == (
            request["referenceNumber"])
