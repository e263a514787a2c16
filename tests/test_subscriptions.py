"""Subscriptions over a real WebSocket (graphql-transport-ws): who gets which events, and
when a socket is closed."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import time
import uuid

import pytest

from models import Member, Notification, NotificationKind
from resolvers.platform.live import events
from resolvers.platform.live.events import Event
from resolvers.platform.live.hub import Hub
from resolvers.platform.live.transports import RedisTransport
from resolvers.platform.settings import Settings
from tests.conftest import ONCE
from tests.servers import fresh_redis_or_skip
from tests.sockets import (
    NOTIFICATION_RECEIVED,
    REQUEST_UPDATED,
    live_socket,
    raw_socket,
    serving,
    stuck_socket,
    until,
)
from tests.support import LOGIN, gql, signed_in_staff, signed_up

SUBMIT = """
mutation Submit($input: SubmitRequestInput!) {
  submitRequest(input: $input) { request { id referenceNumber } errors { code } }
}
"""
PHYSIOTHERAPY = {"details": {"physiotherapy": {
    "injuryDate": "2026-01-10", "diagnosis": "Lumbar strain", "sessionsRequested": 10,
    "preferredCity": "Jeddah"}}}
REVIEW = """
mutation Review($input: ReviewRequestInput!) { reviewRequest(input: $input) { errors { code } } }
"""
LOGOUT = "mutation { logout { errors { code } } }"
REFRESH = """
mutation R($token: String!) { refreshSession(input: {refreshToken: $token}) {
  session { accessToken refreshToken } errors { code } } }
