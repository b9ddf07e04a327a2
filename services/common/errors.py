"""One shape for invalid input, in every service: 422 with the fields named, input not echoed."""

from collections.abc import Sequence
from typing import Any

import asyncpg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send


def field_errors(errors: Sequence[Any], prefix: tuple[str, ...] = ()) -> list[dict[str, str]]:
    """pydantic errors as [{"field": "address.postcode", "message": "..."}]."""
    out = []
    for err in errors:
        where = list(err.get("loc", ()))
        if where and where[0] in ("body", "query", "path", "header", "cookie"):
            where = where[1:]  # the request part, not a field (a field may be named "query")
        loc = [str(p) for p in (*prefix, *where)]
        out.append({"field": ".".join(loc) or "request", "message": err.get("msg", "invalid")})
    return out


def invalid(errors: list[dict[str, str]], detail: str = "the request is not valid") -> JSONResponse:
    return JSONResponse({"detail": detail, "errors": errors}, status_code=422)


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def on_invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        return invalid(field_errors(exc.errors()))

    @app.exception_handler(asyncpg.DataError)
    async def on_unstorable(_: Request, exc: asyncpg.DataError) -> JSONResponse:
        # Input the schema let through but PostgreSQL refuses (a NUL character, a lone
        # surrogate, a number out of range): the transaction rolled back, nothing was stored.
        return invalid(
            [{"field": "request", "message": "a value cannot be stored: " + type(exc).__name__}],
            detail="the request holds a value that cannot be stored",
        )


class BodyLimit:
    """Refuses a body above `max_bytes` (413), or one sent without a declared length (411),
    before anything reads it: a huge upload costs neither memory nor disk. Plain ASGI, so the
    requests it lets through pay nothing for it. `paths` limits it to those exact paths."""

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        message: str,
        field: str = "request",
        paths: tuple[str, ...] = (),
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.message = message
        self.field = field
        self.paths = paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] in ("POST", "PUT", "PATCH")
            and (not self.paths or scope["path"] in self.paths)
        ):
            headers = dict(scope["headers"])
            length = headers.get(b"content-length")
            problem = None
            if length is None and headers.get(b"transfer-encoding"):
                problem = (411, "the request must state its length")
            elif length is not None and (not length.isdigit() or int(length) > self.max_bytes):
                problem = (413, self.message)
            if problem:
                response = JSONResponse(
                    {
                        "detail": problem[1],
                        "errors": [{"field": self.field, "message": problem[1]}],
                    },
                    status_code=problem[0],
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
