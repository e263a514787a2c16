"""Sessions under a moving clock: a 15-minute access token, a 30-day refresh token."""

from __future__ import annotations

import pytest

from resolvers.platform.errors import DomainError, ErrorCode
from resolvers.platform.runtime import Runtime
from resolvers.security import sessions
from tests.domain.conftest import FakeClock, active_member


@pytest.mark.parametrize(
    ("seconds_later", "signed_in"), [(0, True), (15 * 60 - 1, True), (15 * 60, False)]
)
async def test_an_access_token_lives_fifteen_minutes(
    runtime: Runtime, clock: FakeClock, seconds_later: int, signed_in: bool
):
    member = await active_member()
    issued = await sessions.start(runtime=runtime, member=member)
    assert issued.access_token_expires_at == clock.at + sessions.ACCESS_LIFETIME

    clock.advance(seconds=seconds_later)
    found = await sessions.authenticate(runtime=runtime, access_token=issued.access_token)
    assert (found is not None and found.member.id == member.id) is signed_in


async def test_a_refresh_token_renews_the_session_for_thirty_days_only(
    runtime: Runtime, clock: FakeClock
):
    member = await active_member()
    first = await sessions.start(runtime=runtime, member=member)
    clock.advance(days=29, hours=23)
    _, renewed = await sessions.refresh(runtime=runtime, refresh_token=first.refresh_token)
    assert renewed.refresh_token_expires_at == clock.at + sessions.REFRESH_LIFETIME
    assert await sessions.authenticate(runtime=runtime, access_token=renewed.access_token)

    clock.advance(days=30)
    with pytest.raises(DomainError) as error:
        await sessions.refresh(runtime=runtime, refresh_token=renewed.refresh_token)
    assert [(e.field, e.code) for e in error.value.errors] == [
        ("refresh_token", ErrorCode.SESSION_EXPIRED)
    ]
