"""Many callers asking another service for one item each, answered with one request.

A request goes out at once when none is on its way; items asked for meanwhile wait and go
together in the next one. A quiet service pays no delay; a busy one pays one round trip for
many items (the internal HTTP calls were a large share of the hand-off's CPU under load)."""

import asyncio
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
        future = self._waiting.get(item)
        if future is None:
            future = self._waiting[item] = asyncio.get_running_loop().create_future()
            if self._sender is None or self._sender.done():  # done: its loop was stopped
                self._sender = asyncio.create_task(self._send())
        # Shielded: one caller giving up must not cancel the answer for the others.
        return await asyncio.shield(future)

    async def _send(self) -> None:
        try:
            while self._waiting:
                items = list(self._waiting)[: self._max_batch]
                batch = {item: self._waiting.pop(item) for item in items}
                try:
                    found = await self._fetch_many(items)
                except asyncio.CancelledError:
                    for future in batch.values():
                        future.cancel()
                    raise
                except Exception as exc:  # every caller sees the failure, as its own call would
                    for future in batch.values():
                        if not future.done():
                            future.set_exception(exc)
                    continue
                for item, future in batch.items():
                    if not future.done():
                        future.set_result(found.get(item))
        finally:
            self._sender = None
