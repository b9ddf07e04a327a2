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


def _connect(settings: Settings) -> smtplib.SMTP:
    smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=15)
    try:
        if settings.smtp_starttls:
            # The relay's certificate and name are verified; a relay without STARTTLS is an
            # error, never a fallback to plain text.
            context = ssl.create_default_context(cafile=settings.smtp_ca_file or None)
            smtp.starttls(context=context)
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password)
    except BaseException:
        smtp.close()
        raise
    return smtp


# Refusals of one message's envelope or content: smtplib has reset the session, which goes on.
_MESSAGE_REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


def _send_all(
    settings: Settings, messages: list[EmailMessage | Exception]
) -> list[Exception | None]:
    """Every message through one session (the connection, greeting, TLS and login cost more
    than a short message); per message None (sent) or its error. A server that cannot be
    reached fails the rest at once; a session that broke is opened again for the next. An
    exception in place of a message (it could not be made) is its own outcome."""
    outcomes: list[Exception | None] = []
    smtp: smtplib.SMTP | None = None
    try:
        for mail in messages:
            if isinstance(mail, Exception):
                outcomes.append(mail)
                continue
            if smtp is None:
                try:
                    smtp = _connect(settings)
                except Exception as exc:
                    return outcomes + [exc] * (len(messages) - len(outcomes))
            try:
                smtp.send_message(mail)
                outcomes.append(None)
            except _MESSAGE_REFUSED as exc:
                outcomes.append(exc)
                if smtp.sock is None:  # 421: the server closed the session
                    smtp = None
            except Exception as exc:
                outcomes.append(exc)
                smtp.close()
                smtp = None
    finally:
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()
    return outcomes


def message(settings: Settings, to: str, subject: str, body: str) -> EmailMessage:
    """A plain-text mail from the agency."""
    mail = EmailMessage()
    mail["From"] = settings.mail_from
    mail["To"] = to
    mail["Subject"] = subject
    mail.set_content(body)
    return mail


async def send_mails(
    settings: Settings, messages: list[EmailMessage | Exception]
) -> list[Exception | None]:
    """Send several mails in one session; per message None (sent) or the error. Callers never
    log the address or the body."""
    return await asyncio.to_thread(_send_all, settings, messages)


async def send_mail(
    settings: Settings, to: str, subject: str, body: str, message_id: str | None = None
) -> None:
    """Plain-text mail; raises what stopped it. Callers never log the address or the body. A
    caller that may send the same message twice gives it a stable `message_id`, so the repeat
    can be recognised."""
    mail = message(settings, to, subject, body)
    if message_id:
        mail["Message-ID"] = message_id
    (error,) = await send_mails(settings, [mail])
    if error is not None:
        raise error
