"""`uvicorn services.intake.main:app`"""

import contextlib
from collections.abc import AsyncIterator

from fastapi import FastAPI, Request

from . import api, handlers, staging, workers  # noqa: F401  (handlers register on import)
from .bootstrap import service

service.on_start(lambda: staging.ensure(service.s3))
app = service.create_app([api.router, api.internal])
kit_lifespan = app.router.lifespan_context


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """The kit's lifespan (pool, broker, relay, consumers), plus intake's background work."""
    async with kit_lifespan(app), workers.running(service):
        try:
            yield
        finally:
            await api.close_http()


app.router.lifespan_context = lifespan


@app.middleware("http")
async def limit_registration_size(request: Request, call_next):  # type: ignore[no-untyped-def]
    """Refuse an oversized registration before a byte of it is parsed or spooled to disk."""
    if request.method == "POST" and request.url.path == "/api/intake/registrations":
        length = request.headers.get("content-length", "")
        if not length.isdigit():
            return api.problem(411, "request", "the request must state its length")
        if int(length) > api.MAX_REQUEST_BYTES:
            return api.problem(
                413, "request", "the registration is too large (files: CV 10 MB, photo 5 MB)"
            )
    return await call_next(request)
