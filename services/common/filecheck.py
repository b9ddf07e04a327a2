"""What an uploaded file is (from its bytes, never its name or the client's say-so) and whether
the agency accepts it: one check, used by documents for every stored file and by intake
before a recruiter downloads a registration's file for review. Pure, no I/O."""

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from typing import Any, NoReturn
from xml.parsers import expat

from pypdf import PdfReader, apply_configuration
from pypdf.errors import LimitReachedError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

MB = 1024 * 1024

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
JPEG = "image/jpeg"
PNG = "image/png"

DOCUMENT_TYPES = (PDF, DOCX)
PHOTO_TYPES = (JPEG, PNG)

MAX_DOCUMENT = 10 * MB
MAX_PHOTO = 5 * MB
MAX_PIXELS_SIDE = 12_000  # a passport photo is far smaller; bigger is a decompression bomb

# DOCX (a ZIP of XML) limits: generous for any real CV, fatal for a zip bomb.
MAX_ZIP_ENTRIES = 2_000
MAX_ZIP_TOTAL = 100 * MB
MAX_ZIP_RATIO = 100
MAX_XML_PART = 20 * MB
DOCX_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"

# pypdf's own limits are sized for any PDF; a CV of at most 10 MB needs far less, and a PDF
# "bomb" (a small stream that inflates enormously) must fail before it costs memory.
# Keyword overrides for pypdf.apply_configuration (typed Any so that they cannot be mistaken for
# its positional `configuration` argument).
PDF_LIMITS: dict[str, Any] = {
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
MAX_PDF_OBJECTS = 200_000  # a CV has hundreds; the walk over them must stay bounded


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
    """The sniffed content type of an acceptable file, or Rejected with the reason.
    CPU-bound on big PDFs: callers run it in a thread."""
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

# Names that make a PDF act by itself (run a script, start a program, fetch or send data) or
# carry what a CV has no need of (attached files, XFA forms, rich media). Actions to another
# page and links (/URI, followed only when clicked) stay allowed.
_ACTIVE_KEYS = frozenset(
    {"/JavaScript", "/JS", "/AA", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/RichMedia"}
    | {"/XFA"}
)
_ACTIVE_ACTIONS = frozenset(
    {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToR", "/GoToE"}
    | {"/RichMediaExecute", "/Rendition", "/EmbeddedFile"}
)
ACTIVE_PDF = "PDFs with scripts, actions, attachments or forms are not accepted"
# A name token outside streams; #xx escapes are decoded before comparing (/J#61vaScript).
_PDF_NAME = re.compile(rb"/([^\s/<>\[\]()%{}]*)")
_STREAM = re.compile(rb"\bstream(?:\r\n|\n|\r)")


def _check_pdf(data: bytes) -> None:
    end = data.rfind(b"%%EOF")
    if end < 0:
        raise Rejected("the PDF is incomplete (truncated)")
    if data[end + 5 :].strip():
        raise Rejected("the PDF has data after its end (polyglot)", status=415)
    # The bytes outside streams, every object included: also those no table refers to, which
    # a viewer repairing the file may still read.
    if any(_decoded(m.group(1)) in _ACTIVE_KEYS | _ACTIVE_ACTIONS for m in _pdf_names(data)):
        raise Rejected(ACTIVE_PDF, status=415)
    reader = pdf_reader(data)
    try:
        if reader.is_encrypted:
            raise Rejected("password-protected PDFs are not accepted")
        pages = len(reader.pages)
        # Every object the file's tables list, those packed in object streams too (their
        # bytes are compressed, so the scan above cannot see them); OpenAction and /Next
        # chains are covered as each action is an object or inside one.
        for obj in _pdf_objects(reader):
            _check_pdf_object(obj)
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


def _decoded(name: bytes) -> str:
    if b"#" in name:
        name = re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), name)
    return "/" + name.decode("latin-1")


def _pdf_names(data: bytes) -> list[re.Match[bytes]]:
    """The name tokens of the file outside its stream bodies (images, fonts, page content)."""
    found: list[re.Match[bytes]] = []
    pos = 0
    while pos < len(data):
        start = _STREAM.search(data, pos)
        stop = start.start() if start else len(data)
        found.extend(_PDF_NAME.finditer(data, pos, stop))
        if start is None:
            break
        end = data.find(b"endstream", start.end())
        pos = len(data) if end < 0 else end + len(b"endstream")
    return found


def _pdf_objects(reader: PdfReader) -> list[object]:
    numbers = {(num, gen) for gen, table in reader.xref.items() for num in table}
    numbers |= {(num, 0) for num in reader.xref_objStm}
    if len(numbers) > MAX_PDF_OBJECTS:
        raise Rejected("the PDF has too many objects")
    return [reader.get_object(IndirectObject(num, gen, reader)) for num, gen in sorted(numbers)]


def _check_pdf_object(obj: object) -> None:
    """Every name in the object and what it holds directly (references are objects of their
    own, walked separately)."""
    stack = [obj]
    while stack:
        item = stack.pop()
        if isinstance(item, DictionaryObject):  # stream objects too
            for key, value in item.items():
                if key in _ACTIVE_KEYS:
                    raise Rejected(ACTIVE_PDF, status=415)
                stack.append(value)
        elif isinstance(item, ArrayObject):
            stack.extend(item)
        elif isinstance(item, NameObject) and item in _ACTIVE_ACTIONS:
            raise Rejected(ACTIVE_PDF, status=415)


def pdf_reader(data: bytes) -> PdfReader:
    try:
        return PdfReader(io.BytesIO(data), strict=False)
    except Exception as exc:  # PyPdfError, ValueError, KeyError, struct.error, ...
        raise Rejected("the PDF is damaged") from exc


# --- DOCX --------------------------------------------------------------------------------------

_RELS = "http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
# Parts that hold another program's object (OLE, ActiveX, an embedded workbook or package).
_EMBEDDED_PARTS = ("word/embeddings/", "word/activeX/")
_EMBEDDED_RELATIONS = ("/oleObject", "/package", "/control", "/activeXControlBinary")
EMBEDDED_DOCX = "Word documents with embedded objects are not accepted"
EXTERNAL_DOCX = (
    "Word documents with external relations (a remote template, image or object) are not accepted"
)


def open_docx(data: bytes) -> zipfile.ZipFile:
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


def read_part(archive: zipfile.ZipFile, name: str) -> bytes:
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
    with open_docx(data) as archive:
        names = set(archive.namelist())
        types = read_part(archive, "[Content_Types].xml")
        if b"<!DOCTYPE" in types or b"<!ENTITY" in types:
            _no_declarations()
        if "word/vbaProject.bin" in names or b"macroEnabled" in types:
            raise Rejected("Word documents with macros are not accepted", status=415)
        if DOCX_MAIN not in types:
            raise Rejected("the file is not a Word document (DOCX)", status=415)
        if any(n.startswith(_EMBEDDED_PARTS) for n in names) or b"oleObject" in types:
            raise Rejected(EMBEDDED_DOCX, status=415)
        for name in sorted(n for n in names if n.endswith(".rels")):
            _check_relations(read_part(archive, name))
        docx_runs(read_part(archive, "word/document.xml"))  # must parse


def _check_relations(xml: bytes) -> None:
    """A relationship may point outside the file: a remote template or image is fetched when
    the document opens (and can leak the reader's credentials). Hyperlinks are external too,
    but followed only when clicked: a CV may link to a profile."""

    def relation(name: str, attrs: dict[str, str]) -> None:
        if name != _RELS:
            return
        kind = attrs.get("Type", "")
        if attrs.get("TargetMode", "").lower() == "external" and not kind.endswith("/hyperlink"):
            raise Rejected(EXTERNAL_DOCX, status=415)
        if kind.endswith(_EMBEDDED_RELATIONS):
            raise Rejected(EMBEDDED_DOCX, status=415)

    _parse(xml, relation)


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_BREAKS = {f"{_W}tab": "\t", f"{_W}br": "\n", f"{_W}cr": "\n", f"{_W}p": "\n"}


def _no_declarations(*_: object) -> NoReturn:
    # OOXML never declares a DTD or entities; refusing them stops billion-laughs and XXE in any
    # encoding (a byte search for "<!DOCTYPE" would miss UTF-16).
    raise Rejected("the DOCX contains XML declarations that are not allowed")


def _parse(
    xml: bytes,
    start: Callable[[str, dict[str, str]], None],
    end: Callable[[str], None] | None = None,
    text: Callable[[str], None] | None = None,
) -> None:
    """Through expat, namespaces as "uri}name", declarations refused."""
    parser = expat.ParserCreate(namespace_separator="}")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _no_declarations
    parser.EntityDeclHandler = _no_declarations
    parser.ExternalEntityRefHandler = _no_declarations
    parser.StartElementHandler = start
    if end is not None:
        parser.EndElementHandler = end
    if text is not None:
        parser.CharacterDataHandler = text
    try:
        parser.Parse(xml, True)
    except expat.ExpatError as exc:
        raise Rejected("the DOCX is damaged") from exc


def docx_runs(xml: bytes, limit: int = 200_000) -> str:
    """The text runs of word/document.xml, up to `limit` characters."""
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

    _parse(xml, start, end, text)
    return "".join(parts)[:limit]


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


def shown_headers(content_type: str, disposition: str) -> dict[str, str]:
    """CSP and framing for a checked file as served to an employee. Nothing in it may run
    script. A file shown inline may be framed by our own pages (a CV preview, a photo); a PDF
    then gets no `sandbox`, under which Chromium's PDF viewer refuses to run: it relies on the
    viewer's isolation and on the checks above (no JavaScript or actions in an accepted PDF)."""
    if disposition != "inline":
        return {"Content-Security-Policy": "default-src 'none'; sandbox", "X-Frame-Options": "DENY"}
    csp = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'"
    if content_type != PDF:
        csp += "; sandbox"
    return {"Content-Security-Policy": csp, "X-Frame-Options": "SAMEORIGIN"}
