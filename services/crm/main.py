"""`uvicorn services.crm.main:app`"""

from services.common.errors import BodyLimit

from . import api, handlers, moments, pipeline, retention  # noqa: F401  (handlers register on import)
from .bootstrap import service

service.background(retention.loop)  # contacts without activity for the retention period

MAX_BODY = 1_000_000  # bytes; no crm request comes near it

app = service.create_app(
    [api.router, pipeline.router, moments.router, api.internal], **service.settings.api_docs
)
app.add_middleware(BodyLimit, max_bytes=MAX_BODY, message="the request body is too large")
