"""`uvicorn services.intake.main:app`"""

from services.common.errors import BodyLimit

from . import api, handlers, staging, workers  # noqa: F401  (handlers register on import)
from .bootstrap import service, settings

service.on_start(lambda: staging.check(settings.staging_key))
service.background(lambda: workers.run(service))  # rejection notices, rate-limit sweep, gauges
app = service.create_app([api.router, api.internal], **settings.api_docs)
# An oversized registration is refused before a byte of it is parsed or spooled to disk.
app.add_middleware(
    BodyLimit,
    max_bytes=api.MAX_REQUEST_BYTES,
    message="the registration is too large (files: CV 10 MB, photo 5 MB)",
    paths=("/api/intake/registrations",),
)
