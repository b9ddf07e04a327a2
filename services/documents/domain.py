"""Documents rules without I/O: what a file is (from its bytes, never its name or the client's
say-so), whether the agency accepts it, the text of a CV, and signed download links."""

import base64
import hashlib
import hmac
import io
import json
import logging
import re
import struct
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from typing import Literal
from xml.parsers import expat

from pypdf import PdfReader, apply_configuration
from pypdf.errors import LimitReachedError

log = logging.getLogger(__name__)
MB = 1024 * 1024

Kind = Literal["cv", "certificate", "testimonial", "reference", "other", "photo"]
KINDS: tuple[str, ...] = ("cv", "certificate", "testimonial", "reference", "other", "photo")

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
JPEG = "image/jpeg"
PNG = "image/png"

DOCUMENT_TYPES = (PDF, DOCX)
PHOTO_TYPES = (JPEG, PNG)
EXTENSIONS = {PDF: "pdf", DOCX: "docx", JPEG: "jpg", PNG: "png"}

MAX_DOCUMENT = 10 * MB
MAX_PHOTO = 5 * MB
MAX_PIXELS_SIDE = 12_000  # a passport photo is far smaller; bigger is a decompression bomb

# DOCX (a ZIP of XML) limits: generous for any real CV, fatal for a zip bomb.
MAX_ZIP_ENTRIES = 2_000
MAX_ZIP_TOTAL = 100 * MB
MAX_ZIP_RATIO = 100
MAX_XML_PART = 20 * MB
DOCX_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"

MAX_TEXT = 200_000  # characters of CV text published for the search index
# pypdf's own limits are sized for any PDF; a CV of at most 10 MB needs far less, and a PDF
# "bomb" (a small stream that inflates enormously) must fail before it costs memory.
PDF_LIMITS = {
    "zlib_maximum_output_length": 16 * MB,
    "lzw_maximum_output_length": 16 * MB,
    "run_length_maximum_output_length": 16 * MB,
    "brotli_maximum_output_length": 16 * MB,
    "jbig2_maximum_output_length": 16 * MB,
    "array_based_stream_maximum_output_length": 16 * MB,
    "stream_decoding_work_maximum_length": 64 * MB,
    "image_maximum_buffer_size": 16 * MB,
}
MAX_PDF_PAGES_READ = 50
MAX_PDF_CONTENT_READ = 2 * MB  # page content read for text; a real CV needs far less


