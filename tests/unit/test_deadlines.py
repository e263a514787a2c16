"""An operation past its time limit is cancelled where it waits and answered as a timeout;
one in time is not touched; a cancellation from elsewhere stays a cancellation."""

from __future__ import annotations

import asyncio
import time

import pytest

from schema.http.deadlines import Deadlines


async def test_an_operation_past_its_limit_ends_in_a_timeout_within_a_tick():
    deadlines = Deadlines(0.05)
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        await deadlines.run(asyncio.sleep(10))
    assert 0.05 <= time.monotonic() - started < 0.05 + deadlines.tick + 0.05
    # Nothing of the cancellation is left for what the request does next.
    assert asyncio.current_task().cancelling() == 0  # type: ignore[union-attr]
    await asyncio.sleep(0.01)


async def test_operations_in_time_are_answered_and_each_keeps_its_own_limit():
    deadlines = Deadlines(0.2)

    async def answer(delay: float, value: str) -> str:
        await asyncio.sleep(delay)
        return value

    results = await asyncio.gather(
        deadlines.run(answer(0.01, "quick")),
        deadlines.run(answer(0.1, "in time")),
        deadlines.run(answer(5, "too late")),
        return_exceptions=True,
    )
    assert results[:2] == ["quick", "in time"]
    assert isinstance(results[2], TimeoutError)


async def test_a_cancellation_from_elsewhere_stays_a_cancellation():
    deadlines = Deadlines(10)
    task = asyncio.create_task(deadlines.run(asyncio.sleep(10)))
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_the_ticker_stops_when_nothing_runs_and_starts_again():
    deadlines = Deadlines(0.05)
    assert await deadlines.run(asyncio.sleep(0, "first")) == "first"
    await asyncio.sleep(deadlines.tick * 3)
    ticker = deadlines._tickers[asyncio.get_running_loop()]
    assert ticker.done()
    with pytest.raises(TimeoutError):
        await deadlines.run(asyncio.sleep(10))
