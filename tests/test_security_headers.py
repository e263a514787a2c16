"""Nothing personal left in caches; an expired token is visible; logout with a refresh token."""

import datetime as dt

from tests.support import gql, signed_up

ME = "query { me { nationalId iban } }"
CATALOG = "{ services { type name } }"
CHANGE = """
mutation C($input: ChangePasswordInput!) { changePassword(input: $input) { errors { code } } }
"""
LOGOUT = "mutation L($input: LogoutInput) { logout(input: $input) { errors { code } } }"
REFRESH = """
mutation R($token: String!) {
  refreshSession(input: {refreshToken: $token}) { session { accessToken } errors { code } }
}
"""


async def post(client, query, token=None, variables=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return await client.post("/graphql", json={"query": query, "variables": variables or {}},
                             headers=headers)


async def test_an_answer_to_a_signed_in_request_is_never_stored(client, inbox):
    person = await signed_up(client, inbox)
    response = await post(client, ME, person.access_token)
    assert response.json()["data"]["me"]["nationalId"] == person.national_id
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "www-authenticate" not in response.headers
    # Even a query that reads nothing personal, even a GET.
    got = await client.get("/graphql", params={"query": CATALOG},
                           headers={"Authorization": f"Bearer {person.access_token}"})
    assert got.headers["cache-control"] == "no-store"


async def test_every_answer_says_nosniff(client):
    for response in (await post(client, CATALOG), await client.get("/healthz"),
                     await client.post("/graphql", content=b"{", headers={
                         "Content-Type": "application/json"})):
        assert response.headers["x-content-type-options"] == "nosniff"


async def test_the_public_catalog_over_get_may_be_cached_per_language(client):
    response = await client.get("/graphql", params={"query": CATALOG},
                                headers={"Accept-Language": "en"})
    assert response.status_code == 200 and response.json()["data"]["services"]
    assert response.headers["cache-control"] == "public, max-age=300"
    assert "Accept-Language" in response.headers["vary"]
    # Anything beyond the catalog, or over POST, is not marked cacheable.
    mixed = await client.get("/graphql", params={"query": "{ services { type } me { id } }"})
    assert "public" not in mixed.headers.get("cache-control", "")
    assert "public" not in (await post(client, CATALOG)).headers.get("cache-control", "")


async def test_an_expired_token_is_named_on_reads_and_on_errors(client, inbox, app):
    person = await signed_up(client, inbox)
    later = app.state.runtime.clock() + dt.timedelta(minutes=16)
    app.state.runtime.clock = lambda: later

    read = await post(client, ME, person.access_token)
    assert read.status_code == 200 and read.json()["data"]["me"] is None
    assert read.headers["www-authenticate"] == 'Bearer error="invalid_token"'

    refused = await post(client, CHANGE, "made-up-token", {"input": {
        "currentPassword": "a", "newPassword": "b"}})
    assert refused.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    assert refused.json()["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED",
                                                          "reason": "TOKEN_INVALID"}
    # No token at all: no challenge, no reason.
    anonymous = await post(client, CHANGE, None, {"input": {"currentPassword": "a",
                                                            "newPassword": "b"}})
    assert "www-authenticate" not in anonymous.headers
    assert anonymous.json()["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED"}


async def test_a_refresh_token_alone_signs_out(client, inbox):
    person = await signed_up(client, inbox)
    result = await gql(client, LOGOUT, {"input": {"refreshToken": person.refresh_token}})
    assert result["data"]["logout"]["errors"] == []
    assert (await gql(client, ME, token=person.access_token))["data"]["me"] is None
    refreshed = await gql(client, REFRESH, {"token": person.refresh_token})
    assert refreshed["data"]["refreshSession"]["session"] is None
