"""GraphQL over HTTP: methods, limits, production switches, CORS, errors, health."""

import contextlib
import dataclasses
import logging

import httpx
import pytest

from resolvers.platform.settings import Settings
from schema.http.app import create_app
from tests.conftest import ONCE
from tests.support import gql, serving

# The HTTP layer answers the same whatever the database engine: once, on SQLite.
pytestmark = ONCE

ME = "query { me { nationalId } }"
REGISTER_VIA_GET = 'mutation { logout { errors { code } } }'
LOGIN_MESSAGE = 'mutation { login(input: {nationalId: "1", password: "x"}) { errors { message } } }'
LOGIN_VARIABLE = 'mutation Q($n: String!) { login(input: {nationalId: $n, password: "x"}) { errors { code } } }'
LOGIN_ANYONE = 'mutation { login(input: {nationalId: "1", password: "x"}) { errors { code } } }'


@pytest.fixture
async def production_client(settings):
    production = dataclasses.replace(
        settings, app_env="production", secret_key="s" * 40
    )
    application = create_app(production, manage_database=False)
    async with serving(application) as http:
        yield http


async def test_queries_work_over_get_and_post(client):
    by_post = await client.post("/graphql", json={"query": "{ services { type } }"})
    by_get = await client.get("/graphql", params={"query": "{ __typename }"})
    assert by_post.status_code == 200
    assert by_get.status_code == 200 and by_get.json() == {"data": {"__typename": "Query"}}


async def test_mutations_are_refused_over_get_with_405(client):
    response = await client.get("/graphql", params={"query": REGISTER_VIA_GET},
                                headers={"Accept-Language": "en"})
    assert (response.status_code, response.headers["allow"]) == (405, "GET, POST")
    assert "mutation" in response.json()["errors"][0]["message"].lower()


async def test_array_batching_is_refused(client):
    response = await client.post("/graphql", json=[{"query": ME}, {"query": ME}])
    assert response.status_code == 400


async def test_bodies_over_100_kib_get_413(client):
    big = "{ __typename }" + " " * (101 * 1024)
    response = await client.post("/graphql", json={"query": big})
    assert response.status_code == 413


async def test_more_than_fifteen_aliases_are_refused(client):
    query = "{ " + " ".join(f"a{i}: __typename" for i in range(16)) + " }"
    result = (await client.post("/graphql", json={"query": query},
                                headers={"Accept-Language": "en"})).json()
    assert "aliases" in result["errors"][0]["message"]
    assert result["errors"][0]["extensions"]["code"] == "TOO_MANY_ALIASES"
    ok = "{ " + " ".join(f"a{i}: __typename" for i in range(15)) + " }"
    assert "errors" not in (await client.post("/graphql", json={"query": ok})).json()


async def test_more_than_two_thousand_tokens_are_refused(client):
    query = "{ " + "__typename " * 2100 + "}"
    result = (await client.post("/graphql", json={"query": query},
                                headers={"Accept-Language": "en"})).json()
    assert "2000 tokens" in result["errors"][0]["message"].lower()
    assert result["errors"][0]["extensions"]["code"] == "QUERY_TOO_LARGE"


async def test_introspection_is_not_limited_by_depth(client):
    from graphql import get_introspection_query

    result = (await client.post("/graphql", json={"query": get_introspection_query()})).json()
    assert "errors" not in result
    assert result["data"]["__schema"]["queryType"]["name"] == "Query"


async def test_deep_queries_are_refused(client):
    nested = "me { requests { edges { node { applicant { requests { edges { node { applicant {"
    nested += " requests { edges { node { id } } } } } } } } } } } }"
    result = (await client.post("/graphql", json={"query": "{ " + nested + " }"},
                                headers={"Accept-Language": "en"})).json()
    assert "deeper than 10 levels" in result["errors"][0]["message"]
    assert result["errors"][0]["extensions"]["code"] == "QUERY_TOO_DEEP"


