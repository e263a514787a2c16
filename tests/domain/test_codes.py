"""One-time codes under a moving clock: expiry, the resend interval, the hourly cap."""

from __future__ import annotations

import pytest

from models import NotificationChannel
from resolvers.accounts import registration
from resolvers.platform.errors import DomainError, ErrorCode
from resolvers.platform.runtime import Runtime
from tests.domain.conftest import FakeClock, last_code_sent_to
from tests.support import STRONG_PASSWORD, new_mobile, new_national_id


async def registered(runtime: Runtime) -> tuple[str, str]:
    """(national ID, E.164 mobile) of a member waiting for activation."""
    national_id, mobile = new_national_id(), new_mobile()
    await registration.register(
        runtime=runtime, national_id=national_id, full_name="Sara Abdullah Alharbi",
        date_of_birth=runtime.today().replace(year=1988), mobile=mobile, email=None,
        password=STRONG_PASSWORD, channel=NotificationChannel.SMS, preferred_language=None,
        client_ip="192.0.2.1",
    )
    return national_id, "+966" + mobile[1:]


async def activate(runtime: Runtime, national_id: str, code: str) -> None:
    await registration.activate(
        runtime=runtime, national_id=national_id, code=code, confirm_details=True, corrections=None
    )


def refused(error: pytest.ExceptionInfo[DomainError]) -> list[tuple[str | None, ErrorCode, str | None]]:
    return [(e.field, e.code, e.message) for e in error.value.errors]


@pytest.mark.parametrize(
    ("seconds_later", "expired"), [(0, False), (9 * 60 + 59, False), (10 * 60, True), (3600, True)]
)
async def test_an_activation_code_lives_ten_minutes(
    runtime: Runtime, clock: FakeClock, seconds_later: int, expired: bool
):
    national_id, mobile = await registered(runtime)
    code = await last_code_sent_to(runtime, mobile)
    clock.advance(seconds=seconds_later)
    if not expired:
        await activate(runtime, national_id, code)
        return
    with pytest.raises(DomainError) as error:
        await activate(runtime, national_id, code)
    assert refused(error) == [("code", ErrorCode.CODE_EXPIRED, None)]


async def test_a_new_code_waits_sixty_seconds_after_the_last(runtime: Runtime, clock: FakeClock):
    national_id, mobile = await registered(runtime)
    clock.advance(seconds=59)
    with pytest.raises(DomainError) as error:
        await registration.resend_activation_code(runtime=runtime, national_id=national_id, channel=None)
    assert refused(error) == [(None, ErrorCode.RATE_LIMITED, "resend_too_soon")]
    assert error.value.errors[0].params == {"seconds": 1}  # 59 s of 60 gone: one left

    clock.advance(seconds=1)
    delivery = await registration.resend_activation_code(
        runtime=runtime, national_id=national_id, channel=None
    )
    assert delivery.resend_available_at == clock.at + registration.codes.RESEND_INTERVAL
    # The new code voids the old one.
    code = await last_code_sent_to(runtime, mobile)
    await activate(runtime, national_id, code)


async def test_five_codes_an_hour_then_none_until_the_first_is_an_hour_old(
    runtime: Runtime, clock: FakeClock
):
    national_id, _ = await registered(runtime)
    for _ in range(4):
        clock.advance(seconds=61)
        await registration.resend_activation_code(runtime=runtime, national_id=national_id, channel=None)
    clock.advance(seconds=61)
    with pytest.raises(DomainError) as error:
        await registration.resend_activation_code(runtime=runtime, national_id=national_id, channel=None)
    assert refused(error) == [(None, ErrorCode.RATE_LIMITED, "codes_per_hour")]

    # The first code was sent 5 x 61 s ago: one hour after it, a code may go again.
    clock.advance(seconds=3600 - 5 * 61 + 1)
    await registration.resend_activation_code(runtime=runtime, national_id=national_id, channel=None)
