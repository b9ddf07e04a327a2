"""`uvicorn services.gateway.main:app`"""

from pathlib import Path

from fastapi.staticfiles import StaticFiles

from . import access, api, handlers, pages, watchdog  # noqa: F401  (consumers register on import)
from .bootstrap import service, settings

app = service.create_app(
    [api.router, pages.router], docs_url=None, redoc_url=None, openapi_url=None
)
app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
access.install(app, settings)
