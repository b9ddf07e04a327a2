"""Privacy's event handlers: collect the erasure acknowledgements of every service."""

import json

import asyncpg

from services.common.envelope import Envelope
from services.common.topics import PRIVACY_ERASURE_DONE

from . import store
from .bootstrap import service


@service.consumer(PRIVACY_ERASURE_DONE, after_erasure=True)
async def erasure_acknowledged(event: Envelope, conn: asyncpg.Connection) -> None:
    request_id = event.data["request_id"]
    await store.mark_done(
        conn, request_id, event.data["service"], json.dumps(event.data.get("deleted", {}))
    )
    if await store.pending_count(conn, request_id) == 0:
        request = await store.get_request(conn, request_id)
        if request and request["status"] == "in_progress":
            await store.set_status(conn, request_id, "complete", "service:privacy")
