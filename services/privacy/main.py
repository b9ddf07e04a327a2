"""`uvicorn services.privacy.main:app`"""

from . import api, handlers, housekeeping, registers, selfservice  # noqa: F401  (handlers register)
from .bootstrap import service


@service.on_start
async def prepare() -> None:
    await registers.seed_statements(service.pool)
    await housekeeping.start()


app = service.create_app(
    [api.router, api.internal, selfservice.router, registers.router, registers.public]
)
