"""Many clients at once against real server processes: nothing breaks, nothing acknowledged is lost.

SQLite gets one server process; PostgreSQL gets two sharing Redis, as behind a load balancer.
Run with -s to see the summary line.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import ssl
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from models import Question, RequestStatus, ServiceRequest
from resolvers.platform.settings import Settings
from tests.record_support import record_for
from tests.servers import fresh_redis_or_skip, logged_tracebacks, running_servers, server_environment
from tests.support import Inbox, Person, signed_up

pytestmark = pytest.mark.slow

CLIENTS = 200
DURATION_SECONDS = 10
MEMBERS = 20
CLIENT_TIMEOUT_SECONDS = 30
MASKED = "Unexpected error."

ME = "query Me { me { id nationalId fullName status preferredLanguage } }"
SERVICES = "query Services { services { type name requiredDocuments } }"
MY_REQUESTS = """
query MyRequests {
  me { requests(first: 20) {
    totalCount
    edges { cursor node { id referenceNumber type status history { status actor } } }
    pageInfo { hasNextPage endCursor }
  } }
}
"""
SUBMIT = """
mutation Submit($input: SubmitRequestInput!) {
  submitRequest(input: $input) {
    request { id referenceNumber status }
    errors { field code }
  }
}
"""
CANCEL = """
mutation Cancel($input: CancelRequestInput!) {
  cancelRequest(input: $input) {
    request { id referenceNumber status }
    errors { field code }
  }
}
"""
ASK = """
mutation Ask($input: AskQuestionInput!) {
  askQuestion(input: $input) {
    question { id referenceNumber status }
    errors { field code }
  }
}
"""

DETAILS: list[dict[str, Any]] = [
    {"retirementPension": {"retirementDate": "2025-06-30", "lastEmployer": "Saudi Aramco"}},
    {"disabilityPension": {"disabilityDate": "2024-09-14", "medicalReportNumber": "MR-55812"}},
    {"healthInsurance": {"dependents": 3, "preferredHospital": "King Fahad Medical City"}},
    {"physiotherapy": {"injuryDate": "2025-11-02", "diagnosis": "Lumbar strain",
                       "sessionsRequested": 12, "preferredCity": "Riyadh"}},
    {"workInjury": {"injuryDate": "2025-10-20", "employer": "Al Rajhi Construction",
                    "description": "Fell from scaffolding."}},
    {"unemploymentBenefit": {"lastWorkingDay": "2025-12-31", "lastEmployer": "Jarir Bookstore"}},
]
CATEGORIES = ["GENERAL", "REGISTRATION", "PENSION", "PAYMENT", "COMPLAINT", "TECHNICAL"]


@pytest.fixture
def load_servers(engine: str, settings: Settings, tmp_path: Path) -> Iterator[list[str]]:
    """One server on SQLite; two sharing PostgreSQL and Redis (registration limits live there)."""
    if engine == "sqlite":
        with running_servers(1, server_environment(settings), tmp_path) as urls:
            yield urls
        return
    redis_url = fresh_redis_or_skip("the load test on PostgreSQL")
    with running_servers(2, server_environment(settings, redis_url=redis_url), tmp_path) as urls:
        yield urls


# ------------------------------------------------------------------- the load


@dataclass
class Tally:
    """What the clients saw: counts per operation, and everything that went wrong."""

    calls: Counter[str] = field(default_factory=Counter)
    payload_errors: Counter[str] = field(default_factory=Counter)
    graphql_errors: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    submitted: list[str] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)
    asked: list[str] = field(default_factory=list)

    def fail(self, operation: str, problem: str) -> None:
        self.failures.append(f"{operation}: {problem}")


async def call(
    http: httpx.AsyncClient,
    tally: Tally,
    url: str,
    operation: str,
    query: str,
    variables: dict[str, Any] | None,
    token: str,
) -> dict[str, Any] | None:
    """The operation's `data`, or None when the answer was not a clean 200 (then recorded)."""
    started = time.perf_counter()
    try:
        response = await http.post(
            f"{url}/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"},
        )
    except httpx.HTTPError as error:
        tally.fail(operation, " <- ".join(f"{type(e).__name__}({e})" for e in causes(error)))
        return None
    tally.latencies.append(time.perf_counter() - started)
    tally.calls[operation] += 1
    if MASKED in response.text:
        tally.fail(operation, f"masked error: {response.text[:300]}")
    if response.status_code != 200:
        tally.fail(operation, f"HTTP {response.status_code}: {response.text[:300]}")
        return None
    body = response.json()
    errors = body.get("errors") or []
    for error in errors:
        code = (error.get("extensions") or {}).get("code", "none")
        tally.graphql_errors[code] += 1
        # Only the overload answer is allowed: anything else is a broken session or a bug.
        if code != "TIMEOUT":
            tally.fail(operation, f"GraphQL error: {error}")
    return None if errors else body["data"]


def causes(error: BaseException) -> Iterator[BaseException]:
    """The error and what it was raised from, down to the socket's (a reset says errno 104)."""
    seen: BaseException | None = error
    while seen is not None:
        yield seen
        seen = seen.__cause__ or seen.__context__


def acknowledged(data: dict[str, Any] | None, tally: Tally, field: str, item: str) -> dict | None:
    """The written item when the write succeeded; payload errors are expected and counted."""
    if data is None:
        return None
    payload = data[field]
    for error in payload["errors"]:
        tally.payload_errors[f"{field}:{error['code']}"] += 1
    return payload[item] if not payload["errors"] and payload[item] else None


