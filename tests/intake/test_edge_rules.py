"""Edge rules of the public endpoint that need no stack: whose address is limited, and what
of an uploaded file's name is kept."""

from starlette.requests import Request

from services.intake.api import client_address, safe_name


def request_from(host: str) -> Request:
    return Request({"type": "http", "client": (host, 50000), "headers": []})


def test_a_local_caller_without_a_forwarded_address_is_not_rate_limited():
    # uvicorn puts a trusted proxy's X-Forwarded-For in `client`; what stays loopback is local.
    assert client_address(request_from("127.0.0.1")) is None
    assert client_address(request_from("::1")) is None


def test_every_other_client_address_is_rate_limited_as_itself():
    assert client_address(request_from("203.0.113.9")) == "203.0.113.9"
    assert client_address(request_from("2001:db8::1")) == "2001:db8::1"


def test_an_uploaded_files_name_is_kept_short_and_printable_without_its_path():
    assert safe_name("C:\\Users\\sanne\\cv.pdf") == "cv.pdf"
    assert safe_name("../../etc/passwd") == "passwd"
    assert safe_name("cv\x00\n.pdf") == "cv.pdf"
    assert len(safe_name("a" * 1000 + ".pdf")) == 200
    assert safe_name("") == "upload"
