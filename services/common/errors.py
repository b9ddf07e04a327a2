"""One shape for invalid input, in every service: 422 with the fields named, input not echoed."""

from collections.abc import Sequence
from typing import Any

import asyncpg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send


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
    """Refuses a body above `max_bytes` with 413: at once when its declared length says so,
    else the moment the bytes streamed in cross the limit (chunked bodies declare nothing).
    Whatever the app was doing with the body stops at the limit, and the server discards the
    rest as it arrives (the connection stays usable: closing it with unread data would reset
    it, and the sender would never see the 413): a huge upload costs neither memory nor disk.
    Plain ASGI, so the requests it lets through pay next to nothing for it.

    `paths` limits it to those paths and `skip` exempts some (an entry ending in "/" is a
    prefix), so an upload route can have a larger limit than the rest of the service."""

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        message: str,
        field: str = "request",
        paths: tuple[str, ...] = (),
        skip: tuple[str, ...] = (),
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.message = message
        self.field = field
        self.paths = paths
        self.skip = skip

    def applies(self, path: str) -> bool:
        return (not self.paths or _matches(path, self.paths)) and not _matches(path, self.skip)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.applies(scope["path"]):
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_bytes):
            await self.refuse(scope, receive, send)
            return
        seen = 0
        started = refused = False

        async def counted() -> Message:
            nonlocal seen, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    refused = True
                    if not started:
                        await self.refuse(scope, receive, send)
                    # To the app the sender has gone: it stops reading and its answer is
                    # dropped (ours is out already).
                    return {"type": "http.disconnect"}
            return message

        async def guarded(message: Message) -> None:
            nonlocal started
            if refused:
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, guarded)
        except Exception:
            if not refused:
                raise
            # The app tripped over the body we cut off (a client disconnect, a parse error):
            # the request has been answered already.

    async def refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = JSONResponse(
            {"detail": self.message, "errors": [{"field": self.field, "message": self.message}]},
            status_code=413,
        )
        await response(scope, receive, send)


def _matches(path: str, entries: tuple[str, ...]) -> bool:
    return any(path.startswith(e) if e.endswith("/") else path == e for e in entries)
