"""Sending mail through the configured SMTP server (the local sink, or the agency's relay)."""

import asyncio
import smtplib
from email.message import EmailMessage

from .settings import Settings


def _send(settings: Settings, message: EmailMessage) -> None:
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=15) as smtp:
        smtp.send_message(message)


async def send_mail(settings: Settings, to: str, subject: str, body: str) -> None:
    """Plain-text mail. Callers never log the address or the body."""
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    await asyncio.to_thread(_send, settings, message)
