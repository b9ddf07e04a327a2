"""Bad input to the public registration endpoint: a clear 4xx naming the field, nothing stored."""

import json

import httpx
import pytest

from services.common.keys import blind_index
from tests.documents import files
from tests.helpers import fetch
from tests.intake.helpers import (
    PDF,
    PNG,
    address,
    every_row_as_text,
    post,
    staged_files,
    unique,
)

MB = 1024 * 1024
EXE = b"MZ\x90\x00\x03" + b"\x00" * 200


def changed(**fields):
    return lambda reg: reg | fields


CASES = [
    # (id, change to the registration JSON, extra post arguments, status, field)
    ("missing-email", lambda r: {k: v for k, v in r.items() if k != "email"}, {}, 422, "email"),
    ("bad-email", changed(email="sanne@@example"), {}, 422, "email"),
    ("bad-phone", changed(phone="bel me"), {}, 422, "phone"),
    (
        "bad-postcode",
        lambda r: r | {"address": r["address"] | {"postcode": "12345"}},
        {},
        422,
        "address.postcode",
    ),
    ("future-birth-date", changed(birth_date="2999-01-01"), {}, 422, "birth_date"),
    ("not-a-date", changed(birth_date="gisteren"), {}, 422, "birth_date"),
    (
        "leave-ends-before-it-starts",
        changed(leave=[{"start": "2027-02-19", "end": "2027-02-15"}]),
        {},
        422,
        "leave.0",
    ),
    ("wrong-type", changed(work_permit_nl="misschien"), {}, 422, "work_permit_nl"),
    ("huge-value", changed(first_name="S" * 100_000), {}, 422, "first_name"),
    (
        "no-consent",
        changed(consent={"privacy_statement_version": "2018-05", "accepted": False}),
        {},
        422,
        "consent.accepted",
    ),
    ("unknown-field", changed(salary=100_000), {}, 422, "salary"),
    ("not-json", lambda r: "{not json", {}, 422, "registration"),
    ("json-but-not-an-object", lambda r: "[1, 2]", {}, 422, "registration"),
    ("no-registration", lambda r: None, {}, 422, "registration"),
    ("no-cv", None, {"cv": None}, 422, "cv"),
    ("cv-is-an-exe-named-pdf", None, {"cv": ("cv.pdf", EXE, "application/pdf")}, 422, "cv"),
    ("cv-is-empty", None, {"cv": ("cv.pdf", b"", "application/pdf")}, 422, "cv"),
    (
        "cv-too-large",
        None,
        {"cv": ("cv.pdf", PDF + b"\0" * (10 * MB), "application/pdf")},
        413,
        "cv",
    ),
    (
        "photo-is-a-gif",
        None,
        {"photo": ("me.png", b"GIF89a" + b"\0" * 50, "image/png")},
        422,
        "photo",
    ),
    ("photo-is-a-pdf", None, {"photo": ("me.jpg", PDF, "image/jpeg")}, 422, "photo"),
    (
        "photo-too-large",
        None,
        {"photo": ("me.png", PNG + b"\0" * (5 * MB), "image/png")},
        413,
        "photo",
    ),
    (
        "request-too-large",
        None,
        {"cv": ("cv.pdf", PDF + b"\0" * (17 * MB), "application/pdf")},
        413,
        "request",
    ),
    ("unknown-part", None, {"extra": {"nickname": "Sannie"}}, 422, "nickname"),
]


@pytest.mark.parametrize(
    ("change", "kwargs", "status", "field"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
async def test_bad_registration_is_refused_with_the_field_named_and_nothing_stored(
    platform, change, kwargs, status, field
):
    reg = unique()
    body = change(reg) if change else reg
    staged_before = await staged_files(platform)
    resp = await post(platform, body, **kwargs)
    assert resp.status_code == status, resp.text
    answer = resp.json()
    assert answer["detail"]
    assert field in [e["field"] for e in answer["errors"]], answer
    # Input is never echoed back (it may be personal, or hostile).
    assert reg["last_name"] not in resp.text
    assert reg["email"] not in await every_row_as_text(platform)
    assert await staged_files(platform) <= staged_before


async def test_a_docx_cv_is_accepted_by_its_content(platform):
    resp = await post(
        platform,
        unique(),
        cv=("cv.bin", files.docx("Ervaren office manager"), "application/octet-stream"),
    )
    assert resp.status_code == 202, resp.text


async def test_every_bad_field_is_named_at_once(platform):
    reg = unique(email="x", phone="y", birth_date="z")
    resp = await post(platform, reg, cv=("cv.pdf", EXE, "application/pdf"))
    assert resp.status_code == 422
    fields = {e["field"] for e in resp.json()["errors"]}
    assert {"email", "phone", "birth_date", "cv"} <= fields


async def test_two_cvs_are_refused(platform):
    reg = json.dumps(unique())
    async with httpx.AsyncClient(base_url=platform.url("intake")) as http:
        resp = await http.post(
            "/api/intake/registrations",
            data={"registration": reg},
            files=[("cv", ("a.pdf", PDF, "application/pdf")), ("cv", ("b.pdf", PDF, "x/y"))],
            headers={"X-Forwarded-For": address()},
        )
    assert resp.status_code == 422
    assert resp.json()["errors"][0]["field"] == "cv"


async def test_too_many_registrations_from_one_address_are_refused(platform):
    client = address()
    limit = 10  # INTAKE_REGISTRATION_LIMIT's default
    for _ in range(limit):
        resp = await post(platform, "{}", client=client)
        assert resp.status_code == 422
    refused = await post(platform, unique(), client=client)
    assert refused.status_code == 429
    assert refused.json()["errors"][0]["field"] == "request"
    assert int(refused.headers["retry-after"]) > 0
    # Another address is not affected, and the limit lives in the database (every instance).
    assert (await post(platform, unique())).status_code == 202
    client_hash = blind_index(platform.env["BLIND_INDEX_KEY"], "client", client)
    rows = await fetch(
        platform,
        "intake",
        "SELECT attempts FROM registration_attempts WHERE client_hash = $1",
        client_hash,
    )
    assert rows[0]["attempts"] == limit + 1
    # The address itself is not stored, only a keyed hash of it.
    assert client not in await every_row_as_text(platform)


async def test_unknown_and_malformed_registration_ids_are_not_found(platform):
    async with httpx.AsyncClient(base_url=platform.url("intake")) as http:
        unknown = await http.get("/api/intake/registrations/00000000-0000-7000-8000-000000000000")
        malformed = await http.get("/api/intake/registrations/1;DROP TABLE registrations")
    assert unknown.status_code == 404
    assert malformed.status_code == 422
    assert malformed.json()["errors"][0]["field"] == "registration_id"
