"""argon2id hashing, off the event loop and behind a semaphore bounding memory use."""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from resolvers import metrics


class Passwords:
    def __init__(
        self, *, memory_kib: int, time_cost: int, parallelism: int, concurrency: int
    ) -> None:
        self._hasher = PasswordHasher(
            time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism
        )
        # Each hash holds `memory_kib` for its duration; the semaphore caps the total.
        self._slots = asyncio.Semaphore(concurrency)
        self._dummy_hash: str | None = None

    async def hash(self, password: str) -> str:
        with metrics.timed(metrics.HASHING_WAIT):
            await self._slots.acquire()
        try:
            return await asyncio.to_thread(self._hasher.hash, password)
        finally:
            self._slots.release()

    async def verify(self, stored_hash: str | None, password: str) -> bool:
        """Constant work whether or not there is a stored hash (`None`: unknown account)."""
        if stored_hash is None:
            stored_hash = await self._dummy()
            await self._verify(stored_hash, password)
            return False
        return await self._verify(stored_hash, password)

    def needs_rehash(self, stored_hash: str) -> bool:
        try:
            return self._hasher.check_needs_rehash(stored_hash)
        except InvalidHashError:
            return True

    async def _verify(self, stored_hash: str, password: str) -> bool:
        with metrics.timed(metrics.HASHING_WAIT):
            await self._slots.acquire()
        try:
            return await asyncio.to_thread(self._verify_sync, stored_hash, password)
        finally:
            self._slots.release()

    def _verify_sync(self, stored_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(stored_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    async def _dummy(self) -> str:
        if self._dummy_hash is None:
            self._dummy_hash = await self.hash("dummy password for unknown accounts")
        return self._dummy_hash
