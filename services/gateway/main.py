"""`uvicorn services.gateway.main:app`"""

from pathlib import Path

from fastapi.staticfiles import StaticFiles

from services.common.errors import BodyLimit

from . import (  # noqa: F401  (consumers register on import)
    access,
    api,
    handlers,
    pages,
    pages_officer,
    watchdog,
)
from .bootstrap import service, settings
from .domain import UPLOAD_PATHS

app = service.create_app(
    # pages_officer first: its /requests/{id}/extend etc. come before pages' /requests/{id}/{what}
    [api.router, pages_officer.router, pages.router],
    docs_url=None,
    redoc_url=None,
    openapi_url=None,
)
app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
access.install(app, settings)
# Outermost, so an oversized body is refused before the guard or a route reads a byte of it.
app.add_middleware(
    BodyLimit,
    max_bytes=settings.max_upload_bytes,
    message=f"the request is too large (at most {settings.max_upload_bytes // 2**20} MB)",
    paths=UPLOAD_PATHS,
)
app.add_middleware(
    BodyLimit,
    max_bytes=settings.max_body_bytes,
    message="the request is too large",
    skip=UPLOAD_PATHS,
)
