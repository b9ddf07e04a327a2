"""`uvicorn services.documents.main:app`"""

import asyncio

from services.common.errors import BodyLimit

from . import api, handlers, objects  # noqa: F401  (handlers register their consumers on import)
from .bootstrap import service, settings
from .domain import MAX_DOCUMENT, MB


@service.on_start
async def buckets() -> None:
    await asyncio.to_thread(
        objects.ensure_buckets, service.s3, settings.documents_bucket, settings.photos_bucket
    )


app = service.create_app([api.router, api.internal], **settings.api_docs)
# The largest file plus room for the multipart envelope and form fields.
for error in api.STORAGE_ERRORS:
    app.add_exception_handler(error, api.storage_unavailable)
app.add_middleware(
    BodyLimit,
    max_bytes=MAX_DOCUMENT + MB,
    message=f"the upload is larger than {(MAX_DOCUMENT + MB) // MB} MB",
    field="file",
)
