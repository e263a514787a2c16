"""Durable delivery of SMS and email: an outbox in the database and a worker that drains it.

A rule enqueues a message and returns at once; the worker sends it, retrying with
backoff while the mail server or SMS gateway is down, until the message is
delivered or expires. Bodies are encrypted at rest and wiped once sent.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
from collections.abc import Callable
from email.message import EmailMessage
from typing import Protocol

import aiosmtplib
import httpx
import structlog
from tortoise.expressions import F, Q

from models import NotificationChannel, OutboundMessage
from resolvers.platform import after_commit, metrics
from resolvers.platform.keys import Keyring
from resolvers.platform.settings import Settings

log = structlog.stdlib.get_logger("gosi.delivery")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Sender(Protocol):
    async def send(self, *, destination: str, subject: str, body: str) -> None: ...


class SmtpSender:
    def __init__(self, settings: Settings, timeout: float = 10.0) -> None:
        self._settings = settings
        self._timeout = timeout

    async def send(self, *, destination: str, subject: str, body: str) -> None:
        message = EmailMessage()
        message["From"] = self._settings.smtp_from
        message["To"] = destination
        message["Subject"] = subject
        message.set_content(body)
        await aiosmtplib.send(
            message,
            hostname=self._settings.smtp_host,
            port=self._settings.smtp_port,
            username=self._settings.smtp_username,
            password=self._settings.smtp_password,
            start_tls=self._settings.smtp_starttls,
            timeout=self._timeout,
        )


class SmsGatewaySender:
    def __init__(self, url: str, timeout: float = 10.0) -> None:
        self._url = url
        self._client = httpx.AsyncClient(timeout=timeout)

    async def send(self, *, destination: str, subject: str, body: str) -> None:
        response = await self._client.post(self._url, json={"to": destination, "message": body})
        response.raise_for_status()

    async def close(self) -> None:
        await self._client.aclose()


class ConsoleSender:
    """Development only (refused in production): the message goes to the log."""

    def __init__(self, channel: NotificationChannel) -> None:
        self._channel = channel
        self._log = structlog.stdlib.get_logger("gosi.dev_mailbox")

    async def send(self, *, destination: str, subject: str, body: str) -> None:
        self._log.warning(
            "development_delivery",
            channel=self._channel.value,
            destination=destination,
            unconfigured="SMTP_HOST" if self._channel is NotificationChannel.EMAIL else "SMS_WEBHOOK_URL",
            subject=subject,
            body=body,
        )


def senders_for(settings: Settings) -> dict[NotificationChannel, Sender]:
    timeout = settings.delivery_timeout_seconds
    email: Sender = (
        SmtpSender(settings, timeout) if settings.smtp_host
        else ConsoleSender(NotificationChannel.EMAIL)
    )
    sms: Sender = (
        SmsGatewaySender(settings.sms_webhook_url, timeout)
        if settings.sms_webhook_url
        else ConsoleSender(NotificationChannel.SMS)
    )
    return {NotificationChannel.EMAIL: email, NotificationChannel.SMS: sms}


async def pending_messages(now: dt.datetime) -> tuple[int, float]:
    """How many messages wait to be delivered, and the age in seconds of the oldest."""
    waiting = OutboundMessage.filter(delivered_at__isnull=True, failed_at__isnull=True)
    depth = await waiting.count()
    oldest = await waiting.order_by("created_at").first()
    if oldest is None:
        return depth, 0.0
    return depth, max(0.0, (now - oldest.created_at).total_seconds())


class Outbox:
    def __init__(
        self,
        *,
        keyring: Keyring,
        senders: dict[NotificationChannel, Sender],
        clock: Callable[[], dt.datetime] = utcnow,
        retry_base_seconds: float = 1.0,
        retry_cap_seconds: float = 60.0,
        poll_seconds: float = 1.0,
        lease_seconds: float = 60.0,
        batch_size: int = 20,
    ) -> None:
        self._keyring = keyring
        self._senders = senders
        self.clock = clock
        self._retry_base = retry_base_seconds
        self._retry_cap = retry_cap_seconds
        self.poll_seconds = poll_seconds
        self._lease = dt.timedelta(seconds=lease_seconds)
        self._batch_size = batch_size
        self._wake = asyncio.Event()
        self._stopping = False

    async def enqueue(
        self,
        *,
        channel: NotificationChannel,
        destination: str,
        subject: str,
        body: str,
        expires_at: dt.datetime | None = None,
    ) -> None:
        now = self.clock()
        await OutboundMessage.create(
            channel=channel,
            destination=destination,
            subject=subject,
            body_encrypted=self._keyring.seal(body),
            next_attempt_at=now,
            expires_at=expires_at or now + dt.timedelta(days=2),
        )
        # Inside the caller's transaction the row is not visible to the worker yet.
        after_commit.defer(self._wake.set)

    async def aclose(self) -> None:
        for sender in self._senders.values():
            if isinstance(sender, SmsGatewaySender):
                await sender.close()

    def stop(self) -> None:
        """Shutting down: claim nothing more; run() returns once the messages in hand are done."""
        self._stopping = True
        self._wake.set()

    async def run(self) -> None:
        """The worker: drains due messages until stopped or cancelled, surviving database outages."""
        while not self._stopping:
            # Cleared before the pass, not after: a wake-up that arrives during it starts another.
            self._wake.clear()
            try:
                sent = await self.deliver_due()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox_pass_failed")
                sent = 0
            if sent or self._stopping:
                continue
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=self.poll_seconds)
            except TimeoutError:
                pass

    async def deliver_due(self) -> int:
        now = self.clock()
        await self._expire(now)
        due = (
            await OutboundMessage.filter(
                Q(lease_until__isnull=True) | Q(lease_until__lt=now),
                delivered_at__isnull=True,
                failed_at__isnull=True,
                next_attempt_at__lte=now,
            )
            .order_by("next_attempt_at")
            .limit(self._batch_size)
        )
        claimed = [
            message for message in due if not self._stopping and await self._claim(message, now)
        ]
        await asyncio.gather(*(self._attempt(message) for message in claimed))
        return len(claimed)

    async def _claim(self, message: OutboundMessage, now: dt.datetime) -> bool:
        """Several server processes share one outbox: the lease makes one of them the sender."""
        updated = await OutboundMessage.filter(
            Q(lease_until__isnull=True) | Q(lease_until__lt=now),
            id=message.id,
            delivered_at__isnull=True,
        ).update(lease_until=now + self._lease, attempts=F("attempts") + 1)
        message.attempts += 1
        return updated == 1

    async def _attempt(self, message: OutboundMessage) -> None:
        body = self._keyring.open(message.body_encrypted or "")
        if body is None:
            await self._give_up(message, "body cannot be decrypted (SECRET_KEY changed?)")
            return
        sender = self._senders[NotificationChannel(message.channel)]
        try:
            await sender.send(destination=message.destination, subject=message.subject, body=body)
        except Exception as exc:  # any failure of the far side is retried
            metrics.DELIVERY_FAILURES.labels(channel=NotificationChannel(message.channel).value).inc()
            await self._retry_later(message, exc)
            return
        metrics.DELIVERIES.labels(channel=NotificationChannel(message.channel).value).inc()
        await OutboundMessage.filter(id=message.id).update(
            delivered_at=self.clock(), body_encrypted=None, lease_until=None, last_error=None
        )
        log.info("message_delivered", message_id=str(message.id), channel=message.channel,
                 attempts=message.attempts)

    async def _retry_later(self, message: OutboundMessage, exc: Exception) -> None:
        delay = min(self._retry_cap, self._retry_base * 2 ** (message.attempts - 1))
        delay *= random.uniform(0.8, 1.2)
        error = f"{type(exc).__name__}: {exc}"[:500] if str(exc) else type(exc).__name__
        await OutboundMessage.filter(id=message.id).update(
            next_attempt_at=self.clock() + dt.timedelta(seconds=delay),
            lease_until=None,
            last_error=error,
        )
        log.warning("message_retry", message_id=str(message.id), channel=message.channel,
                    attempts=message.attempts, retry_in_seconds=round(delay, 1), error=error)

    async def _expire(self, now: dt.datetime) -> None:
        expired = await OutboundMessage.filter(
            delivered_at__isnull=True, failed_at__isnull=True, expires_at__lte=now
        ).values_list("id", flat=True)
        for message_id in expired:
            await OutboundMessage.filter(id=message_id).update(failed_at=now, body_encrypted=None)
            log.error("message_expired", message_id=str(message_id))

    async def _give_up(self, message: OutboundMessage, reason: str) -> None:
        await OutboundMessage.filter(id=message.id).update(
            failed_at=self.clock(), body_encrypted=None, last_error=reason
        )
        log.error("message_dropped", message_id=str(message.id), reason=reason)
