"""Service request rules: dates judged by the Runtime's calendar, errors on Python paths."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from resolvers.platform.errors import DomainError, ErrorCode
from resolvers.platform.runtime import Runtime
from resolvers.service_requests import workflow
from resolvers.service_requests.details import Physiotherapy, RetirementPension
from tests.domain.conftest import FakeClock, active_member
from tests.record_support import qualifying_record


async def test_a_retirement_date_is_judged_by_the_runtime_calendar(
    runtime: Runtime, clock: FakeClock
):
    member = await active_member()
    await qualifying_record(member.national_id)
    tomorrow = runtime.today() + dt.timedelta(days=1)
    details = RetirementPension(retirement_date=tomorrow, last_employer="Saudi Aramco")
    with pytest.raises(DomainError) as error:
        await workflow.submit_request(
            runtime=runtime, member=member, details=details, idempotency_key=None
        )
    assert [(e.field, e.code) for e in error.value.errors] == [
        ("details.retirement_pension.retirement_date", ErrorCode.INVALID)
    ]

    clock.advance(days=1)
    request = await workflow.submit_request(
        runtime=runtime, member=member, details=details, idempotency_key=None
    )
    assert request.submitted_at == clock.at
    assert request.reference_number == f"SR-{runtime.today().year}-000001"


async def test_every_field_error_names_its_python_path(runtime: Runtime):
    member = await active_member()
    details = Physiotherapy(
        injury_date=runtime.today(), diagnosis=" ", sessions_requested=61, preferred_city="x" * 101
    )
    with pytest.raises(DomainError) as error:
        await workflow.submit_request(
            runtime=runtime, member=member, details=details, idempotency_key="k" * 101
        )
    assert sorted((e.field or "", e.code) for e in error.value.errors) == [
        ("details.physiotherapy.diagnosis", ErrorCode.REQUIRED),
        ("details.physiotherapy.preferred_city", ErrorCode.INVALID),
        ("details.physiotherapy.sessions_requested", ErrorCode.INVALID),
        ("idempotency_key", ErrorCode.INVALID),
    ]

    with pytest.raises(DomainError) as missing:
        await workflow.cancel_request(
            runtime=runtime, member=member, request_id=uuid.uuid4(), reason=None
        )
    assert [(e.field, e.code) for e in missing.value.errors] == [("request_id", ErrorCode.NOT_FOUND)]
