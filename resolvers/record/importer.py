"""Loads the core system's contributions file (OPERATIONS.md) into the engagements table.

The file is streamed and written in batches: per batch one SELECT of the stored engagements,
one DELETE, one multi-row upsert and one SELECT of the members to tell, in one transaction
with the notices, whatever the batch's size. Memory stays bounded by the batch."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import orjson
from tortoise import connections
from tortoise.transactions import in_transaction

from models import AccountStatus, Engagement, Member
from resolvers.messages.notices import notify_member
from resolvers.messages.templates import EMPLOYMENT_REGISTERED
from resolvers.platform.runtime import Runtime
from resolvers.record.import_lines import Deletion, EngagementLine, Refused, read_line

# 12 columns a row: 1,000 rows stay under both engines' limits on bound parameters.
BATCH_SIZE = 1000
COLUMNS = ("engagement_id", "national_id", "employer_registration_number", "employer_name_ar",
           "employer_name_en", "start_date", "end_date", "occupation", "branches", "wages")


@dataclass
class ImportReport:
    lines: int = 0
    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    removed: int = 0
    refused: int = 0
    notified: int = 0


OnRefused = Callable[[int, str], None]
OnProgress = Callable[[ImportReport], None]


async def import_contributions(
    *,
    runtime: Runtime,
    lines: Iterable[bytes],
    on_refused: OnRefused,
    on_progress: OnProgress | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportReport:
    """Imports every valid line; each invalid one goes to `on_refused(number, reason)`."""
    report = ImportReport()
    # engagement_id -> what the file says of it last; a later line wins over an earlier one.
    batch: dict[str, EngagementLine | Deletion] = {}
    written = 0
    for number, raw in enumerate(lines, start=1):
        report.lines = number
        if not raw.strip():
            continue
        try:
            line = read_line(raw)
        except Refused as reason:
            report.refused += 1
            on_refused(number, str(reason))
            continue
        batch.pop(line.engagement_id, None)
        batch[line.engagement_id] = line
        if len(batch) >= batch_size:
            await _write(runtime, batch, report)
            batch = {}
            written += 1
            if written & (written - 1) == 0:
                await _refresh_statistics()
            if on_progress:
                on_progress(report)
    if batch:
        await _write(runtime, batch, report)
    return report


async def _write(runtime: Runtime, batch: dict[str, EngagementLine | Deletion], report: ImportReport) -> None:
    async with runtime.live.collect(), in_transaction():
        stored = {
            row["engagement_id"]: row
            for row in await Engagement.filter(engagement_id__in=list(batch)).values(*COLUMNS)
        }
        deleted = [key for key, line in batch.items() if isinstance(line, Deletion) and key in stored]
        kept = [line for line in batch.values() if isinstance(line, EngagementLine)]
        changed = [line for line in kept if stored.get(line.engagement_id) != _columns(line)]
        new = [line for line in changed if line.engagement_id not in stored]
        if deleted:
            await Engagement.filter(engagement_id__in=deleted).delete()
        if changed:
            await _upsert(changed, runtime)
        report.removed += len(deleted)
        report.added += len(new)
        report.replaced += len(changed) - len(new)
        report.unchanged += len(kept) - len(changed)
        report.notified += await _tell_members(runtime, new)


async def _refresh_statistics() -> None:
    """PostgreSQL plans each batch's lookup from the table's statistics: a table that grew from
    empty in this import still looks empty, and its lookups turn into full scans, one a batch
    (a first import of 100,000 lines took minutes instead of seconds). Refreshed after batches
    1, 2, 4, 8, ...: a handful of quick samples however long the file."""
    connection = connections.get("default")
    if connection.capabilities.dialect == "postgres":
        await connection.execute_script('ANALYZE "engagement"')


def _columns(line: EngagementLine) -> dict[str, Any]:
    return {column: getattr(line, column) for column in COLUMNS}


async def _upsert(lines: list[EngagementLine], runtime: Runtime) -> None:
    """One INSERT ... ON CONFLICT for the whole batch (the same SQL on both engines)."""
    connection = connections.get("default")
    postgres = connection.capabilities.dialect == "postgres"
    columns = ("id", *COLUMNS, "imported_at")
    # Encoded as Tortoise encodes them, the constant part once a batch.
    imported_at = Engagement._meta.fields_map["imported_at"].to_db_value(runtime.now(), Engagement)
    values: list[Any] = []
    for line in lines:
        values += (str(uuid.uuid4()), line.engagement_id, line.national_id,
                   line.employer_registration_number, line.employer_name_ar, line.employer_name_en,
                   line.start_date, line.end_date, line.occupation, orjson.dumps(line.branches).decode(),
                   orjson.dumps(line.wages).decode(), imported_at)
    width = len(columns)
    if postgres:
        rows = ", ".join("(" + ", ".join(f"${row * width + index}" for index in range(1, width + 1)) + ")"
                         for row in range(len(lines)))
    else:
        rows = ", ".join(["(" + ", ".join("?" * width) + ")"] * len(lines))
    names = ", ".join(f'"{column}"' for column in columns)
    updates = ", ".join(f'"{column}" = excluded."{column}"' for column in (*COLUMNS[1:], "imported_at"))
    await connection.execute_query(
        f'INSERT INTO "engagement" ({names}) VALUES {rows} '
        f'ON CONFLICT ("engagement_id") DO UPDATE SET {updates}',
        values,
    )


async def _tell_members(runtime: Runtime, new: list[EngagementLine]) -> int:
    """EMPLOYMENT_REGISTERED to each registered, active member a new engagement names."""
    if not new:
        return 0
    members = {
        member.national_id: member
        for member in await Member.filter(
            national_id__in={line.national_id for line in new}, status=AccountStatus.ACTIVE
        )
    }
    told = 0
    for line in new:
        member = members.get(line.national_id)
        if member is None:
            continue
        await notify_member(
            runtime, member, EMPLOYMENT_REGISTERED,
            employer_en=line.employer_name_en, employer_ar=line.employer_name_ar,
            start_date=line.start_date.isoformat(),
        )
        told += 1
    return told
