"""Two server processes on one PostgreSQL database and one Redis: limits, sessions and
idempotency hold across them, as in production behind a load balancer."""

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from tests.conftest import POSTGRES_ONLY
from tests.servers import fresh_redis_or_skip, running_servers, server_environment
from tests.support import ACTIVATE, LOGIN, REGISTER, gql, new_person

# One worker runs the module, so its two servers (module-scoped) start once.
pytestmark = [POSTGRES_ONLY, pytest.mark.xdist_group("multiprocess")]

ME = "query { me { nationalId } }"
LOGOUT = "mutation { logout(input: {everywhere: false}) { errors { code } } }"
SUBMIT = """
mutation Submit($input: SubmitRequestInput!) {
  submitRequest(input: $input) { request { id referenceNumber } errors { code } }
}
"""
REQUEST_COUNT = "query { me { requests { totalCount } } }"


@pytest.fixture(scope="module")
def servers(module_settings, tmp_path_factory) -> Iterator[list[str]]:
    """Started once for the module: each test works with members of its own."""
    redis_url = fresh_redis_or_skip("the multi-process tests")
    environment = server_environment(module_settings, redis_url=redis_url)
    with running_servers(2, environment, tmp_path_factory.mktemp("servers")) as urls:
        yield urls


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


