"""A tiny SMTP sink for local runs and tests: every message becomes one .eml file.

Run as ``python -m devstack.smtp_sink --host 127.0.0.1 --port 8025 --dir .local/mail``.
Files are written under a hidden temporary name and renamed into place, so a reader that
lists ``*.eml`` never sees half a message.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import time
import uuid
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session


class MailDirHandler:
    """aiosmtpd handler that stores each accepted message as ``<timestamp>-<uuid>.eml``."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        # original_content is the message exactly as received (content may be decoded).
        raw = envelope.original_content
        if raw is None:
            content = envelope.content or b""
            raw = content.encode() if isinstance(content, str) else content
        # The envelope is not part of the message (Bcc recipients only live there), so keep
        # it as leading headers: tests can then assert who a message was really sent to.
        prefix = (
            f"X-Envelope-From: {envelope.mail_from}\r\n"
            f"X-Envelope-To: {', '.join(envelope.rcpt_tos)}\r\n"
        ).encode()
        self.write(prefix + raw)
        return "250 Message accepted for delivery"

    def write(self, data: bytes) -> Path:
        now = time.time()
        stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(now)) + f"{int(now % 1 * 1e6):06d}Z"
        name = f"{stamp}-{uuid.uuid4().hex}.eml"
        tmp = self.directory / f".{name}.tmp"
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        final = self.directory / name
        os.replace(tmp, final)
        return final


async def serve(host: str, port: int, directory: Path) -> None:
    handler = MailDirHandler(directory)
    loop = asyncio.get_running_loop()

    # hostname is given explicitly: aiosmtpd would otherwise call getfqdn(), which can
    # stall for seconds on a machine without DNS.
    def factory() -> SMTP:
        return SMTP(handler, hostname="localhost", ident="devstack smtp sink")

    server = await loop.create_server(factory, host=host, port=port)
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    print(f"smtp sink listening on {host}:{port}, writing to {directory}", flush=True)
    await stop.wait()
    server.close()
    await server.wait_closed()
    print("smtp sink stopped", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="SMTP sink writing .eml files")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument("--dir", type=Path, required=True)
    args: Any = parser.parse_args(argv)
    asyncio.run(serve(args.host, args.port, args.dir))


if __name__ == "__main__":
    main()