@pytest.mark.parametrize(
    ("document", "variables", "code"),
    [
        ("{ services { type }", None, "GRAPHQL_PARSE_FAILED"),
        ("{ nope }", None, "GRAPHQL_VALIDATION_FAILED"),
        ("query Q($unused: Int) { services { type } }", None, "GRAPHQL_VALIDATION_FAILED"),
        (LOGIN_VARIABLE, {"n": 5}, "BAD_USER_INPUT"),
        (LOGIN_VARIABLE, {}, "BAD_USER_INPUT"),
        (LOGIN_VARIABLE, {"n": None}, "BAD_USER_INPUT"),
    ],
)
async def test_documents_that_cannot_run_say_why_in_extensions_code(client, document, variables, code):
    for accept in ("application/json", "application/graphql-response+json"):
        response = await client.post("/graphql", json={"query": document, "variables": variables},
                                     headers={"Accept": accept})
        assert response.json()["errors"][0]["extensions"]["code"] == code, response.text


async def test_an_operation_over_the_time_limit_is_cancelled(settings):
    slow = dataclasses.replace(settings, execution_timeout_seconds=0.000001)
    application = create_app(slow, manage_database=False)
    async with serving(application, base_url="http://t") as http:
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


async def test_strict_transport_security_only_when_the_public_address_is_https(app, settings):
    for public_url, expected in (("http://127.0.0.1:8000", None), ("https://my.gosi.example", "max-age=31536000")):
        served = create_app(dataclasses.replace(settings, public_url=public_url), manage_database=False)
        async with served.router.lifespan_context(served):
            transport = httpx.ASGITransport(app=served)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
                for answer in (await http.get("/healthz"), await http.post("/graphql", json={}),
                               await http.get("/verify", params={"code": "x"})):
                    assert answer.headers.get("strict-transport-security") == expected


async def test_the_verification_page_is_never_framed(client):
    page = await client.get("/verify", params={"code": "ABCD-EFGH-JKMN"})
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"


# Each misspelling graphql-core would answer with "Did you mean ...?".
MISSPELLED = [
    "{ me { requests(statuss: SUBMITTED) { totalCount } } }",  # an argument
    "query Q($s: RequestStatuss) { me { requests(status: $s) { totalCount } } }",  # a type
    "{ me { requests(status: SUBMITED) { totalCount } } }",  # an enum value
    'mutation { login(input: {nationalId: "1", passwrd: "x"}) { errors { code } } }',  # an input field
    "{ mee { id } }",  # a field
]


async def test_production_suggests_no_name_in_any_message(production_client, client):
    for document in MISSPELLED:
        answered = (await production_client.post("/graphql", json={"query": document})).json()
        messages = [error["message"] for error in answered["errors"]]
        assert messages and not any("Did you mean" in message for message in messages), messages
        # Development still helps.
        helped = (await client.post("/graphql", json={"query": document},
                                    headers={"Accept-Language": "en"})).json()
        assert any("Did you mean" in error["message"] for error in helped["errors"]), document


async def test_development_suggests_field_names(client):
    typo = await client.post("/graphql", json={"query": "{ mee { id } }"},
                             headers={"Accept-Language": "en"})
    assert "Did you mean 'me'?" in typo.json()["errors"][0]["message"]


async def test_unexpected_exceptions_are_masked_and_logged_with_traceback(
    client, monkeypatch, caplog
):
    from resolvers.accounts import sign_in as accounts

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


PORTAL = "https://portal.example.sa"


@contextlib.asynccontextmanager
async def portal_client(settings, **overrides):
    """A client of an app that lets the portal's origin in (CORS), with other settings changed."""
    configured = dataclasses.replace(settings, cors_origins=(PORTAL,), **overrides)
    transport = httpx.ASGITransport(app=create_app(configured, manage_database=False))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        yield http


async def preflight(http, *, origin: str = PORTAL, headers: str | None = None) -> httpx.Response:
    """A browser's CORS preflight for a POST to /graphql that would send `headers`."""
    asked = {"Origin": origin, "Access-Control-Request-Method": "POST"}
    if headers is not None:
        asked["Access-Control-Request-Headers"] = headers
    return await http.options("/graphql", headers=asked)


