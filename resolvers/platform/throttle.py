"""Rate limits on top of the `limits` library: in process, or in Redis when REDIS_URL is set.

When Redis does not answer, the limits fall back to this process's memory, at a stricter
rate (several processes each keep their own count while Redis is away), and go back to
Redis by themselves once it answers again.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import structlog
from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError
from limits.storage import storage_from_string

from resolvers.platform import metrics
from resolvers.platform.errors import DomainError

LOGIN_FAILURES_PER_ID = parse("5 per 15 minutes")
LOGIN_FAILURES_PER_IP = parse("100 per hour")
REGISTRATIONS_PER_IP = parse("30 per hour")
# How often one address may be told that an ID is already registered (README: why at all).
REGISTERED_ANSWERS_PER_IP = parse("5 per hour")
RESET_REQUESTS_PER_ID = parse("1 per minute")
RESET_REQUESTS_PER_ID_HOURLY = parse("5 per hour")
# Each reset for a real ID sends an SMS, which costs money and bothers its owner: one address
# asks for as many as a family might need, not for a list of IDs.
RESET_REQUESTS_PER_IP = parse("10 per hour")
# An unknown or active ID asking for an activation code is held to a pending account's own
# code limits (codes.RESEND_INTERVAL, codes.CODES_PER_HOUR), so the answers match.
RESENDS_PER_ID = parse("1 per minute")
RESENDS_PER_ID_HOURLY = parse("5 per hour")

# While Redis is away each process counts alone: half the limit each keeps two processes
# within it, and an attacker who takes Redis down gains nothing on a single one.
FALLBACK_SHARE = 0.5
REDIS_TIMEOUT_SECONDS = 0.5
RETRY_REDIS_SECONDS = 1.0
WARN_EVERY_SECONDS = 60.0

log = structlog.stdlib.get_logger("gosi.throttle")
T = TypeVar("T")


def stricter(rule: RateLimitItem) -> RateLimitItem:
    amount = max(1, int(rule.amount * FALLBACK_SHARE))
    return type(rule)(amount, rule.multiples, rule.namespace)


class Throttle:
    def __init__(
        self,
        redis_url: str | None = None,
        *,
        timeout: float = REDIS_TIMEOUT_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._local = MovingWindowRateLimiter(MemoryStorage())
        self._shared_storage: Storage | None = None
        self._shared: MovingWindowRateLimiter | None = None
        if redis_url:
            storage = storage_from_string(
                _async_redis_url(redis_url), key_prefix="gosi", wrap_exceptions=True
            )
            assert isinstance(storage, Storage)  # an async+ URL names an asyncio storage
            self._shared_storage = storage
            self._shared = MovingWindowRateLimiter(storage)
        self._timeout = timeout
        self._clock = clock
        self._down_since: float | None = None
        self._retry_at = 0.0
        self._warned_at: float | None = None

    @property
    def shared(self) -> bool:
        """Redis is configured."""
        return self._shared is not None

    @property
    def redis_down(self) -> bool:
        return self._down_since is not None

    async def allows(self, rule: RateLimitItem, key: str) -> bool:
        allowed = await self._run(lambda limiter, item: limiter.test(item, key), rule)
        if not allowed:
            metrics.RATE_LIMIT_REFUSALS.labels(rule=_rule_name(key)).inc()
        return allowed

    async def hit(self, rule: RateLimitItem, key: str) -> bool:
        """Counts one event; False when the rule was already exhausted."""
        allowed = await self._run(lambda limiter, item: limiter.hit(item, key), rule)
        if not allowed:
            metrics.RATE_LIMIT_REFUSALS.labels(rule=_rule_name(key)).inc()
        return allowed

    async def retry_after(self, rule: RateLimitItem, key: str) -> int:
        """Whole seconds until `rule` lets `key` through again; 0 when it does now."""
        stats = await self._run(lambda limiter, item: limiter.get_window_stats(item, key), rule)
        return 0 if stats.remaining else max(0, math.ceil(stats.reset_time - time.time()))

    async def refused(self, *limits: tuple[RateLimitItem, str]) -> DomainError:
        """RATE_LIMITED with the wait until every exhausted one of `limits` allows again."""
        exhausted = [limit for limit in limits if await self.remaining(*limit) == 0] or limits
        return DomainError.rate_limited(max([await self.retry_after(*limit) for limit in exhausted]))

    async def remaining(self, rule: RateLimitItem, key: str) -> int:
        """Events `rule` still allows `key` in its window."""
        stats = await self._run(lambda limiter, item: limiter.get_window_stats(item, key), rule)
        return max(0, stats.remaining)

    async def clear(self, rule: RateLimitItem, key: str) -> None:
        await self._run(lambda limiter, item: limiter.clear(item, key), rule)

    async def check(self) -> bool:
        """Redis answers (True without Redis); for /readyz."""
        if self._shared_storage is None:
            return True
        try:
            async with asyncio.timeout(self._timeout):
                healthy = await self._shared_storage.check()
        except (StorageError, TimeoutError, OSError):
            healthy = False
        if healthy:
            self._up()
        else:
            self._down(None)
        return healthy

    async def _run(
        self,
        operation: Callable[[MovingWindowRateLimiter, RateLimitItem], Awaitable[T]],
        rule: RateLimitItem,
    ) -> T:
        if self._shared is not None and (self._down_since is None or self._clock() >= self._retry_at):
            # One request at a time tries Redis again; the others keep to memory meanwhile.
            self._retry_at = self._clock() + RETRY_REDIS_SECONDS
            try:
                async with asyncio.timeout(self._timeout):
                    result = await operation(self._shared, rule)
            except (StorageError, TimeoutError, OSError) as exc:
                self._down(exc)
            else:
                self._up()
                return result
        if self._shared is None:
            return await operation(self._local, rule)
        return await operation(self._local, stricter(rule))

    def _down(self, exc: BaseException | None) -> None:
        now = self._clock()
        if self._down_since is None:
            self._down_since = now
            metrics.REDIS_UP.set(0)
        self._retry_at = now + RETRY_REDIS_SECONDS
        if self._warned_at is None or now - self._warned_at >= WARN_EVERY_SECONDS:
            self._warned_at = now
            reason = f"{type(exc).__name__}: {exc}" if exc is not None else "no answer to PING"
            # Rate limits are kept in this process, at FALLBACK_SHARE of their rate, until
            # Redis answers again.
            log.warning("redis_down", reason=reason[:200], fallback_share=FALLBACK_SHARE,
                        down_for_seconds=round(now - self._down_since))

    def _up(self) -> None:
        if self._down_since is not None:
            log.warning("redis_back", down_for_seconds=round(self._clock() - self._down_since))
            self._down_since = None
            self._warned_at = None
        metrics.REDIS_UP.set(1)


def _rule_name(key: str) -> str:
    return key.split(":", 1)[0]


def _async_redis_url(url: str) -> str:
    return url if url.startswith("async+") else f"async+{url}"
