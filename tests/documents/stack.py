"""Helpers for the documents tests on the real stack: subjects with keys, uploads, S3 reads."""

import asyncio
import json
from typing import Any

import httpx
from minio import Minio

from services.common import keys
from services.common.envelope import new_id
from services.common.settings import Settings
from services.common.storage import make_client
from services.documents.objects import sse_key
from tests.helpers import as_employee, fetch, subject_key

DOCUMENTS_BUCKET = "talent-documents"
PHOTOS_BUCKET = "talent-photos"


def s3(platform) -> Minio:
    e = platform.endpoints
    return make_client(
        Settings(
            s3_endpoint=e.s3_endpoint, s3_access_key=e.s3_access_key, s3_secret_key=e.s3_secret_key
        )
    )


async def new_subject(platform) -> tuple[str, bytes]:
    """A candidate id with its key made by the privacy service, as intake does on registration."""
    subject = new_id()
    key = await subject_key(platform, subject, create=True)
    assert key is not None
    return subject, key


def client(platform, role: str = "recruiter", user: str = "recruiter-1") -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=platform.url("documents"), headers=as_employee(platform, role, user), timeout=60
    )


async def upload(
    http: httpx.AsyncClient,
    subject: str,
    kind: str,
    name: str,
    data: bytes,
    mime: str = "application/octet-stream",
) -> httpx.Response:
    return await http.post(
        f"/api/documents/candidates/{subject}",
        data={"kind": kind},
        files={"file": (name, data, mime)},
    )


def versions(platform, subject: str) -> list[Any]:
    """Every object version and delete marker of the subject, in both buckets."""
    client = s3(platform)
    found = []
    for bucket in (DOCUMENTS_BUCKET, PHOTOS_BUCKET):
        if client.bucket_exists(bucket):
            found += list(
                client.list_objects(
                    bucket, prefix=f"{subject}/", recursive=True, include_version=True
                )
            )
    return found


def read_encrypted(platform, bucket: str, name: str, subject_key: bytes) -> bytes:
    resp = s3(platform).get_object(bucket, name, ssec=sse_key(subject_key))
    try:
        return resp.read()
    finally:
        resp.close()
        resp.release_conn()


async def outbox_events(platform, topic: str, subject: str) -> list[dict[str, Any]]:
    rows = await fetch(
        platform,
        "documents",
        "SELECT payload FROM outbox WHERE topic = $1 AND key = $2 ORDER BY seq",
        topic,
        subject,
    )
    return [json.loads(r["payload"]) for r in rows]


def open_sealed(subject_key: bytes, event: dict[str, Any]) -> dict[str, Any]:
    return keys.open_sealed(subject_key, event["sealed"], event["subject"])


async def to_thread(fn, *args):
    return await asyncio.to_thread(fn, *args)
