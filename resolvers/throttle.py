"""Rate limits on top of the `limits` library: in process, or in Redis when REDIS_URL is set."""

from __future__ import annotations

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string

LOGIN_FAILURES_PER_ID = parse("5 per 15 minutes")
LOGIN_FAILURES_PER_IP = parse("100 per hour")
REGISTRATIONS_PER_IP = parse("30 per hour")
# How often one address may be told that an ID is already registered (README: why at all).
REGISTERED_ANSWERS_PER_IP = parse("5 per hour")
RESET_REQUESTS_PER_ID = parse("1 per minute")
RESET_REQUESTS_PER_ID_HOURLY = parse("5 per hour")


class Throttle:
    def __init__(self, redis_url: str | None = None) -> None:
        storage: Storage = (
            storage_from_string(_async_redis_url(redis_url), key_prefix="gosi")
            if redis_url
            else MemoryStorage()
        )
        self._limiter = MovingWindowRateLimiter(storage)

    async def allows(self, rule: RateLimitItem, key: str) -> bool:
        return await self._limiter.test(rule, key)

    async def hit(self, rule: RateLimitItem, key: str) -> bool:
        """Counts one event; False when the rule was already exhausted."""
        return await self._limiter.hit(rule, key)

    async def clear(self, rule: RateLimitItem, key: str) -> None:
        await self._limiter.clear(rule, key)


def _async_redis_url(url: str) -> str:
    return url if url.startswith("async+") else f"async+{url}"
