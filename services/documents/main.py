"""`uvicorn services.documents.main:app`"""

from services.common.storage import make_client

from . import api, handlers, objects  # noqa: F401  (handlers register their consumers on import)
from .bootstrap import service, settings
from .domain import MAX_DOCUMENT, MB


@service.on_start
async def buckets() -> None:
    import asyncio

    await asyncio.to_thread(
        objects.ensure_buckets,
        make_client(settings),
        settings.documents_bucket,
        settings.photos_bucket,
    )


app = service.create_app([api.router])
# The largest file plus room for the multipart envelope and form fields.
app.add_middleware(api.BodyLimit, max_bytes=MAX_DOCUMENT + MB)
