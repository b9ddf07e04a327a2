"""The documents service object; handlers register on it, main.py builds the app."""

import hashlib
import hmac
from pathlib import Path

from services.common.service import Service
from services.common.settings import Settings


class DocumentsSettings(Settings):
    uses_object_store = True
    service_name: str = "documents"
    documents_bucket: str = "talent-documents"  # CVs, certificates, testimonials, references
    photos_bucket: str = "talent-photos"  # passport photos (voluntary)
    download_link_seconds: int = 300

    @property
    def link_secret(self) -> bytes:
        """Signs download links; derived so every instance agrees without another secret."""
        return hmac.new(
            self.service_token.encode(), b"documents.download-links", hashlib.sha256
        ).digest()


settings = DocumentsSettings()
service = Service(
    "documents", Path(__file__).parent / "migrations", settings=settings, uses_s3=True
)