"""
CHANGE_PASSWORD = """
mutation C($input: ChangePasswordInput!) { changePassword(input: $input) { errors { code } } }
"""


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, live_session_check_seconds=0.25, live_ping_seconds=0.5,
                               live_sockets_per_member=3)


async def submitted(client, person) -> dict:
    result = await gql(client, SUBMIT, {"input": PHYSIOTHERAPY}, token=person.access_token)
    assert result["data"]["submitRequest"]["errors"] == [], result
    return result["data"]["submitRequest"]["request"]


async def review(client, staff, request_id: str, status: str, note: str | None = None) -> None:
    result = await gql(client, REVIEW, {"input": {"requestId": request_id, "status": status,
                                                  "note": note}}, token=staff.access_token)
    assert result["data"]["reviewRequest"]["errors"] == [], result


async def test_a_socket_without_a_valid_session_is_closed_with_4403(app):
    async with serving(app) as url:
        for payload in ({}, {"Authorization": "Bearer not-a-token"}, {"Authorization": 42}):
            async with raw_socket(url) as socket:
                await socket.send({"type": "connection_init", "payload": payload})
                assert (await socket.closed()).code == 4403


async def test_members_get_only_their_own_events_and_staff_get_every_request(client, inbox, app):
    hub: Hub = app.state.runtime.live
    first, second = await signed_up(client, inbox), await signed_up(client, inbox)
    staff = await signed_in_staff(client, app)
    request = await submitted(client, first)
    async with serving(app) as url, live_socket(url, first.access_token) as mine, \
            live_socket(url, second.access_token) as theirs, \
            live_socket(url, staff.access_token) as desk:
        notices = await mine.subscribe(NOTIFICATION_RECEIVED)
        updates = await mine.subscribe(REQUEST_UPDATED, {"id": request["id"]})
        await theirs.subscribe(NOTIFICATION_RECEIVED)
        await theirs.subscribe(REQUEST_UPDATED)
        await desk.subscribe(REQUEST_UPDATED)
        await until(lambda: hub.subscriber_count() == 5)

        started = time.monotonic()
        await review(client, staff, request["id"], "UNDER_REVIEW")
        received = dict([await mine.next(), await mine.next()])
        assert time.monotonic() - started < 2
        assert received[updates]["requestUpdated"]["status"] == "UNDER_REVIEW"
        assert received[updates]["requestUpdated"]["history"][-1] == {"status": "UNDER_REVIEW"}
        notice = received[notices]["notificationReceived"]
        assert notice["kind"] == "REQUEST_STATUS_CHANGED" and notice["readAt"] is None
        assert notice["title"] == f"Request {request['referenceNumber']}: Under review"
        assert notice["request"] == {"referenceNumber": request["referenceNumber"],
                                     "status": "UNDER_REVIEW"}
        _, seen = await desk.next()
        assert seen["requestUpdated"]["applicant"]["nationalId"] == first.national_id

        # The second member's own request comes next: had the first member's events leaked
        # to them, those would have come first.
        own = await submitted(client, second)
        _, event = await theirs.next()
        assert event["requestUpdated"]["referenceNumber"] == own["referenceNumber"]
        _, seen = await desk.next()
        assert seen["requestUpdated"]["referenceNumber"] == own["referenceNumber"]


async def test_a_socket_closes_soon_after_its_sign_in_ends_and_survives_a_refresh(
    client, inbox, app
):
    person = await signed_up(client, inbox)
    login = await gql(client, LOGIN, {"input": {"nationalId": person.national_id,
                                                "password": person.password}})
    other = login["data"]["login"]["session"]
    async with serving(app) as url, live_socket(url, person.access_token) as first, \
            live_socket(url, other["accessToken"]) as second:
        await first.subscribe(NOTIFICATION_RECEIVED)
        refreshed = await gql(client, REFRESH, {"token": other["refreshToken"]})
        token = refreshed["data"]["refreshSession"]["session"]["accessToken"]

        started = time.monotonic()
        await gql(client, LOGOUT, token=person.access_token)
        closed = await first.closed()
        assert closed.code == 4403 and time.monotonic() - started < 5
        # The other sign-in lives on with its refreshed token.
        assert await second.is_open()

        changed = await gql(client, CHANGE_PASSWORD, {"input": {
            "currentPassword": person.password, "newPassword": "another-strong-pass-77"}},
            token=token)
        assert changed["data"]["changePassword"]["errors"] == []
        started = time.monotonic()
        assert (await second.closed()).code == 4403 and time.monotonic() - started < 5


async def test_sockets_are_limited_per_member_and_must_answer_pings(client, inbox, app):
    person = await signed_up(client, inbox)
    async with serving(app) as url, live_socket(url, person.access_token), \
            live_socket(url, person.access_token) as answering, \
            live_socket(url, person.access_token, answer_pings=False) as silent:
        async with raw_socket(url) as fourth:
            await fourth.send({"type": "connection_init",
                               "payload": {"Authorization": f"Bearer {person.access_token}"}})
            assert (await fourth.closed()).code == 4429
        # Pinged every half second; the socket that never answers is closed after the next ping.
        listening = asyncio.ensure_future(answering.listen(3))
        assert (await silent.closed(timeout=3)).code == 4408
        listening.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await listening
        assert await answering.is_open()


async def test_a_subscriber_that_falls_behind_is_ended_instead_of_buffering(client, inbox, app):
    person = await signed_up(client, inbox)
    row = await Member.get(national_id=person.national_id)
    hub = Hub()
    socket = hub.open_socket(member_id=row.id, family=row.id, staff=False)
    stream = hub.stream(socket, "notification")
    waiting = asyncio.ensure_future(stream.__anext__())
    await until(lambda: hub.subscriber_count() == 1)
    notice = await Notification.create(member_id=row.id, kind=NotificationKind.SECURITY_ALERT,
                                       title="t", body="b", created_at=app.state.runtime.now())
    event = Event("notification", notice.id, row.id)
    await hub.dispatch(event)
    assert (await asyncio.wait_for(waiting, 2)).id == notice.id
    for _ in range(events.SUBSCRIBER_QUEUE + 1):
        await hub.dispatch(event)
    with pytest.raises(events.SlowConsumer):
        await asyncio.wait_for(stream.__anext__(), 2)
    assert hub.subscriber_count() == 0


@ONCE
async def test_redis_pub_sub_carries_events_between_processes(client, inbox, app, engine):
    redis_url = fresh_redis_or_skip("Redis pub/sub")
    person = await signed_up(client, inbox)
    row = await Member.get(national_id=person.national_id)
    publisher, receiver = Hub(RedisTransport(redis_url)), Hub(RedisTransport(redis_url))
    await publisher.start()
    await receiver.start()
    try:
        socket = receiver.open_socket(member_id=row.id, family=row.id, staff=False)
        stream = receiver.stream(socket, "notification")
        task = asyncio.ensure_future(stream.__anext__())
        notice = await Notification.create(member_id=row.id, kind=NotificationKind.SECURITY_ALERT,
                                           title="t", body="b", created_at=app.state.runtime.now())
        await until(lambda: receiver.subscriber_count() == 1)
        await publisher.publish([Event("notification", notice.id, row.id)])
        assert (await asyncio.wait_for(task, 2)).id == notice.id
    finally:
        await publisher.stop()
        await receiver.stop()


async def test_a_subscription_sent_over_http_is_refused(client):
    response = await client.post("/graphql", json={"query": NOTIFICATION_RECEIVED},
                                 headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "WebSocket" in response.json()["errors"][0]["message"]


async def test_a_stuck_socket_holds_up_neither_keep_alive_nor_the_end_of_other_sessions(
    client, inbox, app
):
    stuck, person = await signed_up(client, inbox), await signed_up(client, inbox)
    async with serving(app, send_buffer=4096) as url, contextlib.AsyncExitStack() as stack:
        for _ in range(3):
            await stack.enter_async_context(stuck_socket(url, stuck.access_token))
        async with live_socket(url, person.access_token, answer_pings=False) as silent:
            assert (await silent.closed(timeout=3)).code == 4408
        async with live_socket(url, person.access_token) as mine:
            await mine.subscribe(NOTIFICATION_RECEIVED)
            await gql(client, LOGOUT, token=person.access_token)
            assert (await mine.closed(timeout=3)).code == 4403


async def test_events_whose_row_is_not_there_yet_hold_up_no_other_event(client, inbox, app):
    person = await signed_up(client, inbox)
    row = await Member.get(national_id=person.national_id)
    hub = Hub()
    await hub.start()
    try:
        socket = hub.open_socket(member_id=row.id, family=row.id, staff=False)
        stream = hub.stream(socket, "notification")
        waiting = asyncio.ensure_future(stream.__anext__())
        await until(lambda: hub.subscriber_count() == 1)
        # Events raised before their rows commit (or whose change rolled back), then one whose
        # row is there: each missing row is looked for again, but not in the way of the others.
        await hub.publish([Event("notification", uuid.uuid4(), row.id) for _ in range(40)])
        notice = await Notification.create(member_id=row.id, kind=NotificationKind.SECURITY_ALERT,
                                           title="t", body="b", created_at=app.state.runtime.now())
        await hub.publish([Event("notification", notice.id, row.id)])
        assert (await asyncio.wait_for(waiting, 2)).id == notice.id
    finally:
        await hub.stop()
