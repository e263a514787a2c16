"""Scheduled work, safe with several server processes: each process runs the loop, and a
row-level claim makes exactly one of them act on each item."""

from __future__ import annotations

import asyncio
import datetime as dt

import structlog
from tortoise.transactions import in_transaction

from models import ContributionCertificate, DecisionLetter, Document, InformationRequest, RequestStatus
from resolvers.documents import DOCUMENTS_PREFIX
from resolvers.letters.certificate import CERTIFICATES_PREFIX
from resolvers.letters.decision import LETTERS_PREFIX
from resolvers.messages.notices import notify_member
from resolvers.messages.templates import INFORMATION_REMINDER
from resolvers.platform import after_commit
from resolvers.platform.runtime import Runtime

REMINDER_LEAD = dt.timedelta(days=3)
# A stored file with no row after this long belongs to a change that never committed.
ORPHAN_AGE = dt.timedelta(hours=1)

log = structlog.stdlib.get_logger("gosi.jobs")


async def send_due_reminders(runtime: Runtime) -> int:
    """One reminder per information request, 3 days before its respondBy, if unanswered."""
    today = runtime.today()
    due = await InformationRequest.filter(
        answered_at__isnull=True,
        reminded_at__isnull=True,
        respond_by__lte=today + REMINDER_LEAD,
        respond_by__gte=today,
        request__status=RequestStatus.NEEDS_INFORMATION,
    ).select_related("request__member")
    sent = 0
    for item in due:
        async with in_transaction():
            # The claim and the queued message commit together: once, whoever runs it.
            claimed = await InformationRequest.filter(
                id=item.id, reminded_at__isnull=True, answered_at__isnull=True
            ).update(reminded_at=runtime.now())
            if not claimed:
                continue
            await notify_member(
                runtime, item.request.member, INFORMATION_REMINDER, request_id=item.request_id,
                reference=item.request.reference_number, respond_by=item.respond_by.isoformat(),
            )
        sent += 1
    return sent


async def sweep_orphaned_files(runtime: Runtime) -> int:
    """Deletes stored files whose database row never committed (a process died between)."""
    before = runtime.now() - ORPHAN_AGE
    removed = 0
    stored: tuple[tuple[str, type[Document | DecisionLetter | ContributionCertificate]], ...] = (
        (DOCUMENTS_PREFIX, Document), (LETTERS_PREFIX, DecisionLetter),
        (CERTIFICATES_PREFIX, ContributionCertificate),
    )
    for prefix, model in stored:
        keys = await runtime.store.keys_older_than(prefix, before)
        if not keys:
            continue
        rows = await model.filter(storage_key__in=keys).values("storage_key")
        known = {row["storage_key"] for row in rows}
        for key in keys:
            if key not in known:
                await runtime.store.delete(key)
                removed += 1
    if removed:
        log.warning("orphaned_files_removed", count=removed)
    return removed


async def run(runtime: Runtime) -> None:
    """Every jobs_interval_seconds until cancelled, surviving outages of the database or store."""
    while True:
        for job in (send_due_reminders, sweep_orphaned_files):
            try:
                with after_commit.scope():
                    await job(runtime)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("scheduled_job_failed", job=job.__name__)
        await asyncio.sleep(runtime.settings.jobs_interval_seconds)
