"""`uvicorn services.gateway.main:app`"""

from pathlib import Path

from fastapi.staticfiles import StaticFiles

from services.common.errors import BodyLimit

from . import (  # noqa: F401  (consumers register on import)
    access,
    api,
    handlers,
    pages,
    pages_admin,
    pages_crm,
    pages_officer,
    pages_profile,
    watchdog,
)
from .bootstrap import service, settings
from .domain import UPLOAD_PATHS

app = service.create_app(
    # pages_officer before pages: its /requests/{id}/extend etc. win over /requests/{id}/{what}
    [
        api.router,
        pages_crm.router,
        pages_admin.router,
        pages_officer.router,
        pages.router,
        pages_profile.router,
    ],
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
