"""Real files for the documents tests, built byte by byte (no binaries in the repository)."""

import io
import struct
import zipfile
import zlib


def pdf(
    text: str = "Ervaren directiesecretaresse met oog voor detail",
    flate: bytes | None = None,
    padding: bytes = b"",
) -> bytes:
    """A small, well-formed one-page PDF whose text pypdf can extract (or whose page content
    is the given FlateDecode stream), with `padding` as an extra stream object if given (the
    size of a real CV, whose images do not compress)."""
    content = flate or f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    stream_filter = b" /Filter /FlateDecode" if flate else b""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d%s >>\nstream\n" % (len(content), stream_filter) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    if padding:
        objects.append(b"<< /Length %d >>\nstream\n" % len(padding) + padding + b"\nendstream")
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out


def pdf_bomb() -> bytes:
    """A PDF of ~100 kB whose page content inflates to 100 MB."""
    packer = zlib.compressobj(9)
    stream = packer.compress(b"BT /F1 12 Tf 72 720 Td (hallo) Tj ET\n")
    spaces = b" " * (1024 * 1024)
    stream += b"".join(packer.compress(spaces) for _ in range(100)) + packer.flush()
    return pdf(flate=stream)


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels"'
    ' ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/></Types>'
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)


def document_xml(*paragraphs: str, prolog: str = "") -> str:
    body = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    )


def docx(
    *paragraphs: str, document: str | bytes | None = None, extra: dict[str, bytes] | None = None
) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS)
        z.writestr(
            "word/document.xml",
            document or document_xml(*(paragraphs or ("Management assistent", "Utrecht"))),
        )
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buf.getvalue()


def zip_bomb_docx() -> bytes:
    """A valid-looking DOCX whose document part inflates from ~100 kB to 100 MB."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS)
        with z.open("word/document.xml", "w", force_zip64=True) as part:
            zeros = b"\x00" * (1024 * 1024)
            for _ in range(100):
                part.write(zeros)
    return buf.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int = 2, height: int = 2) -> bytes:
    """A grey PNG; above 64 pixels the header claims the size but the pixels stay small."""
    raw = b"".join(b"\x00" + b"\x80\x80\x80" * min(width, 64) for _ in range(min(height, 64)))
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + _chunk(b"IDAT", zlib.compress(raw))
        + _chunk(b"IEND", b"")
    )


# A 1x1 greyscale baseline JPEG.
JPEG = bytes.fromhex(
    "FFD8FFE000104A46494600010100000100010000FFDB004300080606070605080707070909080A0C140D0C0B0B"
    "0C1912130F141D1A1F1E1D1A1C1C20242E2720222C231C1C2837292C30313434341F27393D38323C2E333432"
    "FFC0000B080001000101011100FFC4001F0000010501010101010100000000000000000102030405060708090A"
    "0BFFC400B5100002010303020403050504040000017D01020300041105122131410613516107227114328191"
    "A1082342B1C11552D1F02433627282090A161718191A25262728292A3435363738393A434445464748494A5354"
    "55565758595A636465666768696A737475767778797A838485868788898A92939495969798999AA2A3A4A5A6A7"
    "A8A9AAB2B3B4B5B6B7B8B9BAC2C3C4C5C6C7C8C9CAD2D3D4D5D6D7D8D9DAE1E2E3E4E5E6E7E8E9EAF1F2F3F4F5"
    "F6F7F8F9FAFFDA0008010100003F00D2CF20FFD9"
)

# What a renamed Windows program starts with.
EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def with_zip_appended(data: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("payload.exe", EXECUTABLE)
    return data + buf.getvalue()


def pdf_with(catalog: bytes = b"", page: bytes = b"", objects: tuple[bytes, ...] = ()) -> bytes:
    """`pdf()` with entries added to its catalog and page, and objects 6, 7, ... appended."""
    data = pdf()
    data = data.replace(b"/Pages 2 0 R >>", b"/Pages 2 0 R " + catalog + b" >>", 1)
    data = data.replace(b"/F1 5 0 R >> >>", b"/F1 5 0 R >> >> " + page, 1)
    return _reindexed(data, objects)


def _reindexed(data: bytes, extra: tuple[bytes, ...]) -> bytes:
    """Rebuild the file's xref table after its objects changed (offsets move)."""
    body = data[: data.index(b"xref\n")]
    for number, obj in enumerate(extra, 6):
        body += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    offsets = [body.index(b"\n%d 0 obj\n" % n) + 1 for n in range(1, 6 + len(extra))]
    out = body + b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(offsets) + 1,
        len(body),
    )


def pdf_hiding_in_an_object_stream(hidden: bytes, catalog: bytes) -> bytes:
    """A PDF 1.5 whose object 6 (`hidden`) sits compressed in an object stream (object 7), so
    none of its bytes appear in the file; `catalog` entries may refer to it (6 0 R)."""
    head = pdf()[: pdf().index(b"xref\n")].replace(b"%PDF-1.4", b"%PDF-1.5", 1)
    head = head.replace(b"/Pages 2 0 R >>", b"/Pages 2 0 R " + catalog + b" >>", 1)
    prefix = b"6 0 "
    packed = zlib.compress(prefix + hidden)
    stream = (
        b"7 0 obj\n<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
        % (len(prefix), len(packed))
        + packed
        + b"\nendstream\nendobj\n"
    )
    offsets = [head.index(b"\n%d 0 obj\n" % n) + 1 for n in range(1, 6)]
    body = head + stream
    offsets.append(len(head))  # object 7
    xref_at = len(body)
    rows = [b"\x00" + struct.pack(">I", 0) + b"\xff\xff"]  # object 0: free
    rows += [b"\x01" + struct.pack(">I", o) + b"\x00\x00" for o in offsets[:5]]  # 1-5
    rows.append(b"\x02" + struct.pack(">I", 7) + b"\x00\x00")  # 6: in stream 7, index 0
    rows.append(b"\x01" + struct.pack(">I", offsets[5]) + b"\x00\x00")  # 7
    rows.append(b"\x01" + struct.pack(">I", xref_at) + b"\x00\x00")  # 8: this xref stream
    table = b"".join(rows)
    return (
        body
        + b"8 0 obj\n<< /Type /XRef /Size 9 /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n"
        % len(table)
        + table
        + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_at
    )


def docx_with_relation(target: str, rel_type: str, external: bool = True) -> bytes:
    """A DOCX whose document has one relationship (e.g. a remote template, an image, a link)."""
    mode = ' TargetMode="External"' if external else ""
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        f'relationships/{rel_type}" Target="{target}"{mode}/></Relationships>'
    )
    return docx(extra={"word/_rels/document.xml.rels": rels.encode()})
