"""`uvicorn services.candidates.main:app`"""

from services.common.errors import BodyLimit

from . import api, entries, handlers, retention  # noqa: F401  (handlers register consumers)
from .bootstrap import service, settings

MAX_BODY = 1_000_000  # bytes; no candidate request comes near it

service.background(retention.loop)  # consent renewal requests, lapsed profiles to privacy

app = service.create_app(
    [api.public, api.named, api.router, entries.router, api.internal], **settings.api_docs
)
app.add_middleware(BodyLimit, max_bytes=MAX_BODY, message="the request body is too large")
