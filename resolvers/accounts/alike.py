"""Answers that look the same whether or not an ID is registered: the delivery shown for an
unknown ID is shaped like a real one, and made with the same work."""

from __future__ import annotations

from models import Member, NotificationChannel
from resolvers.platform.runtime import Runtime
from resolvers.security import codes
from resolvers.security.codes import CodeDelivery

LETTERS = "abcdefghijklmnopqrstuvwxyz"
# Until members have email addresses of their own to borrow a domain from.
COMMON_DOMAINS = ("gmail.com", "hotmail.com", "outlook.com", "yahoo.com", "icloud.com")


def delivery_to(runtime: Runtime, channel: NotificationChannel, destination: str) -> CodeDelivery:
    """What the answer shows for a code sent now to `destination`."""
    now = runtime.now()
    return CodeDelivery(
        channel=channel,
        destination=codes.mask_destination(channel, destination),
        expires_at=now + codes.CODE_LIFETIME,
        resend_available_at=now + codes.RESEND_INTERVAL,
    )


async def placeholder(runtime: Runtime, national_id: str, channel: NotificationChannel) -> CodeDelivery:
    """A delivery to nobody, stable per ID: a Saudi mobile, or an address at a domain that
    members really use (one member's, picked by the ID), so its shape tells nothing."""
    seed = runtime.keyring.digest(f"placeholder:{national_id}")
    if channel is NotificationChannel.SMS:
        return delivery_to(runtime, channel, f"+9665{int(seed[:8], 16) % 10**8:08d}")
    domain = await _member_domain(int(seed[10:18], 16)) or COMMON_DOMAINS[
        int(seed[9], 16) % len(COMMON_DOMAINS)]
    return delivery_to(runtime, channel, f"{LETTERS[int(seed[:2], 16) % 26]}@{domain}")


async def _member_domain(pick: int) -> str | None:
    with_email = Member.filter(email__isnull=False)
    count = await with_email.count()
    if not count:
        return None
    emails = await with_email.order_by("id").offset(pick % count).limit(1).values_list(
        "email", flat=True)
    return str(emails[0]).rpartition("@")[2] or None if emails else None