class Rejected(ValueError):
    """The file is not accepted. `status` is the HTTP status an API answers with."""

    def __init__(self, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.status = status


def is_photo(kind: str) -> bool:
    return kind == "photo"


def max_size(kind: str) -> int:
    return MAX_PHOTO if is_photo(kind) else MAX_DOCUMENT


def allowed_types(kind: str) -> tuple[str, ...]:
    return PHOTO_TYPES if is_photo(kind) else DOCUMENT_TYPES


def sniff(data: bytes) -> str | None:
    """The content type by magic bytes at offset 0 (nothing may precede them)."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"PK\x03\x04"):
        return DOCX  # a ZIP; _check_docx decides whether it really is a Word document
    return None


def validate(kind: str, data: bytes) -> str:
    """The sniffed content type of an acceptable file, or Rejected with the reason."""
    with apply_configuration(**PDF_LIMITS):
        return _validate(kind, data)


def _validate(kind: str, data: bytes) -> str:
    limit = max_size(kind)
    if not data:
        raise Rejected("the file is empty")
    if len(data) > limit:
        raise Rejected(f"the file is larger than {limit // MB} MB", status=413)
    content_type = sniff(data)
    if content_type not in allowed_types(kind):
        wanted = "JPEG or PNG" if is_photo(kind) else "PDF or DOCX"
        raise Rejected(f"a {kind} must be {wanted} (judged by content)", status=415)
    if content_type != DOCX and _contains_zip(data):
        raise Rejected("the file is also a ZIP archive (polyglot)", status=415)
    _CHECKS[content_type](data)
    return content_type


def _contains_zip(data: bytes) -> bool:
    """A ZIP hidden in (usually appended to) a PDF or image: readable as an archive too."""
    try:
        return zipfile.is_zipfile(io.BytesIO(data))
    except Exception:
        return False


# --- PDF ---------------------------------------------------------------------------------------

_ACTIVE_PDF = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFiles?|RichMedia|XFA)(?![A-Za-z0-9])")


def _check_pdf(data: bytes) -> None:
    end = data.rfind(b"%%EOF")
    if end < 0:
        raise Rejected("the PDF is incomplete (truncated)")
    if data[end + 5 :].strip():
        raise Rejected("the PDF has data after its end (polyglot)", status=415)
    if _ACTIVE_PDF.search(data):
        raise Rejected("PDFs with scripts, attachments or forms are not accepted", status=415)
    reader = _pdf_reader(data)
    try:
        if reader.is_encrypted:
            raise Rejected("password-protected PDFs are not accepted")
        pages = len(reader.pages)
        root = reader.trailer["/Root"].get_object()
        names = root.get("/Names")
        names = names.get_object() if names is not None else {}
        if "/JavaScript" in names or "/EmbeddedFiles" in names or "/AA" in root:
            raise Rejected("PDFs with scripts or attachments are not accepted", status=415)
        action = root.get("/OpenAction")
        action = action.get_object() if action is not None else None
        if isinstance(action, dict) and action.get("/S") in ("/JavaScript", "/Launch"):
            raise Rejected("PDFs with scripts are not accepted", status=415)
        for page in reader.pages[:MAX_PDF_PAGES_READ]:
            contents = page.get_contents()
            if contents is not None:
                contents.get_data()  # inflated within PDF_LIMITS, or LimitReachedError
    except Rejected:
        raise
    except LimitReachedError as exc:
        raise Rejected("the PDF unpacks to too much data (decompression bomb)") from exc
    except Exception as exc:  # pypdf raises many kinds on damaged files
        raise Rejected("the PDF is damaged") from exc
    if pages < 1:
        raise Rejected("the PDF has no pages")


def _pdf_reader(data: bytes) -> PdfReader:
    try:
        return PdfReader(io.BytesIO(data), strict=False)
    except Exception as exc:  # PyPdfError, ValueError, KeyError, struct.error, ...
        raise Rejected("the PDF is damaged") from exc


def pdf_text(data: bytes) -> str:
    with apply_configuration(**PDF_LIMITS):
        return _pdf_text(data)


def _pdf_text(data: bytes) -> str:
    """Text extraction costs microseconds per content byte: a CV's pages are read until a
    content budget is spent, so a PDF built to be slow cannot hold a worker for long."""
    reader = _pdf_reader(data)
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


# --- DOCX --------------------------------------------------------------------------------------


def _open_docx(data: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise Rejected("the DOCX is damaged") from exc
    infos = archive.infolist()
    if len(infos) > MAX_ZIP_ENTRIES:
        raise Rejected("the DOCX has too many parts (zip bomb)")
    if sum(i.file_size for i in infos) > MAX_ZIP_TOTAL:
        raise Rejected("the DOCX unpacks to too much data (zip bomb)")
    for info in infos:
        if info.flag_bits & 0x1:
            raise Rejected("encrypted DOCX files are not accepted")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MB and ratio > MAX_ZIP_RATIO:
            raise Rejected("the DOCX is compressed suspiciously well (zip bomb)")
    return archive


def _read_part(archive: zipfile.ZipFile, name: str) -> bytes:
    """One XML part, bounded: zipfile never inflates past the (already checked) declared size."""
    try:
        info = archive.getinfo(name)
    except KeyError as exc:
        raise Rejected("the file is not a Word document (DOCX)", status=415) from exc
    if info.file_size > MAX_XML_PART:
        raise Rejected("the DOCX has a part that is too large (zip bomb)")
    try:
        with archive.open(info) as part:
            xml = part.read(MAX_XML_PART + 1)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError) as exc:
        raise Rejected("the DOCX is damaged") from exc
    return xml


def _check_docx(data: bytes) -> None:
    with _open_docx(data) as archive:
        names = set(archive.namelist())
        types = _read_part(archive, "[Content_Types].xml")
        if b"<!DOCTYPE" in types or b"<!ENTITY" in types:
            _no_declarations()
        if "word/vbaProject.bin" in names or b"macroEnabled" in types:
            raise Rejected("Word documents with macros are not accepted", status=415)
        if DOCX_MAIN not in types:
            raise Rejected("the file is not a Word document (DOCX)", status=415)
        _docx_text(_read_part(archive, "word/document.xml"))  # must parse


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_BREAKS = {f"{_W}tab": "\t", f"{_W}br": "\n", f"{_W}cr": "\n", f"{_W}p": "\n"}


def _no_declarations(*_: object) -> None:
    # OOXML never declares a DTD or entities; refusing them stops billion-laughs and XXE in any
    # encoding (a byte search for "<!DOCTYPE" would miss UTF-16).
    raise Rejected("the DOCX contains XML declarations that are not allowed")


def _docx_text(xml: bytes) -> str:
    """The text runs of word/document.xml, through expat with declarations refused."""
    parts: list[str] = []
    in_text = False

    def start(name: str, _attrs: object) -> None:
        nonlocal in_text
        in_text = name == f"{_W}t"

    def end(name: str) -> None:
        nonlocal in_text
        in_text = False
        if name in _BREAKS:
            parts.append(_BREAKS[name])

    def text(data: str) -> None:
        if in_text:
            parts.append(data)

    parser = expat.ParserCreate(namespace_separator="}")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _no_declarations
    parser.EntityDeclHandler = _no_declarations
    parser.ExternalEntityRefHandler = _no_declarations
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    try:
        parser.Parse(xml, True)
    except expat.ExpatError as exc:
        raise Rejected("the DOCX is damaged") from exc
    return "".join(parts)[:MAX_TEXT]


def docx_text(data: bytes) -> str:
    with _open_docx(data) as archive:
        return _clean(_docx_text(_read_part(archive, "word/document.xml")))


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


# --- images ------------------------------------------------------------------------------------


def _check_dimensions(width: int, height: int) -> None:
    if not (0 < width <= MAX_PIXELS_SIDE and 0 < height <= MAX_PIXELS_SIDE):
        raise Rejected("the photo's dimensions are not plausible")


_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def _check_jpeg(data: bytes) -> None:
    tail = data.rstrip(b"\x00")  # some cameras pad after the end marker
    if not tail.endswith(b"\xff\xd9"):
        raise Rejected("the JPEG is incomplete (truncated)")
    pos, size = 2, None
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            raise Rejected("the JPEG is damaged")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0x01, *range(0xD0, 0xD8)):
            pos += 2
            continue
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        if length < 2 or pos + 2 + length > len(data):
            raise Rejected("the JPEG is damaged")
        if marker in _SOF and length >= 7:
            height, width = struct.unpack(">HH", data[pos + 5 : pos + 9])
            size = (width, height)
        if marker == 0xDA:  # start of scan: entropy-coded data follows
            break
        pos += 2 + length
    if size is None:
        raise Rejected("the JPEG is damaged")
    _check_dimensions(*size)


def _check_png(data: bytes) -> None:
    pos, first, ended = 8, True, False
    while pos + 12 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        ctype = data[pos + 4 : pos + 8]
        body_end = pos + 8 + length
        if body_end + 4 > len(data):
            break
        (crc,) = struct.unpack(">I", data[body_end : body_end + 4])
        if zlib.crc32(data[pos + 4 : body_end]) & 0xFFFFFFFF != crc:
            raise Rejected("the PNG is damaged")
        if first:
            if ctype != b"IHDR" or length != 13:
                raise Rejected("the PNG is damaged")
            _check_dimensions(*struct.unpack(">II", data[pos + 8 : pos + 16]))
            first = False
        pos = body_end + 4
        if ctype == b"IEND":
            ended = True
            break
    if not ended:
        raise Rejected("the PNG is incomplete (truncated)")
    if pos != len(data):
        raise Rejected("the PNG has data after its end (polyglot)", status=415)


_CHECKS = {PDF: _check_pdf, DOCX: _check_docx, JPEG: _check_jpeg, PNG: _check_png}


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
