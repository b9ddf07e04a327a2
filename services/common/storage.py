"""Object storage through the MinIO client, so production runs on MinIO (or any S3)."""

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
