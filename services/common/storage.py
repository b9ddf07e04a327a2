"""Object storage through the MinIO client, so production runs on MinIO (or any S3)."""

import io
from urllib.parse import urlparse

from minio import Minio
from minio.commonconfig import ENABLED
from minio.versioningconfig import VersioningConfig

from .settings import Settings


def make_client(settings: Settings) -> Minio:
    url = urlparse(settings.s3_endpoint)
    return Minio(
        url.netloc,
        access_key=settings.s3_access_key,
        secret_key=settings.s3_secret_key,
        secure=url.scheme == "https",
        region="us-east-1",
    )


def ensure_bucket(client: Minio, name: str, versioned: bool = False) -> None:
    if not client.bucket_exists(name):
        client.make_bucket(name)
    if versioned:
        client.set_bucket_versioning(name, VersioningConfig(ENABLED))


def put_export_copy(client: Minio, bucket: str, name: str, data: bytes, content_type: str) -> None:
    """A file for a person's own access export: privacy's bucket, privacy's short-lived link."""
    if not client.bucket_exists(bucket):
        ensure_bucket(client, bucket)
    client.put_object(bucket, name, io.BytesIO(data), len(data), content_type=content_type)
