"""argon2id hashing, off the event loop, on a bounded pool of threads (each hash holds its
memory for its duration: the pool's size caps the total)."""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from resolvers.platform import metrics

T = TypeVar("T")


@functools.cache
def _hashing_pool(workers: int) -> ThreadPoolExecutor:
    """One per process. A worker takes the next hash the moment one ends; a semaphore
    released on the event loop left the hashing core idle whenever the loop was busy
    (logins fell to 0.67 of the raw hashing rate under load)."""
    return ThreadPoolExecutor(max_workers=workers, thread_name_prefix="argon2")


class Passwords:
    def __init__(
        self, *, memory_kib: int, time_cost: int, parallelism: int, concurrency: int
    ) -> None:
        self._hasher = PasswordHasher(
            time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism
        )
        self._pool = _hashing_pool(concurrency)
        self._dummy_hash: str | None = None

    async def hash(self, password: str) -> str:
        return await self._hashed(self._hasher.hash, password)

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
        return await self._hashed(self._verify_sync, stored_hash, password)

    async def _hashed(self, work: Callable[..., T], *args: str) -> T:
        queued = time.perf_counter()

        def started() -> T:
            metrics.HASHING_WAIT.observe(time.perf_counter() - queued)
            return work(*args)

        return await asyncio.get_running_loop().run_in_executor(self._pool, started)

    def _verify_sync(self, stored_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(stored_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    async def _dummy(self) -> str:
        if self._dummy_hash is None:
            self._dummy_hash = await self.hash("dummy password for unknown accounts")
        return self._dummy_hash
