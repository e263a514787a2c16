"""Domain tests call the rules directly, with a Runtime whose clock the test moves."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from models import AccountStatus, Language, Member, NotificationChannel, OutboundMessage, Residency
from resolvers.platform.runtime import Runtime
from resolvers.platform.settings import Settings
from tests.conftest import _empty_tables
from tests.support import CODE_PATTERN, new_mobile, new_national_id


@dataclass
class FakeClock:
    """Stands still until the test moves it."""

    at: dt.datetime = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.at

    def advance(self, **delta: float) -> dt.datetime:
        self.at += dt.timedelta(**delta)
        return self.at


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def runtime(settings: Settings, database_url: str, clock: FakeClock) -> AsyncIterator[Runtime]:
    await _empty_tables(database_url)
    runtime = Runtime.from_settings(settings)
    runtime.clock = clock
    yield runtime
    await runtime.outbox.aclose()


async def active_member(**fields: object) -> Member:
    """A member as activation leaves one, written directly: no sign-up flow needed."""
    national_id = new_national_id()
    mobile = new_mobile()
    values: dict[str, object] = dict(
        national_id=national_id,
        residency=Residency.CITIZEN,
        full_name="Sara Abdullah Alharbi",
        date_of_birth=dt.date(1988, 4, 12),
        mobile="+966" + mobile[1:],
        preferred_channel=NotificationChannel.SMS,
        preferred_language=Language.EN,
        password_hash="not-a-real-hash",
        status=AccountStatus.ACTIVE,
    )
    values.update(fields)
    return await Member.create(**values)


async def last_code_sent_to(runtime: Runtime, destination: str) -> str:
    """The code in the newest message queued for `destination`, opened as the outbox would."""
    message = await OutboundMessage.filter(destination=destination).order_by("-next_attempt_at").first()
    assert message is not None and message.body_encrypted is not None
    body = runtime.keyring.open(message.body_encrypted)
    assert body is not None
    (code,) = CODE_PATTERN.findall(body)
    return code
