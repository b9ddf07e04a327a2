"""Documents rules without I/O: what a file is and whether the agency accepts it (the kit's
filecheck, shared with intake), the text of a CV, and signed download links."""

import base64
import hashlib
import hmac
import json
import logging
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from pypdf import apply_configuration

from services.common.filecheck import (
    DOCX,
    JPEG,
    MAX_DOCUMENT,
    MAX_PDF_PAGES_READ,
    MAX_PHOTO,
    MB,
    PDF,
    PDF_LIMITS,
    PNG,
    Rejected,
    docx_runs,
    is_photo,
    max_size,
    open_docx,
    pdf_reader,
    read_part,
    validate,
)

__all__ = [
    "DOCX",
    "JPEG",
    "MAX_DOCUMENT",
    "MAX_PHOTO",
    "MB",
    "PDF",
    "PNG",
    "Rejected",
    "is_photo",
    "max_size",
    "validate",
]

log = logging.getLogger(__name__)

Kind = Literal["cv", "certificate", "testimonial", "reference", "other", "photo"]
KINDS: tuple[str, ...] = ("cv", "certificate", "testimonial", "reference", "other", "photo")
EXTENSIONS = {PDF: "pdf", DOCX: "docx", JPEG: "jpg", PNG: "png"}

MAX_TEXT = 200_000  # characters of CV text published for the search index
MAX_PDF_CONTENT_READ = 2 * MB  # page content read for text; a real CV needs far less


# --- CV text -----------------------------------------------------------------------------------


def pdf_text(data: bytes) -> str:
    with apply_configuration(**PDF_LIMITS):
        return _pdf_text(data)


def _pdf_text(data: bytes) -> str:
    """Text extraction costs microseconds per content byte: a CV's pages are read until a
    content budget is spent, so a PDF built to be slow cannot hold a worker for long."""
    reader = pdf_reader(data)
    parts: list[str] = []
    size = content = 0
    for page in reader.pages[:MAX_PDF_PAGES_READ]:
        try:
            stream = page.get_contents()
            content += len(stream.get_data()) if stream is not None else 0
            if content > MAX_PDF_CONTENT_READ:
                log.info("pdf text extraction stopped at its budget")
                break
            text = page.extract_text() or ""
        except Exception as exc:  # one unreadable page does not make the CV unsearchable
            log.info("pdf page without text", extra={"error": type(exc).__name__})
            continue
        parts.append(text)
        size += len(text)
        if size >= MAX_TEXT:
            break
    return _clean("\n".join(parts))


def docx_text(data: bytes) -> str:
    with open_docx(data) as archive:
        return _clean(docx_runs(read_part(archive, "word/document.xml"), MAX_TEXT))


def extract_text(content_type: str, data: bytes) -> str:
    """The text of a (validated) CV, for the candidates' search index."""
    if content_type == PDF:
        return pdf_text(data)
    if content_type == DOCX:
        return docx_text(data)
    return ""


def _clean(text: str) -> str:
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r"\n\s*\n+", "\n\n", text)
    return text.strip()[:MAX_TEXT]


# --- names -------------------------------------------------------------------------------------


def clean_name(name: str | None, content_type: str) -> str:
    """A display name from the client's file name: no path, no control characters, bounded."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip(" .")
    return base[:200] or f"document.{EXTENSIONS.get(content_type, 'bin')}"


def export_name(document_id: str, name: str) -> str:
    """An object name part that is safe anywhere (ASCII), still recognisable for the person."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", ascii_name).strip("._")[:100]
    return f"{document_id}-{safe or 'document'}"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- download links ----------------------------------------------------------------------------


class LinkInvalid(Exception):
    """Not a link this service signed (or tampered with)."""


class LinkExpired(Exception):
    pass


@dataclass(frozen=True)
class Link:
    document_id: str
    actor: str
    expires: int  # unix seconds


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign_link(secret: bytes, link: Link) -> str:
    payload = _b64(json.dumps([link.document_id, link.actor, link.expires]).encode())
    mac = hmac.new(secret, payload.encode(), hashlib.sha256).digest()
    return f"{payload}.{_b64(mac)}"


def read_link(secret: bytes, token: str, now: float) -> Link:
    """The link's claims if the signature holds; LinkExpired once its time has passed."""
    payload, _, mac = token.partition(".")
    expected = _b64(hmac.new(secret, payload.encode(), hashlib.sha256).digest())
    if not mac or not hmac.compare_digest(mac, expected):
        raise LinkInvalid
    try:
        document_id, actor, expires = json.loads(_unb64(payload))
        link = Link(str(document_id), str(actor), int(expires))
    except (ValueError, TypeError) as exc:
        raise LinkInvalid from exc
    if now >= link.expires:
        raise LinkExpired
    return link


def inspect(kind: str, data: bytes) -> tuple[str, str | None]:
    """Validate a file and, for a CV, extract its text: (content type, text or None).
    CPU-bound on big PDFs: callers run it in a thread."""
    content_type = validate(kind, data)
    return content_type, extract_text(content_type, data) if kind == "cv" else None
