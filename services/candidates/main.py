"""`uvicorn services.candidates.main:app`"""

from fastapi import Request
from fastapi.responses import JSONResponse

from . import api, handlers, retention  # noqa: F401  (handlers register their consumers)
from .bootstrap import service

MAX_BODY = 1_000_000  # bytes; no candidate request comes near it

service.background(retention.loop)  # consent renewal requests, lapsed profiles to privacy

app = service.create_app([api.public, api.officers, api.router, api.internal])


@app.middleware("http")
async def limit_body(request: Request, call_next):  # type: ignore[no-untyped-def]
    """Refuse oversized bodies before they are read, so a huge request cannot exhaust memory."""
    length = request.headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
        return JSONResponse({"detail": "the request body is too large"}, status_code=413)
    return await call_next(request)
