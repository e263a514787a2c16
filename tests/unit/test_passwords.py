"""Password hashing: never more hashes at once than HASHING_CONCURRENCY (each holds its
memory), and the next one starts as soon as one ends, even while the event loop is busy."""

from __future__ import annotations

import asyncio
import threading
import time

from resolvers.platform.passwords import Passwords

HASH_SECONDS = 0.05


class SlowHasher:
    """Stands in for argon2's verify: takes a while, and counts how many run at once."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running = 0
        self.most = 0
        self.ended: list[float] = []

    def verify(self, stored_hash: str, password: str) -> bool:
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
        time.sleep(HASH_SECONDS)
        with self.lock:
            self.running -= 1
            self.ended.append(time.perf_counter())
        return stored_hash == password


def passwords(concurrency: int) -> tuple[Passwords, SlowHasher]:
    hashing = Passwords(memory_kib=8, time_cost=1, parallelism=1, concurrency=concurrency)
    slow = SlowHasher()
    hashing._hasher = slow  # type: ignore[assignment]
    return hashing, slow


async def test_no_more_hashes_run_at_once_than_the_concurrency_allows():
    hashing, slow = passwords(concurrency=2)
    answers = await asyncio.gather(*(hashing.verify("right", guess)
                                     for guess in ("right", "wrong") * 4))
    assert answers == [True, False] * 4
    assert slow.most == 2


async def test_the_next_hash_starts_while_the_event_loop_is_busy():
    hashing, slow = passwords(concurrency=1)
    queued = [asyncio.ensure_future(hashing.verify("right", "right")) for _ in range(3)]
    await asyncio.sleep(0)  # each verify hands its hash to the pool
    started = time.perf_counter()
    time.sleep(4 * HASH_SECONDS)  # the loop busy with something else meanwhile
    assert await asyncio.gather(*queued) == [True, True, True]
    # All three ran back to back during the busy spell: none waited for the loop.
    assert len(slow.ended) == 3
    assert slow.ended[-1] - started < 4 * HASH_SECONDS
