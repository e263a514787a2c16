"""OpenTelemetry traces: off by default; when on, one trace per request from the HTTP span
down to the GraphQL operation, and no argument (password, code, token) in any span."""

import dataclasses

import pytest

from schema.http.app import create_app
from tests.support import gql, new_person, serving

pytest.importorskip("opentelemetry.sdk", reason="the `tracing` extra is not installed")
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter  # noqa: E402

from tests.conftest import ONCE


def test_tracing_is_off_unless_an_endpoint_is_set(settings):
    application = create_app(settings, manage_database=False)
    assert not [m for m in application.user_middleware if "opentelemetry" in m.cls.__module__]
    assert not [e for e in application.state.schema.extensions if "OpenTelemetry" in repr(e)]


@ONCE
async def test_a_request_is_one_trace_from_http_to_the_graphql_operation(settings, engine):
    exporter = InMemorySpanExporter()
    configured = dataclasses.replace(settings, otel_exporter_otlp_endpoint="http://127.0.0.1:4318")
    application = create_app(configured, manage_database=False, span_exporter=exporter)
    person = new_person()
    async with serving(application, base_url="http://t") as client:
        result = await gql(client, "mutation Login($input: LoginInput!) {"
                           " login(input: $input) { errors { code } } }",
                           {"input": {"nationalId": person.national_id,
                                      "password": person.password}})
    assert result["data"]["login"]["errors"][0]["code"] == "INVALID_CREDENTIALS"
    spans = exporter.get_finished_spans()
    names = [span.name for span in spans]
    assert "POST /graphql" in names and "GraphQL Query: Login" in names, names
    assert len({span.context.trace_id for span in spans}) == 1
    for span in spans:
        assert not any(person.password in str(value) for value in span.attributes.values())