async def test_cors_allows_configured_origins_only(settings):
    async with portal_client(settings) as http:
        allowed_origin = await preflight(http, headers="authorization, content-type")
        foreign = await preflight(http, origin="https://evil.example.com")
    assert allowed_origin.status_code == 200
    assert allowed_origin.headers["access-control-allow-origin"] == "https://portal.example.sa"
    allowed = allowed_origin.headers["access-control-allow-headers"].lower()
    assert "authorization" in allowed and "content-type" in allowed
    assert "access-control-allow-origin" not in foreign.headers


TRACING_AND_CLIENT_HEADERS = (
    "traceparent, tracestate, baggage, sentry-trace, apollographql-client-name, "
    "apollographql-client-version, apollo-require-preflight, graphql-require-preflight, "
    "authorization, content-type, accept-language"
)


async def test_cors_preflight_allows_tracing_client_awareness_and_upload_headers(settings):
    async with portal_client(settings) as http:
        known = await preflight(http, headers=TRACING_AND_CLIENT_HEADERS)
        unknown = await preflight(http, headers="x-tenant")
    assert known.status_code == 200, known.text
    allowed = {h.strip() for h in known.headers["access-control-allow-headers"].lower().split(",")}
    assert {h.strip() for h in TRACING_AND_CLIENT_HEADERS.split(",")} <= allowed
    assert unknown.status_code == 400


async def test_cors_allow_headers_extends_the_defaults(settings):
    from_env = Settings.from_environ({"CORS_ALLOW_HEADERS": "X-Tenant, traceparent"})
    async with portal_client(settings, cors_allow_headers=from_env.cors_allow_headers) as http:
        extended = await preflight(http, headers="x-tenant, traceparent, authorization")
    assert extended.status_code == 200, extended.text
    assert from_env.cors_allow_headers.count("traceparent") == 1


async def test_browsers_may_read_the_request_id_and_www_authenticate(settings):
    async with portal_client(settings) as http:
        response = await http.post("/graphql", json={"query": "{ services { type } }"},
                                   headers={"Origin": PORTAL})
    exposed = response.headers["access-control-expose-headers"].lower()
    assert "x-request-id" in exposed and "www-authenticate" in exposed
    assert response.headers["x-request-id"]


@pytest.mark.parametrize(
    ("incoming", "kept"),
    [
        ("4bf92f3577b34da6a3ce929d0e0e4736", True),
        ("req-2026.12.01:abc_DEF", True),
        ("x" * 128, True),
        ("x" * 129, False),
        ("has space", False),
        ('"}{"injected":"1', False),
        ("-leading-dash", False),
        ("", False),
    ],
)
async def test_every_response_carries_a_request_id_kept_only_when_sane(client, incoming, kept):
    response = await client.post("/graphql", json={"query": "{ services { type } }"},
                                 headers={"X-Request-Id": incoming})
    request_id = response.headers["x-request-id"]
    if kept:
        assert request_id == incoming
    else:
        assert request_id != incoming and len(request_id) == 32 and request_id.isalnum()


async def test_request_id_is_on_every_route_even_refusals(client):
    assert (await client.get("/healthz")).headers["x-request-id"]
    too_large = await client.post("/graphql", content=b"x" * (200 * 1024),
                                  headers={"Content-Type": "application/json"})
    assert too_large.status_code == 413 and too_large.headers["x-request-id"]


async def test_a_refused_language_is_never_chosen(client):
    async def message(language: str) -> str:
        result = await gql(client, LOGIN_MESSAGE, language=language)
        return result["data"]["login"]["errors"][0]["message"]

    english, arabic = await message("en"), await message("ar")
    assert english != arabic
    assert await message("fr, ar;q=0") == english
    assert await message("ar;q=0") == english
    assert await message("en;q=0, fr") == arabic


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
