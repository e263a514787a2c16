"""A member's pages and their histories, read as plain values, are what the ORM reads."""

from __future__ import annotations

import datetime as dt
import itertools

from models import Actor, Member, RequestEvent, RequestStatus, Role, ServiceRequest, ServiceType
from resolvers.platform.pagination import paginate
from resolvers.platform.runtime import Runtime
from resolvers.service_requests import loaders, search
from resolvers.service_requests.rows import RequestRow
from tests.domain.conftest import FakeClock, active_member

SHOWN = [name for name in RequestRow._fields if not name.startswith("stored_")] + [
    "details", "eligibility_at_submission"
]
KINDS = [ServiceType.HEALTH_INSURANCE, ServiceType.PHYSIOTHERAPY, ServiceType.RETIREMENT_PENSION]
STATES = [RequestStatus.SUBMITTED, RequestStatus.UNDER_REVIEW, RequestStatus.CANCELLED]


async def seeded(clock: FakeClock) -> tuple[Member, list[ServiceRequest]]:
    member, other = await active_member(), await active_member()
    staff = await active_member(role=Role.STAFF)
    made = []
    for n in range(9):
        # Two requests share each moment: the id orders them, across page boundaries too.
        at = clock.at + dt.timedelta(hours=n // 2)
        made.append(await ServiceRequest.create(
            reference_number=f"SR-2026-{n:06d}", member=member, type=KINDS[n % 3],
            status=STATES[n % 3], details={"dependents": n, "preferred_hospital": None},
            assignee=staff if n % 2 else None, submitted_at=at, updated_at=at + dt.timedelta(1),
            eligibility_at_submission={"eligible": True, "n": n} if n == 4 else None,
        ))
        for step in range(n % 4):
            await RequestEvent.create(
                request=made[-1], status=STATES[step % 3], actor=Actor.STAFF if step else Actor.MEMBER,
                note=f"note {step}" if step % 2 else None, at=at + dt.timedelta(minutes=step // 2),
                internal=step == 2, remark="ASSIGNED" if step == 2 else None,
                remark_name="Huda" if step == 2 else None, actor_member=staff if step else None,
            )
    await ServiceRequest.create(
        reference_number="SR-2026-999999", member=other, type=KINDS[0], status=STATES[0],
        details={}, submitted_at=clock.at, updated_at=clock.at,
    )
    return member, made


async def test_every_page_of_a_members_requests_is_the_orms_page(runtime: Runtime, clock: FakeClock):
    member, _ = await seeded(clock)
    for status, kind, first in itertools.product([None, *STATES], [None, *KINDS], [1, 2, 20]):
        after = None
        while True:
            page = await search.member_requests(
                member_id=member.id, status=status, type=kind, first=first, after=after
            )
            query = ServiceRequest.filter(member_id=member.id)
            query = query.filter(status=status) if status else query
            query = query.filter(type=kind) if kind else query
            expected = await paginate(query, time_field="submitted_at", first=first, after=after,
                                      newest_first=True)
            assert page.cursors == expected.cursors
            assert (page.has_next_page, page.has_previous_page) == (
                expected.has_next_page, expected.has_previous_page)
            assert await page.total_count() == await expected.total_count()
            for row, model in zip(page.items, expected.items, strict=True):
                assert {name: repr(getattr(row, name)) for name in SHOWN} == {
                    name: repr(getattr(model, name)) for name in SHOWN}
            if not page.has_next_page:
                break
            after = page.cursors[-1]


async def test_a_pages_histories_are_the_orms_events_oldest_first(runtime: Runtime, clock: FakeClock):
    _, made = await seeded(clock)
    asked = [request.id for request in reversed(made)]
    histories = await loaders.events_of(asked)
    assert len(histories) == len(asked)
    for request_id, history in zip(asked, histories, strict=True):
        expected = await RequestEvent.filter(request_id=request_id).order_by("at", "id").values_list(
            *loaders.HistoryStep._fields)
        assert [repr(tuple(step)) for step in history] == [repr(row) for row in expected]
    assert sum(map(len, histories)) == 12
    assert await loaders.events_of([]) == []
