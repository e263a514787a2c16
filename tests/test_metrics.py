"""GET /metrics: what an operator watches, in the Prometheus text format."""

import asyncio
import dataclasses
import datetime as dt
import time

import httpx
import pytest
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families

from models import OutboundMessage
from schema.http.app import create_app
from tests.conftest import ONCE
from tests.servers import server_environment, start_servers, stop_server
from tests.support import LOGIN, gql, new_person, register


async def scrape(client: httpx.AsyncClient) -> dict[tuple[str, tuple], float]:
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def test_metrics_count_operations_outcomes_errors_refusals_and_the_outbox(
    app, client, sms_gateway
):
    app.state.runtime.outbox.poll_seconds = 0.05
    before = await scrape(client)
    person = new_person()
    sms_gateway.failing = True  # the code waits in the outbox
    assert (await register(client, person))["errors"] == []
    for attempt in range(6):
        await gql(client, LOGIN, {"input": {"nationalId": person.national_id,
                                            "password": f"wrong-password-{attempt}"}})
    await gql(client, "query { me { nationalId } }")
    deadline = time.monotonic() + 10
    while not await OutboundMessage.filter(destination=person.e164, attempts__gte=1,
                                           lease_until__isnull=True).exists():
        assert time.monotonic() < deadline
        await asyncio.sleep(0.05)
    after = await scrape(client)

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("gosi_graphql_requests_total", operation="mutation register", outcome="ok") == 1
    assert delta("gosi_graphql_requests_total", operation="mutation login",
                 outcome="payload_error") == 6
    assert delta("gosi_graphql_requests_total", operation="query me", outcome="ok") == 1
    assert delta("gosi_graphql_request_seconds_count", operation="mutation login",
                 outcome="payload_error") == 6
    assert delta("gosi_payload_errors_total", code="INVALID_CREDENTIALS") == 5
    assert delta("gosi_payload_errors_total", code="RATE_LIMITED") == 1
    assert delta("gosi_rate_limit_refusals_total", rule="login-id") >= 1
    assert delta("gosi_hashing_wait_seconds_count") >= 6
    assert delta("gosi_delivery_failures_total", channel="SMS") >= 1
    assert value(after, "gosi_outbox_depth") == 1

    # The age of the oldest message still waiting, on the outbox's clock.
    [waiting] = await OutboundMessage.filter(destination=person.e164)
    app.state.runtime.clock = lambda: waiting.created_at + dt.timedelta(seconds=90)
    assert value(await scrape(client), "gosi_outbox_oldest_undelivered_seconds") == 90
    assert ("gosi_open_subscriptions", ()) in after
    assert ("gosi_masked_errors_total", ()) in after


async def test_documents_that_do_not_validate_share_one_label(client):
    """A caller choosing field names must not choose the metrics' series: every document
    that does not validate is counted under `invalid`."""
    before = await scrape(client)
    for name in ("madeUpFieldOne", "madeUpFieldTwo"):
        answer = await gql(client, f"query {{ {name} }}")
        assert answer["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    after = await scrape(client)
    labels = {dict(labels).get("operation") for (name, labels) in after
              if name == "gosi_graphql_requests_total"}
    assert not any("madeUpField" in (label or "") for label in labels)
    assert value(after, "gosi_graphql_requests_total", operation="invalid", outcome="error") \
        - value(before, "gosi_graphql_requests_total", operation="invalid", outcome="error") == 2


async def test_metrics_are_not_public_in_production_unless_the_scraper_is_listed(settings):
    production = dataclasses.replace(settings, app_env="production")
    for allowed, status in (((), 404), (("10.0.0.0/8",), 404), (("10.0.0.0/8", "127.0.0.1"), 200)):
        application = create_app(dataclasses.replace(production, metrics_allow=allowed),
                                 manage_database=False)
        transport = httpx.ASGITransport(app=application, client=("127.0.0.1", 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            assert (await client.get("/metrics")).status_code == status, allowed


def per_worker(directory) -> list[float]:
    return [
        sum(sample.value for metric in MultiProcessCollector.merge([str(path)])
            for sample in metric.samples
            if sample.name == "gosi_graphql_requests_total"
            and sample.labels.get("operation") == "query __typename")
        for path in directory.glob("counter_*.db")
    ]


@ONCE
@pytest.mark.slow
async def test_metrics_add_up_every_worker_under_uvicorn_workers(settings, engine, tmp_path):
    multiprocess_dir = tmp_path / "prometheus"
    multiprocess_dir.mkdir()
    env = {**server_environment(settings), "PROMETHEUS_MULTIPROC_DIR": str(multiprocess_dir)}
    command = ["-m", "uvicorn", "server:app", "--factory", "--workers", "2",
               "--host", "127.0.0.1", "--port", "{port}"]
    [(process, url)] = start_servers(1, env, tmp_path, command=command)
    try:
        async def one_request() -> None:
            async with httpx.AsyncClient(base_url=url) as client:
                assert (await gql(client, "query Typename { __typename }"))["data"]

        # Requests until both workers have answered some (each keeps its own file).
        sent = 0
        while sent < 120:
            await asyncio.gather(*(one_request() for _ in range(6)))
            sent += 6
            answered = per_worker(multiprocess_dir)
            if len(answered) == 2 and all(answered):
                break
        assert len(answered) == 2 and all(answered), answered
        # Whichever worker answers /metrics adds up both.
        for _ in range(6):
            async with httpx.AsyncClient(base_url=url) as client:
                samples = await scrape(client)
            assert value(samples, "gosi_graphql_requests_total",
                         operation="query __typename", outcome="ok") == sent
    finally:
        stop_server(process)
