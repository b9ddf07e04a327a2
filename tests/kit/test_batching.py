"""The Batcher: callers asking at the same moment share one request, each gets its own answer,
and nobody is left waiting for ever, whatever the request does."""

import asyncio

import pytest

from services.common.batching import Batcher


async def test_callers_at_the_same_moment_share_one_request_and_get_their_own_answers():
    calls: list[list[int]] = []

    async def squares(items: list[int]) -> dict[int, int]:
        calls.append(items)
        await asyncio.sleep(0.01)
        return {i: i * i for i in items if i != 7}

    batcher = Batcher[int, int](squares)
    answers = await asyncio.gather(*(batcher.get(i) for i in range(10)))
    assert answers == [0, 1, 4, 9, 16, 25, 36, None, 64, 81]  # 7: not found
    assert len(calls) <= 2 and sorted(i for c in calls for i in c) == list(range(10))


async def test_a_failing_or_malformed_answer_reaches_every_caller():
    async def broken(items: list[int]) -> dict[int, int]:
        raise ConnectionError("down")

    async def malformed(items: list[int]) -> dict[int, int]:
        return None  # type: ignore[return-value]

    for fetch in (broken, malformed):
        batcher = Batcher[int, int](fetch)
        results = await asyncio.wait_for(
            asyncio.gather(*(batcher.get(i) for i in range(3)), return_exceptions=True), 5
        )
        assert all(isinstance(r, Exception) for r in results), results


async def test_callers_are_released_when_the_request_is_cancelled():
    started = asyncio.Event()

    async def never(items: list[int]) -> dict[int, int]:
        started.set()
        await asyncio.sleep(3600)
        return {}

    batcher = Batcher[int, int](never)
    first = asyncio.create_task(batcher.get(1))
    await started.wait()
    second = asyncio.create_task(batcher.get(2))  # queued behind the request on its way
    await asyncio.sleep(0)
    batcher._sender.cancel()  # what a shutdown does to the sending task
    for caller in (first, second):
        with pytest.raises(asyncio.CancelledError):
            await asyncio.wait_for(caller, 5)
