"""`uvicorn services.privacy.main:app`"""

from . import api, exports, handlers, housekeeping, registers, selfservice  # noqa: F401
from .bootstrap import service


@service.on_start
async def prepare() -> None:
    await registers.seed_statements(service.pool)
    await exports.ensure_export_bucket()


service.background(housekeeping.loop)  # deadlines, re-sends, expired exports


app = service.create_app(
    [api.router, api.internal, selfservice.router, registers.router, registers.public]
)