async def client(
    number: int, http: httpx.AsyncClient, url: str, member: Person, deadline: float, tally: Tally
) -> None:
    """One client's rounds of reads and writes, until the deadline (at least one round)."""
    rng = random.Random(number)
    token = member.access_token
    while time.monotonic() < deadline:
        await call(http, tally, url, "me", ME, None, token)
        await call(http, tally, url, "services", SERVICES, None, token)
        await call(http, tally, url, "myRequests", MY_REQUESTS, None, token)
        submission = {"details": rng.choice(DETAILS), "idempotencyKey": f"load-{uuid.uuid4()}"}
        data = await call(http, tally, url, "submitRequest", SUBMIT, {"input": submission}, token)
        request = acknowledged(data, tally, "submitRequest", "request")
        if request is not None:
            tally.submitted.append(request["referenceNumber"])
            # Cancelled, so the member's next request of this type is not a duplicate.
            cancel = {"input": {"requestId": request["id"], "reason": "load test"}}
            data = await call(http, tally, url, "cancelRequest", CANCEL, cancel, token)
            cancelled = acknowledged(data, tally, "cancelRequest", "request")
            if cancelled is not None:
                if cancelled["status"] != "CANCELLED":
                    tally.fail("cancelRequest", f"acknowledged but {cancelled['status']}")
                tally.cancelled.append(cancelled["referenceNumber"])
        # A whole round each time, even past the deadline: on a slow machine every
        # operation is still exercised.
        question = {"subject": f"Load question {number}", "body": "When is my pension paid?",
                    "category": rng.choice(CATEGORIES)}
        data = await call(http, tally, url, "askQuestion", ASK, {"input": question}, token)
        asked = acknowledged(data, tally, "askQuestion", "question")
        if asked is not None:
            tally.asked.append(asked["referenceNumber"])


async def members_on(url: str, inbox: Inbox, count: int) -> list[Person]:
    """`count` active members, registered and activated through HTTP."""
    async with httpx.AsyncClient(base_url=url, timeout=CLIENT_TIMEOUT_SECONDS) as http:
        return list(await asyncio.gather(*(signed_up(http, inbox) for _ in range(count))))


async def stored(model, references: list[str], **conditions: Any) -> int:
    """How many rows of `model` carry one of `references`, in chunks the databases accept."""
    total = 0
    for start in range(0, len(references), 500):
        chunk = references[start:start + 500]
        total += await model.filter(reference_number__in=chunk, **conditions).count()
    return total


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] if ordered else 0.0


async def test_many_clients_get_no_server_error_and_every_acknowledged_write_is_stored(
    engine, load_servers, inbox, tmp_path
):
    members = await members_on(load_servers[0], inbox, MEMBERS)
    for member in members:  # each qualifies for every service with rules
        for details in DETAILS:
            await record_for(member.national_id, details)
    tally = Tally()
    # Each client is one user with a connection of its own, as a browser tab is. A pool shared
    # by all 200 raced with itself on a loaded machine (encode/httpcore#1110): a pass of the
    # pool closed an idle connection it had just handed to another request, before that
    # request marked it active, and the request read from a socket closed under it
    # (ReadError <- ClosedResourceError). Idle connections are given up after 2 s, before
    # uvicorn's 5-second keep-alive closes them, so no request races the server either.
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1, keepalive_expiry=2.0)
    tls = ssl.create_default_context()  # unused on http://, but each client would build one
    async with contextlib.AsyncExitStack() as connections:
        tabs = [await connections.enter_async_context(
                    httpx.AsyncClient(limits=limits, timeout=CLIENT_TIMEOUT_SECONDS, verify=tls))
                 for _ in range(CLIENTS)]
        started = time.monotonic()
        deadline = started + DURATION_SECONDS
        clients = [
            client(n, tabs[n], load_servers[n % len(load_servers)], members[n % MEMBERS],
                   deadline, tally)
            for n in range(CLIENTS)
        ]
        async with asyncio.timeout(DURATION_SECONDS + 2 * CLIENT_TIMEOUT_SECONDS):
            await asyncio.gather(*clients)
        elapsed = time.monotonic() - started

    done = sum(tally.calls.values())
    print(
        f"\nload[{engine}] {CLIENTS} clients, {len(load_servers)} server(s), {elapsed:.1f}s: "
        f"{done} requests ({done / elapsed:.0f}/s), "
        f"latency p50 {percentile(tally.latencies, 0.5) * 1000:.0f} ms "
        f"p95 {percentile(tally.latencies, 0.95) * 1000:.0f} ms "
        f"max {max(tally.latencies, default=0) * 1000:.0f} ms; "
        f"per type {dict(sorted(tally.calls.items()))}; "
        f"acknowledged: {len(tally.submitted)} submitted, {len(tally.cancelled)} cancelled, "
        f"{len(tally.asked)} questions; payload errors {dict(tally.payload_errors)}; "
        f"GraphQL errors {dict(tally.graphql_errors)}; failures {len(tally.failures)}"
    )
    assert not tally.failures, (
        f"{len(tally.failures)} failures, first: {tally.failures[:5]}\n"
        + "\n".join(logged_tracebacks(tmp_path)[:3])
    )
    assert tally.calls["submitRequest"] and tally.submitted and tally.asked, tally.calls
    # Clients of one member race for its one open request per service; nothing else is refused.
    assert set(tally.payload_errors) <= {"submitRequest:DUPLICATE_REQUEST"}, tally.payload_errors

    # Every acknowledged write is there, once: unique references, each in the database.
    assert len(set(tally.submitted)) == len(tally.submitted)
    assert len(set(tally.asked)) == len(tally.asked)
    assert await stored(ServiceRequest, tally.submitted) == len(tally.submitted)
    assert await stored(
        ServiceRequest, tally.cancelled, status=RequestStatus.CANCELLED
    ) == len(tally.cancelled)
    assert await stored(Question, tally.asked) == len(tally.asked)
