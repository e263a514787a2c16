"""Sessions: opaque tokens, refresh rotation with reuse detection, logout."""

import datetime as dt

from models import Member, Session
from resolvers.security import sessions
from tests.support import LOGIN, gql, signed_up

ME = "query { me { nationalId } }"
REFRESH = """
mutation Refresh($token: String!) {
  refreshSession(input: {refreshToken: $token}) {
    member { nationalId }
    session { accessToken refreshToken }
    errors { field code message }
  }
}
"""
LOGOUT = """
mutation Logout($everywhere: Boolean) {
  logout(input: {everywhere: $everywhere}) { errors { code } }
}
"""


async def me(client, token):
    return (await gql(client, ME, token=token))["data"]["me"]


async def second_session(client, person):
    result = await gql(client, LOGIN, {"input": {"nationalId": person.national_id,
                                                 "password": person.password}})
    return result["data"]["login"]["session"]


async def test_me_is_null_without_a_valid_session(client, inbox):
    await signed_up(client, inbox)
    assert await me(client, None) is None
    assert await me(client, "not-a-real-token") is None


async def test_the_members_fields_read_with_a_session_are_the_models(client, inbox, app):
    # `me` is answered from the session's row without building the model: every field
    # must come out as the model has it (types, time zones, the address's JSON).
    person = await signed_up(client, inbox)
    await Member.filter(national_id=person.national_id).update(
        address={"city": "Riyadh", "district": "Al Olaya", "street": None,
                 "building_number": "7421", "postal_code": "12211"},
        iban="SA0380000000608010167519",
    )
    found = await sessions.authenticate(runtime=app.state.runtime, access_token=person.access_token)
    assert found is not None
    fields = found.member_fields()
    model = await Member.get(national_id=person.national_id)
    for name in Member._meta.db_fields:
        assert getattr(fields, name) == getattr(model, name), name
        assert type(getattr(fields, name)) is type(getattr(model, name)), name


async def test_tokens_are_stored_only_as_hashes(client, inbox):
    person = await signed_up(client, inbox)
    for row in await Session.all():
        assert person.access_token not in (row.access_token_hash, row.refresh_token_hash)
        assert person.refresh_token not in (row.access_token_hash, row.refresh_token_hash)


async def test_an_access_token_lasts_fifteen_minutes(client, inbox, app):
    person = await signed_up(client, inbox)
    later = app.state.runtime.clock() + dt.timedelta(minutes=15, seconds=1)
    app.state.runtime.clock = lambda: later
    assert await me(client, person.access_token) is None


async def test_refreshing_rotates_the_refresh_token(client, inbox):
    person = await signed_up(client, inbox)
    refreshed = (await gql(client, REFRESH, {"token": person.refresh_token}))["data"]
    session = refreshed["refreshSession"]["session"]

    assert refreshed["refreshSession"]["errors"] == []
    assert session["refreshToken"] != person.refresh_token
    assert (await me(client, session["accessToken"]))["nationalId"] == person.national_id
    assert await me(client, person.access_token) is None  # the old link is closed


async def test_reusing_a_rotated_refresh_token_ends_the_whole_session(client, inbox, app):
    person = await signed_up(client, inbox)
    first = (await gql(client, REFRESH, {"token": person.refresh_token}))["data"]
    current = first["refreshSession"]["session"]
    later = app.state.runtime.clock() + dt.timedelta(seconds=31)  # past the two-tab grace
    app.state.runtime.clock = lambda: later

    replayed = (await gql(client, REFRESH, {"token": person.refresh_token}))["data"]
    assert replayed["refreshSession"]["errors"][0]["code"] == "SESSION_EXPIRED"
    assert await me(client, current["accessToken"]) is None
    again = (await gql(client, REFRESH, {"token": current["refreshToken"]}))["data"]
    assert again["refreshSession"]["session"] is None


async def test_logout_ends_the_session_at_once(client, inbox):
    person = await signed_up(client, inbox)
    other = await second_session(client, person)
    result = await gql(client, LOGOUT, {"everywhere": False}, token=person.access_token)

    assert result["data"]["logout"]["errors"] == []
    assert await me(client, person.access_token) is None
    refreshed = (await gql(client, REFRESH, {"token": person.refresh_token}))["data"]
    assert refreshed["refreshSession"]["session"] is None
    assert (await me(client, other["accessToken"]))["nationalId"] == person.national_id


async def test_logout_everywhere_ends_every_session(client, inbox):
    person = await signed_up(client, inbox)
    other = await second_session(client, person)
    await gql(client, LOGOUT, {"everywhere": True}, token=person.access_token)
    assert await me(client, person.access_token) is None
    assert await me(client, other["accessToken"]) is None


async def test_logout_without_a_session_is_unauthenticated(client):
    result = await gql(client, LOGOUT, {"everywhere": False})
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
