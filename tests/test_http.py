"""GraphQL over HTTP: methods, limits, production switches, CORS, errors, health."""

import dataclasses
import logging

import httpx
import pytest

from schema.app import create_app
from tests.support import gql

ME = "query { me { nationalId } }"
REGISTER_VIA_GET = 'mutation { logout { errors { code } } }'
LOGIN_ANYONE = 'mutation { login(input: {nationalId: "1", password: "x"}) { errors { code } } }'


@pytest.fixture
async def production_client(settings):
    production = dataclasses.replace(
        settings, app_env="production", secret_key="s" * 40
    )
    application = create_app(production, manage_database=False)
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http


async def test_queries_work_over_get_and_post(client):
    by_post = await client.post("/graphql", json={"query": "{ services { type } }"})
    by_get = await client.get("/graphql", params={"query": "{ __typename }"})
    assert by_post.status_code == 200
    assert by_get.status_code == 200 and by_get.json() == {"data": {"__typename": "Query"}}


async def test_mutations_are_refused_over_get(client):
    response = await client.get("/graphql", params={"query": REGISTER_VIA_GET})
    assert response.status_code in (400, 405)
    assert "mutation" in response.text.lower()


async def test_array_batching_is_refused(client):
    response = await client.post("/graphql", json=[{"query": ME}, {"query": ME}])
    assert response.status_code == 400


async def test_bodies_over_100_kib_get_413(client):
    big = "{ __typename }" + " " * (101 * 1024)
    response = await client.post("/graphql", json={"query": big})
    assert response.status_code == 413


async def test_more_than_fifteen_aliases_are_refused(client):
    query = "{ " + " ".join(f"a{i}: __typename" for i in range(16)) + " }"
    result = (await client.post("/graphql", json={"query": query})).json()
    assert "aliases" in result["errors"][0]["message"]
    ok = "{ " + " ".join(f"a{i}: __typename" for i in range(15)) + " }"
    assert "errors" not in (await client.post("/graphql", json={"query": ok})).json()


async def test_more_than_two_thousand_tokens_are_refused(client):
    query = "{ " + "__typename " * 2100 + "}"
    result = (await client.post("/graphql", json={"query": query})).json()
    assert "token" in result["errors"][0]["message"].lower()


async def test_introspection_is_not_limited_by_depth(client):
    from graphql import get_introspection_query

    result = (await client.post("/graphql", json={"query": get_introspection_query()})).json()
    assert "errors" not in result
    assert result["data"]["__schema"]["queryType"]["name"] == "Query"


async def test_deep_queries_are_refused(client):
    nested = "me { requests { edges { node { applicant { requests { edges { node { applicant {"
    nested += " requests { edges { node { id } } } } } } } } } } } }"
    result = (await client.post("/graphql", json={"query": "{ " + nested + " }"})).json()
    assert "exceeds maximum operation depth" in result["errors"][0]["message"]


async def test_an_operation_over_the_time_limit_is_cancelled(settings):
    slow = dataclasses.replace(settings, execution_timeout_seconds=0.000001)
    application = create_app(slow, manage_database=False)
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            response = await http.post("/graphql", json={"query": LOGIN_ANYONE})
    assert response.status_code == 200
    assert response.json()["errors"][0]["extensions"]["code"] == "TIMEOUT"


async def test_development_serves_graphiql_without_any_internet_resource(client):
    page = await client.get("/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "/graphiql/static/graphiql.min.js" in page.text
    assert "https://" not in page.text and "http://" not in page.text
    for asset in ("graphiql.min.js", "graphiql.min.css", "react.production.min.js",
                  "react-dom.production.min.js", "init.js"):
        served = await client.get(f"/graphiql/static/{asset}")
        assert served.status_code == 200, asset
        assert "https://unpkg.com" not in served.text
        assert "cdn.jsdelivr.net" not in served.text


async def test_production_turns_off_graphiql_introspection_and_suggestions(production_client):
    page = await production_client.get("/graphql", headers={"Accept": "text/html"})
    assert "graphiql" not in page.text.lower()
    introspection = await production_client.post(
        "/graphql", json={"query": "{ __schema { types { name } } }"}
    )
    assert "introspection" in introspection.json()["errors"][0]["message"].lower()
    typo = await production_client.post("/graphql", json={"query": "{ mee { id } }"})
    assert "Did you mean" not in typo.json()["errors"][0]["message"]


async def test_development_suggests_field_names(client):
    typo = await client.post("/graphql", json={"query": "{ mee { id } }"})
    assert "Did you mean 'me'?" in typo.json()["errors"][0]["message"]


async def test_unexpected_exceptions_are_masked_and_logged_with_traceback(
    client, monkeypatch, caplog
):
    from resolvers import accounts

    async def broken(**kwargs):
        raise RuntimeError("database exploded: secret internals")

    monkeypatch.setattr(accounts, "login", broken)
    with caplog.at_level(logging.ERROR):
        result = await gql(client, "mutation { login(input: {nationalId: \"1\", password: \"x\"}) "
                                   "{ errors { code } } }")
    assert result["errors"][0]["message"] == "Unexpected error."
    assert "secret internals" not in str(result)
    assert any(record.exc_info and "secret internals" in str(record.exc_info[1])
               for record in caplog.records)


async def test_cors_allows_configured_origins_only(settings):
    configured = dataclasses.replace(settings, cors_origins=("https://portal.example.sa",))
    application = create_app(configured, manage_database=False)
    transport = httpx.ASGITransport(app=application)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        preflight = await http.options("/graphql", headers={
            "Origin": "https://portal.example.sa",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        })
        foreign = await http.options("/graphql", headers={
            "Origin": "https://evil.example.com",
            "Access-Control-Request-Method": "POST",
        })
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "https://portal.example.sa"
    allowed = preflight.headers["access-control-allow-headers"].lower()
    assert "authorization" in allowed and "content-type" in allowed
    assert "access-control-allow-origin" not in foreign.headers


async def test_health_and_readiness(client):
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["database"] == "up"


async def test_graphql_response_json_clients_get_400_for_documents_that_cannot_run(client):
    response = await client.post(
        "/graphql", json={"query": "{ nope }"},
        headers={"Accept": "application/graphql-response+json"},
    )
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/graphql-response+json")
    assert "data" not in response.json()
