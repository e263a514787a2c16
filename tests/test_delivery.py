"""Delivery of codes and notices: development console, expiry, no silent loss."""

import asyncio
import dataclasses
import datetime as dt
import logging
from collections.abc import Iterable

from models import OutboundMessage
from schema.http.app import create_app
from tests.conftest import free_port
from tests.support import ACTIVATE, CODE_PATTERN, gql, new_mobile, new_person, register, serving


def events(records: Iterable[logging.LogRecord]) -> list[str]:
    """The events structlog logged (its records carry the event's fields as a dict)."""
    return [r.msg["event"] for r in records if isinstance(r.msg, dict)]


async def test_without_mail_or_sms_configured_development_writes_messages_to_the_log(
    settings, caplog
):
    console = dataclasses.replace(settings, app_env="development", smtp_host=None,
                                  sms_webhook_url=None)
    application = create_app(console, manage_database=False)
    with caplog.at_level(logging.INFO, logger="gosi.dev_mailbox"):
        async with serving(application, base_url="http://t") as client:
            person = new_person()
            assert (await register(client, person))["errors"] == []
            for _ in range(100):
                if any(r.name == "gosi.dev_mailbox" for r in caplog.records):
                    break
                await asyncio.sleep(0.02)
    logged = [r.msg for r in caplog.records if r.name == "gosi.dev_mailbox"]
    assert len(logged) == 1
    assert logged[0]["destination"] == person.e164 and CODE_PATTERN.search(logged[0]["body"])


async def test_a_message_that_cannot_be_delivered_before_it_expires_is_reported_not_dropped(
    settings, caplog
):
    down = dataclasses.replace(settings, smtp_port=free_port())
    application = create_app(down, manage_database=False)
    runtime = application.state.runtime
    with caplog.at_level(logging.WARNING, logger="gosi.delivery"):
        async with serving(application, base_url="http://t") as client:
            person = new_person()
            assert (await register(client, person, channel="EMAIL"))["errors"] == []
            for _ in range(200):
                if "message_retry" in events(caplog.records):
                    break
                await asyncio.sleep(0.02)
            later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=11)
            runtime.outbox.clock = lambda: later
            await runtime.outbox.deliver_due()

    message = await OutboundMessage.get(destination=person.email)
    assert message.delivered_at is None
    assert message.failed_at is not None and message.body_encrypted is None
    assert message.attempts >= 1 and "Connect" in (message.last_error or "")
    assert "message_retry" in events(caplog.records)
    assert "message_expired" in events(r for r in caplog.records if r.levelno == logging.ERROR)



UPDATE_PROFILE = """
mutation UpdateProfile($input: UpdateProfileInput!) {
  updateProfile(input: $input) { errors { field code } }
}
"""


async def test_codes_and_notices_arrive_at_once_not_at_the_next_poll_of_the_outbox(
    settings, inbox
):
    application = create_app(settings, manage_database=False)
    # A poll far longer than the waits below: only a wake-up after commit delivers in time.
    application.state.runtime.outbox.poll_seconds = 30.0
    async with serving(application, base_url="http://t") as client:
        person = new_person()
        assert (await register(client, person))["errors"] == []
        code = await inbox.code_for(person.e164, timeout=5.0)
        activated = await gql(client, ACTIVATE, {"input": {
            "nationalId": person.national_id, "code": code, "confirmDetails": True}})
        token = activated["data"]["activate"]["session"]["accessToken"]
        # One transaction sends a code to the new mobile, then notices to the old one.
        mobile = new_mobile()
        changed = await gql(client, UPDATE_PROFILE, {"input": {
            "mobile": mobile, "iban": "SA0380000000608010167519"}}, token=token)
        assert changed["data"]["updateProfile"]["errors"] == []
        assert await inbox.code_for("+966" + mobile[1:], timeout=5.0)
        assert len(await inbox.wait_for(person.e164, count=3, timeout=5.0)) == 3
