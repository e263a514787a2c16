"""Profile rules read the Runtime's clock, like every other rule."""

from __future__ import annotations

from resolvers import profile
from resolvers.platform.runtime import Runtime
from resolvers.profile import ProfileChanges
from tests.domain.conftest import FakeClock, active_member
from tests.support import new_mobile


async def test_a_pending_contact_change_lapses_with_its_code_after_ten_minutes(
    runtime: Runtime, clock: FakeClock
):
    member = await active_member()
    mobile = new_mobile()
    _, delivery = await profile.update_profile(
        runtime=runtime, member=member, changes=ProfileChanges(mobile=mobile),
        authenticated_at=runtime.now(),  # just signed in: no step-up needed
    )
    assert delivery is not None and delivery.expires_at == clock.at + profile.codes.CODE_LIFETIME

    clock.advance(minutes=9, seconds=59)
    pending = await profile.pending_contact_change(member_id=member.id, now=runtime.now())
    assert pending is not None and pending.destination == "+966" + mobile[1:]

    clock.advance(seconds=1)
    assert await profile.pending_contact_change(member_id=member.id, now=runtime.now()) is None
