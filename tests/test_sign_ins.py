"""The member's sign-ins: two tabs refreshing, the session list, revoking, events, new devices."""

import asyncio
import datetime as dt

from models import Session
from resolvers.platform.throttle import LOGIN_FAILURES_PER_ID
from tests.support import LOGIN, gql, signed_in_staff, signed_up
from tests.test_service_requests import submitted

FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
CHROME_WINDOWS = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like "
                  "Gecko) Chrome/131.0.0.0 Safari/537.36")
ME = "query { me { nationalId } }"
SESSIONS = "query { me { sessions { id device ipAddress signedInAt lastUsedAt current } } }"
EVENTS = """
query E($first: Int, $after: String) {
  me { securityEvents(first: $first, after: $after) {
    edges { node { kind at device ipAddress } }
    pageInfo { hasNextPage endCursor }
    totalCount
  } }
}
"""
REFRESH = """
mutation R($token: String!) {
  refreshSession(input: {refreshToken: $token}) {
    session { accessToken refreshToken } errors { code }
  }
}
"""
REVOKE = """
mutation R($id: ID!) { revokeSession(input: {sessionId: $id}) { errors { field code } } }
"""
LOGOUT = "mutation { logout { errors { code } } }"


async def call(client, query, variables=None, token=None, agent=FIREFOX_LINUX):
    headers = {"User-Agent": agent, "Accept-Language": "en"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    response = await client.post("/graphql", json={"query": query, "variables": variables or {}},
                                 headers=headers)
    return response.json()


async def sign_in(client, person, agent=FIREFOX_LINUX):
    result = await call(client, LOGIN, {"input": {"nationalId": person.national_id,
                                                  "password": person.password}}, agent=agent)
    return result["data"]["login"]["session"]


def at_offset(app, **delta):
    later = app.state.runtime.clock() + dt.timedelta(**delta)
    app.state.runtime.clock = lambda: later


async def test_two_tabs_refreshing_at_once_both_keep_a_working_session(client, inbox, app):
    person = await signed_up(client, inbox)
    tabs = await asyncio.gather(*(call(client, REFRESH, {"token": person.refresh_token})
                                  for _ in range(2)))
    sessions = [tab["data"]["refreshSession"]["session"] for tab in tabs]
    assert all(session is not None for session in sessions), tabs
    for session in sessions:
        assert (await call(client, ME, token=session["accessToken"]))["data"]["me"]
    # A tab that comes back within 30 s with the old token still gets in, and ends nothing.
    at_offset(app, seconds=20)
    late = (await call(client, REFRESH, {"token": person.refresh_token}))["data"]
    assert late["refreshSession"]["errors"] == []
    assert (await call(client, ME, token=sessions[0]["accessToken"]))["data"]["me"]
    # After that, the old token is a stolen copy: the whole sign-in ends.
    at_offset(app, seconds=11)
    reused = (await call(client, REFRESH, {"token": person.refresh_token}))["data"]
    assert reused["refreshSession"]["errors"][0]["code"] == "SESSION_EXPIRED"
    assert (await call(client, ME, token=sessions[1]["accessToken"]))["data"]["me"] is None


async def test_the_session_list_names_devices_and_revoking_one_ends_it_at_once(client, inbox, app):
    person = await signed_up(client, inbox)  # httpx's own User-Agent: an unknown device
    chrome = await sign_in(client, person, CHROME_WINDOWS)
    listed = (await call(client, SESSIONS, token=chrome["accessToken"]))["data"]["me"]["sessions"]

    assert [(s["device"], s["current"]) for s in listed] == [
        ("Chrome on Windows", True), ("Unknown browser on unknown system", False)]
    assert {s["ipAddress"] for s in listed} == {"127.0.0.1"}
    assert all(s["signedInAt"] and s["lastUsedAt"] for s in listed)

    other = listed[1]["id"]
    revoked = await call(client, REVOKE, {"id": other}, token=chrome["accessToken"])
    assert revoked["data"]["revokeSession"]["errors"] == []
    assert (await call(client, ME, token=person.access_token))["data"]["me"] is None
    refreshed = await call(client, REFRESH, {"token": person.refresh_token})
    assert refreshed["data"]["refreshSession"]["session"] is None
    again = await call(client, REVOKE, {"id": other}, token=chrome["accessToken"])
    assert again["data"]["revokeSession"]["errors"] == [{"field": "sessionId", "code": "NOT_FOUND"}]


async def test_last_used_is_written_at_most_once_a_minute(client, inbox, app):
    person = await signed_up(client, inbox)
    row = await Session.get(revoked_at=None)
    first_use = row.last_used_at
    for _ in range(3):
        await call(client, ME, token=person.access_token)
    assert (await Session.get(id=row.id)).last_used_at == first_use
    at_offset(app, seconds=61)
    await call(client, ME, token=person.access_token)
    assert (await Session.get(id=row.id)).last_used_at > first_use


async def test_a_refreshed_session_keeps_its_sign_in_time(client, inbox, app):
    person = await signed_up(client, inbox)
    before = (await call(client, SESSIONS, token=person.access_token))["data"]["me"]["sessions"]
    at_offset(app, minutes=5)
    refreshed = (await call(client, REFRESH, {"token": person.refresh_token}))["data"]
    token = refreshed["refreshSession"]["session"]["accessToken"]
    after = (await call(client, SESSIONS, token=token))["data"]["me"]["sessions"]
    assert after[0]["signedInAt"] == before[0]["signedInAt"]
    assert after[0]["id"] == before[0]["id"]


async def test_a_sign_in_from_a_new_device_is_told_and_recorded(client, inbox):
    person = await signed_up(client, inbox)
    sent_before = len(inbox.to(person.e164))
    await sign_in(client, person, FIREFOX_LINUX)
    notice = (await inbox.wait_for(person.e164, sent_before + 1))[-1]
    assert "Firefox on Linux" in notice and "If this was not you" in notice
    # The same browser and system again is no news.
    token = (await sign_in(client, person, FIREFOX_LINUX))["accessToken"]
    await asyncio.sleep(0.2)
    assert len(inbox.to(person.e164)) == sent_before + 1

    events = (await call(client, EVENTS, token=token))["data"]["me"]["securityEvents"]
    kinds = [edge["node"]["kind"] for edge in events["edges"]]
    assert kinds.count("NEW_DEVICE") == 1 and kinds.count("SIGNED_IN") == 3
    new_device = next(e["node"] for e in events["edges"] if e["node"]["kind"] == "NEW_DEVICE")
    assert new_device["device"] == "Firefox on Linux" and new_device["ipAddress"] == "127.0.0.1"


async def test_security_events_list_failures_sign_outs_and_changes_newest_first(client, inbox, app):
    person = await signed_up(client, inbox)
    for _ in range(5):
        await call(client, LOGIN, {"input": {"nationalId": person.national_id,
                                             "password": "wrong-password-123"}})
    await call(client, LOGOUT, token=person.access_token)
    await app.state.runtime.throttle.clear(LOGIN_FAILURES_PER_ID, f"login-id:{person.national_id}")
    at_offset(app, seconds=1)
    token = (await sign_in(client, person))["accessToken"]

    first = (await call(client, EVENTS, {"first": 3}, token=token))["data"]["me"]["securityEvents"]
    assert first["totalCount"] == 1 + 5 + 1 + 1 + 1 + 1  # + LOCKED_OUT, NEW_DEVICE
    assert first["pageInfo"]["hasNextPage"]
    rest = (await call(client, EVENTS, {"first": 20, "after": first["pageInfo"]["endCursor"]},
                       token=token))["data"]["me"]["securityEvents"]
    events = [edge["node"] for edge in first["edges"] + rest["edges"]]
    times = [event["at"] for event in events]
    assert times == sorted(times, reverse=True)
    kinds = [event["kind"] for event in events]
    assert kinds[-1] == "SIGNED_IN"  # activation, the oldest
    assert kinds.count("SIGN_IN_FAILED") == 5 and "LOCKED_OUT" in kinds and "SIGNED_OUT" in kinds


STAFF_VIEW = """
query V($id: ID!) {
  node(id: $id) { ... on Member { sessions { id } securityEvents { edges { node { kind } } totalCount } } }
  requests { edges { node { applicant {
    sessions { id } securityEvents { edges { node { kind ipAddress device } } totalCount }
  } } } }
}
"""


async def test_staff_see_neither_the_sessions_nor_the_security_events_of_a_member(client, inbox, app):
    person = await signed_up(client, inbox)
    await submitted(client, person)
    staff = await signed_in_staff(client, app)
    me = (await gql(client, "query { me { id securityEvents { totalCount } } }",
                    token=person.access_token))["data"]["me"]
    assert me["securityEvents"]["totalCount"] >= 1

    seen = (await gql(client, STAFF_VIEW, {"id": me["id"]}, token=staff.access_token))["data"]
    nothing = {"sessions": [], "securityEvents": {"edges": [], "totalCount": 0}}
    assert seen["node"] == nothing
    assert [edge["node"]["applicant"] for edge in seen["requests"]["edges"]] == [nothing]
