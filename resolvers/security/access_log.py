"""Who opened whose data: the access log members read, written without slowing staff down.

Staff reading a member's personal data call `AccessLog.record` while the answer is built; the
server then calls `flush` before the answer leaves (one INSERT for the whole answer), so no
staff member reads what the log does not hold. What is recorded outside a request (a
subscription's events) is written at most FLUSH_DELAY seconds later, sooner when BATCH are
waiting. One staff member opening the same thing for the same purpose again within WINDOW adds
nothing. The table is append-only: this module only inserts, and the database refuses UPDATE
and DELETE on it.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from models import AccessEvent, AccessPurpose, Member
from resolvers.platform.delivery import utcnow
from resolvers.platform.pagination import Page, paginate

WINDOW = dt.timedelta(hours=1)
FLUSH_DELAY = 0.5
BATCH = 200
# Keys remembered for deduplication before the stale ones are dropped.
REMEMBERED = 50_000

log = logging.getLogger("gosi.access_log")

Key = tuple[uuid.UUID, str, AccessPurpose]


@dataclass(frozen=True)
class Access:
    member_id: uuid.UUID
    staff_id: uuid.UUID
    staff_name: str
    purpose: AccessPurpose
    subject: str
    thing: str
    at: dt.datetime

    @property
    def key(self) -> Key:
        return (self.staff_id, self.thing, self.purpose)


class AccessLog:
    """The pending events of one process, and when each key was last recorded."""

    def __init__(self, clock: Callable[[], dt.datetime] = utcnow) -> None:
        # The Runtime hands its own clock here, so a clock moved in a test moves this one too.
        self.clock = clock
        self.pending: list[Access] = []
        self.recent: dict[Key, dt.datetime] = {}
        self._timer: asyncio.TimerHandle | None = None
        self._flushing: set[asyncio.Task[None]] = set()
        self._lock = asyncio.Lock()

    def record(
        self,
        *,
        staff: Member,
        member_id: uuid.UUID,
        purpose: AccessPurpose,
        subject: str,
        thing: uuid.UUID | str,
    ) -> None:
        """Notes that `staff` opened member `member_id`'s data for `purpose`; returns at once.

        `subject` is what the member will read (SR-2026-000042, a document's kind); `thing` is
        the key of what was opened (the request's, question's or document's id), which the
        deduplication compares. Staff opening their own data is not recorded.
        """
        if staff.id == member_id:
            return
        self.add(Access(
            member_id=member_id, staff_id=staff.id, staff_name=staff.full_name, purpose=purpose,
            subject=subject[:100], thing=str(thing)[:64], at=self.clock(),
        ))

    def add(self, access: Access) -> None:
        last = self.recent.get(access.key)
        if last is not None and access.at - last < WINDOW:
            return
        if len(self.recent) >= REMEMBERED:
            self._forget_before(access.at - WINDOW)
        self.recent[access.key] = access.at
        self.pending.append(access)
        if len(self.pending) >= BATCH:
            self._flush_soon(0)
        elif self._timer is None:
            self._flush_soon(FLUSH_DELAY)

    def _forget_before(self, cutoff: dt.datetime) -> None:
        self.recent = {key: at for key, at in self.recent.items() if at >= cutoff}

    def _flush_soon(self, delay: float) -> None:
        loop = asyncio.get_running_loop()
        if self._timer is not None:
            self._timer.cancel()
        self._timer = loop.call_later(delay, self._start_flush)

    def _start_flush(self) -> None:
        self._timer = None
        task = asyncio.get_running_loop().create_task(self._flush_later(), name="access-log")
        self._flushing.add(task)
        task.add_done_callback(self._flushing.discard)

    async def _flush_later(self) -> None:
        try:
            await self.flush()
        except Exception:
            log.exception("access log write failed; %d events kept for retry", len(self.pending))
            self._flush_soon(5)

    async def flush(self) -> None:
        """Writes what is pending, in one INSERT, skipping what another process recorded
        within the window (each process deduplicates in memory only its own events).

        Raises when the database refuses; the events are then kept for the next flush."""
        if not self.pending and not self._lock.locked():
            return  # nothing of this request's, nor anyone's, is still on its way
        async with self._lock:
            batch, self.pending = self.pending, []
            if not batch:
                return
            try:
                rows = await _not_yet_recorded(batch)
                if rows:
                    await AccessEvent.bulk_create(rows)
            except BaseException:
                self.pending = batch + self.pending
                raise

    async def aclose(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        for task in list(self._flushing):
            with contextlib.suppress(Exception):
                await task
        with contextlib.suppress(Exception):
            await self.flush()


async def _not_yet_recorded(batch: list[Access]) -> list[AccessEvent]:
    since = min(access.at for access in batch) - WINDOW
    existing = await AccessEvent.filter(
        staff_id__in={access.staff_id for access in batch},
        thing__in={access.thing for access in batch},
        at__gte=since,
    ).values_list("staff_id", "thing", "purpose", "at")
    latest: dict[Key, dt.datetime] = {}
    for staff_id, thing, purpose, at in existing:
        key = (staff_id, thing, AccessPurpose(purpose))
        latest[key] = max(at, latest.get(key, at))
    rows = []
    for access in batch:
        last = latest.get(access.key)
        if last is not None and abs(access.at - last) < WINDOW:
            continue
        latest[access.key] = access.at
        rows.append(AccessEvent(
            member_id=access.member_id, staff_id=access.staff_id, staff_name=access.staff_name,
            purpose=access.purpose, subject=access.subject, thing=access.thing, at=access.at,
        ))
    return rows


async def member_access_log(
    access_log: AccessLog, *, member_id: uuid.UUID, first: int | None, after: str | None
) -> Page[AccessEvent]:
    """One member's access log, newest first, with what this process still holds written."""
    await access_log.flush()
    return await paginate(
        AccessEvent.filter(member_id=member_id), time_field="at", first=first, after=after,
        newest_first=True,
    )
