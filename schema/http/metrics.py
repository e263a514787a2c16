"""The GraphQL and HTTP side of /metrics: operations, outcomes, requests in flight, and the
scrape itself (who may read it, and the numbers read from the database at scrape time)."""

from __future__ import annotations

import ipaddress
from typing import Any

from graphql import DocumentNode, GraphQLError, OperationDefinitionNode
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from tortoise import connections

from resolvers.platform import metrics
from resolvers.platform.delivery import pending_messages
from resolvers.platform.runtime import Runtime
from schema.http.middleware import noted

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def operation_label(document: DocumentNode, operation_name: str | None) -> str:
    """`mutation login`: the operation type and its first root field.

    Bounded by the schema (for documents that validate), unlike the operation names
    clients choose.
    """
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        if operation_name is not None and (
            definition.name is None or definition.name.value != operation_name
        ):
            continue
        selections = definition.selection_set.selections
        field = getattr(selections[0], "name", None) if selections else None
        name = field.value if field is not None else "fragment"
        return f"{definition.operation.value} {name}"
    return "invalid"


def label_of(execution_context: Any) -> str:
    """The label of a run: the Executor's Operation carries it; Strawberry's context (a
    subscription) is labelled from its document."""
    label = getattr(execution_context, "label", None)
    if label is not None:
        return label
    document = execution_context.graphql_document
    if document is None or getattr(execution_context, "pre_execution_errors", None):
        return "invalid"
    return operation_label(document, execution_context.operation_name)


# The Prometheus children by (operation, outcome): `labels()` hashes and locks on every call.
_observed: dict[tuple[str, str], tuple[Any, Any]] = {}


def observe_operation(
    execution_context: Any, seconds: float, errors: list[GraphQLError], masked: int
) -> None:
    request = getattr(execution_context.context, "request", None)
    if masked:
        outcome = "masked_error"
        metrics.MASKED_ERRORS.inc(masked)
    elif errors:
        outcome = "error"
    elif request is not None and noted(request, "payload_error", False):
        outcome = "payload_error"
    else:
        outcome = "ok"
    key = (label_of(execution_context), outcome)
    children = _observed.get(key)
    if children is None:
        children = _observed[key] = (
            metrics.GRAPHQL_REQUESTS.labels(operation=key[0], outcome=outcome),
            metrics.GRAPHQL_LATENCY.labels(operation=key[0], outcome=outcome),
        )
    children[0].inc()
    children[1].observe(seconds)


def observe_payload_errors(context: Any, codes: list[str]) -> None:
    for code in codes:
        metrics.PAYLOAD_ERRORS.labels(code=code).inc()
    request = getattr(context, "request", None)
    if request is not None:
        request.state.payload_error = True


def may_scrape(runtime: Runtime, request: Request) -> bool:
    """Everyone outside production; in production only the addresses in METRICS_ALLOW."""
    if not runtime.settings.production:
        return True
    host = request.client.host if request.client else None
    if host is None or not runtime.settings.metrics_allow:
        return False
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(allowed, strict=False)
               for allowed in runtime.settings.metrics_allow)


async def scrape(runtime: Runtime, request: Request) -> Response:
    if not may_scrape(runtime, request):
        return PlainTextResponse("Not Found", status_code=404)
    try:
        depth, oldest = await pending_messages(runtime.outbox.clock())
    except Exception:  # the database is away: /readyz says so; the rest is still worth reading
        pass
    else:
        metrics.OUTBOX_DEPTH.set(depth)
        metrics.OUTBOX_OLDEST_AGE.set(oldest)
    pool = getattr(connections.get("default"), "_pool", None)
    if pool is not None:
        size = pool.get_size()
        metrics.DATABASE_POOL_SIZE.set(size)
        metrics.DATABASE_POOL_IN_USE.set(size - pool.get_idle_size())
    body = metrics.exposition(runtime.settings.prometheus_multiproc_dir)
    return Response(body, media_type=CONTENT_TYPE)
