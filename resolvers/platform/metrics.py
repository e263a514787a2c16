"""What an operator watches, in Prometheus' terms (served at GET /metrics by schema/http/app.py).

Under `uvicorn --workers N` set PROMETHEUS_MULTIPROC_DIR to an empty directory: every
worker writes its numbers there and /metrics adds them up, whichever worker answers.
"""

from __future__ import annotations

import os

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead

GRAPHQL_REQUESTS = Counter(
    "gosi_graphql_requests_total",
    "GraphQL operations by operation name and outcome (ok, payload_error, error, masked_error).",
    ["operation", "outcome"],
)
GRAPHQL_LATENCY = Histogram(
    "gosi_graphql_request_seconds",
    "Time to execute a GraphQL operation, by operation name and outcome.",
    ["operation", "outcome"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
PAYLOAD_ERRORS = Counter(
    "gosi_payload_errors_total", "Expected errors returned in mutation payloads, by code.", ["code"]
)
MASKED_ERRORS = Counter(
    "gosi_masked_errors_total", "Unexpected exceptions answered as \"Unexpected error.\" (bugs)."
)
OUTBOX_DEPTH = Gauge(
    "gosi_outbox_depth", "Messages waiting to be delivered.", multiprocess_mode="mostrecent"
)
OUTBOX_OLDEST_AGE = Gauge(
    "gosi_outbox_oldest_undelivered_seconds",
    "Age of the oldest message still waiting to be delivered (0 when none waits).",
    multiprocess_mode="mostrecent",
)
DELIVERIES = Counter("gosi_deliveries_total", "Messages delivered, by channel.", ["channel"])
DELIVERY_FAILURES = Counter(
    "gosi_delivery_failures_total",
    "Failed delivery attempts (retried later), by channel.",
    ["channel"],
)
HASHING_WAIT = Histogram(
    "gosi_hashing_wait_seconds",
    "Time a password hash waited for a free hashing thread (HASHING_CONCURRENCY).",
    buckets=(0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
RATE_LIMIT_REFUSALS = Counter(
    "gosi_rate_limit_refusals_total", "Requests refused by a rate limit, by rule.", ["rule"]
)
REDIS_UP = Gauge(
    "gosi_redis_up",
    "1 while the rate limits reach Redis, 0 while they are kept in process.",
    multiprocess_mode="livemin",
)
DATABASE_POOL_SIZE = Gauge(
    "gosi_database_pool_connections", "Open PostgreSQL connections in this process's pool.",
    multiprocess_mode="livesum",
)
DATABASE_POOL_IN_USE = Gauge(
    "gosi_database_pool_in_use", "PostgreSQL connections lent out to a query right now.",
    multiprocess_mode="livesum",
)
# Set by the live-updates code (GraphQL subscriptions): inc() when one opens, dec() when it ends.
OPEN_SUBSCRIPTIONS = Gauge(
    "gosi_open_subscriptions", "GraphQL subscriptions open right now.", multiprocess_mode="livesum"
)
HTTP_IN_PROGRESS = Gauge(
    "gosi_http_requests_in_progress", "HTTP requests being answered right now.",
    multiprocess_mode="livesum",
)
RETENTION_DELETED = Counter(
    "gosi_retention_deleted_total", "Rows deleted by the retention job, by table.", ["table"]
)


def process_ended(multiprocess_dir: str) -> None:
    """A worker exits: its live gauges (open subscriptions, pool use...) stop counting."""
    mark_process_dead(os.getpid(), multiprocess_dir)


def exposition(multiprocess_dir: str | None) -> bytes:
    """The Prometheus text format: this process's numbers, or every worker's in multiprocess mode."""
    if multiprocess_dir:
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest()
