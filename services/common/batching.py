"""Many callers asking another service for one item each, answered with one request.

A request goes out at once when none is on its way; items asked for meanwhile wait and go
together in the next one. A quiet service pays no delay; a busy one pays one round trip for
many items (the internal HTTP calls were a large share of the hand-off's CPU under load)."""

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

MAX_ITEMS = 200  # per request: the batch routes refuse more
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Batcher(Generic[K, V]):
    def __init__(
        self, fetch_many: Callable[[list[K]], Awaitable[dict[K, V]]], max_batch: int = MAX_ITEMS
    ) -> None:
        self._fetch_many = fetch_many  # answers the items it found; the others are None
        self._max_batch = max_batch
        self._waiting: dict[K, asyncio.Future[V | None]] = {}
        self._sender: asyncio.Task[None] | None = None

    async def get(self, item: K) -> V | None:
        """The answer for `item` (None if not found); raises what the batch request raised."""
        loop = asyncio.get_running_loop()
        future = self._waiting.get(item)
        if future is None or future.get_loop() is not loop:  # another loop's: it is gone
            future = self._waiting[item] = loop.create_future()
        if self._sender is None or self._sender.done() or self._sender.get_loop() is not loop:
            self._sender = asyncio.create_task(self._send())
        # Shielded: one caller giving up must not cancel the answer for the others.
        return await asyncio.shield(future)

    async def _send(self) -> None:
        batch: dict[K, asyncio.Future[V | None]] = {}
        try:
            while self._waiting:
                items = list(self._waiting)[: self._max_batch]
                batch = {item: self._waiting.pop(item) for item in items}
                try:
                    found = await self._fetch_many(items)
                    answers = {item: found.get(item) for item in items}
                except Exception as exc:  # every caller sees the failure, as its own call would
                    for future in batch.values():
                        _settle(future.set_exception, exc)
                    continue
                for item, future in batch.items():
                    _settle(future.set_result, answers[item])
                batch = {}
        except BaseException:  # cancelled (shutdown): nobody may be left waiting for ever
            for future in (*batch.values(), *self._waiting.values()):
                _settle(future.cancel)
            self._waiting.clear()
            raise
        finally:
            self._sender = None


def _settle(action: Callable[..., object], *args: object) -> None:
    """Answer a future unless it is answered already or its loop has been closed."""
    with contextlib.suppress(asyncio.InvalidStateError, RuntimeError):
        action(*args)
