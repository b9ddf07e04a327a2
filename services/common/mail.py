"""Sending mail through the configured SMTP server (the local sink, or the agency's relay)."""

import asyncio
import re
import smtplib
import ssl
import unicodedata
from email.message import EmailMessage

from .settings import Settings

MAX_NAME = 60


def safe_name(name: str | None) -> str:
    """A name as a mail may show it: letters, spaces, hyphens and apostrophes only, so what a
    registrant typed can add no header, no markup and no link a mail client would make
    clickable ("" when nothing is left)."""
    kept = "".join(
        ch if unicodedata.category(ch)[0] in "LM" or ch in "-'’" else " " if ch.isspace() else ""
        for ch in name or ""
    )
    return re.sub(r"\s+", " ", kept).strip()[:MAX_NAME].strip()


def _send(settings: Settings, message: EmailMessage) -> None:
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=15) as smtp:
        if settings.smtp_starttls:
            # The relay's certificate and name are verified; a relay without STARTTLS is an
            # error, never a fallback to plain text.
            context = ssl.create_default_context(cafile=settings.smtp_ca_file or None)
            smtp.starttls(context=context)
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password)
        smtp.send_message(message)


async def send_mail(
    settings: Settings, to: str, subject: str, body: str, message_id: str | None = None
) -> None:
    """Plain-text mail. Callers never log the address or the body. A caller that may send the
    same message twice gives it a stable `message_id`, so the repeat can be recognised."""
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = to
    message["Subject"] = subject
    if message_id:
        message["Message-ID"] = message_id
    message.set_content(body)
    await asyncio.to_thread(_send, settings, message)
