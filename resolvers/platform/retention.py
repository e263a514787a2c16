"""Nothing kept forever: a scheduled job deletes, in bounded batches, what ended long enough ago.

Kept for good: members, service requests and their history, questions. Security events
and the access log are log lines (resolvers/platform/audit.py), kept by the log pipeline, not here.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

import structlog
from tortoise import connections
from tortoise.expressions import Q
from tortoise.models import Model

from models import OneTimeCode, OutboundMessage, Session
from resolvers.platform import metrics
from resolvers.platform.runtime import Runtime

# A session ends when it is revoked, rotated (refreshed) or its refresh token expires.
# A rotated refresh token presented again within this period still ends its whole sign-in.
SESSION_RETENTION = dt.timedelta(days=7)
CODE_RETENTION = dt.timedelta(days=1)
MESSAGE_RETENTION = dt.timedelta(days=7)
BATCH_SIZE = 500
MAX_BATCHES = 20  # per table and pass: a backlog is worked off over several passes
RETENTION_LOCK = 7_240_512  # the PostgreSQL advisory lock key: one server process at a time

log = structlog.stdlib.get_logger("gosi.retention")


@dataclass(frozen=True)
class Expired:
    table: str
    model: type[Model]
    condition: Callable[[dt.datetime], Q]


EXPIRED = (
    Expired("session", Session, lambda now: (
        Q(revoked_at__lt=now - SESSION_RETENTION) | Q(refresh_expires_at__lt=now - SESSION_RETENTION)
    )),
    Expired("one_time_code", OneTimeCode, lambda now: (
        Q(expires_at__lt=now - CODE_RETENTION)
        | Q(consumed_at__lt=now - CODE_RETENTION)
        | Q(voided_at__lt=now - CODE_RETENTION)
    )),
    Expired("outbound_message", OutboundMessage, lambda now: (
        Q(delivered_at__lt=now - MESSAGE_RETENTION) | Q(failed_at__lt=now - MESSAGE_RETENTION)
    )),
)

_local_lock = asyncio.Lock()


async def purge(
    *, runtime: Runtime, batch_size: int = BATCH_SIZE, max_batches: int = MAX_BATCHES
) -> dict[str, int] | None:
    """One pass; rows deleted per table, or None when another process holds the job."""
    client = connections.get("default")
    if client.capabilities.dialect != "postgres":
        async with _local_lock:
            return await _purge(runtime.now(), batch_size, max_batches)
    # A session-level advisory lock on a connection of its own, held while the batches
    # commit one by one on the others; released with the connection if the process dies.
    async with client.acquire_connection() as connection:
        if not await connection.fetchval("SELECT pg_try_advisory_lock($1)", RETENTION_LOCK):
            return None
        try:
            return await _purge(runtime.now(), batch_size, max_batches)
        finally:
            await connection.execute("SELECT pg_advisory_unlock($1)", RETENTION_LOCK)


async def _purge(now: dt.datetime, batch_size: int, max_batches: int) -> dict[str, int]:
    deleted: dict[str, int] = {}
    for expired in EXPIRED:
        total = 0
        for _ in range(max_batches):
            ids = await (
                expired.model.filter(expired.condition(now))
                .limit(batch_size)
                .values_list("id", flat=True)
            )
            if ids:
                total += await expired.model.filter(id__in=ids).delete()
            if len(ids) < batch_size:
                break
            await asyncio.sleep(0)  # let requests in between batches
        deleted[expired.table] = total
        metrics.RETENTION_DELETED.labels(table=expired.table).inc(total)
    if any(deleted.values()):
        log.info("retention_purge", **deleted)
    return deleted


async def run_retention(runtime: Runtime) -> None:
    """The schedule: a pass every RETENTION_INTERVAL_SECONDS (jittered), until cancelled."""
    interval = runtime.settings.retention_interval_seconds
    # The first pass soon after start-up, spread so that processes started together differ.
    await asyncio.sleep(random.uniform(0.1, 0.2) * interval)
    while True:
        try:
            await purge(runtime=runtime)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("retention pass failed; trying again at the next one")
        await asyncio.sleep(interval * random.uniform(0.9, 1.1))
