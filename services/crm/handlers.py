"""crm event handlers: erasure."""

import asyncpg

from services.common import erasure
from services.common.envelope import Envelope
from services.common.topics import PRIVACY_ERASURE

from .bootstrap import service


@service.consumer(PRIVACY_ERASURE, after_erasure=True)
async def erase(event: Envelope, conn: asyncpg.Connection) -> None:
    await erasure.complete(conn, "crm", event, {})
