"""`uvicorn services.privacy.main:app`"""

from services.common.errors import BodyLimit

from . import (  # noqa: F401
    api,
    complaints,
    exports,
    handlers,
    housekeeping,
    registers,
    scanjobs,
    selfservice,
)
from .bootstrap import service, settings


@service.on_start
async def prepare() -> None:
    await registers.seed_statements(service.pool)
    await exports.ensure_export_bucket()


service.background(housekeeping.loop)  # deadlines, re-sends, expired exports
service.background(scanjobs.loop)  # verification scan jobs: alive, stale, stopped with us


MAX_BODY = 1_000_000  # bytes; requests, registers and statements are small

app = service.create_app(
    [
        api.router,
        api.internal,
        selfservice.router,
        registers.router,
        registers.public,
        complaints.router,
    ],
    **settings.api_docs,
)
app.add_middleware(BodyLimit, max_bytes=MAX_BODY, message="the request body is too large")
