"""One shape for invalid input, in every service: 422 with the fields named, input not echoed."""

from collections.abc import Sequence
from typing import Any

import asyncpg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse


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
