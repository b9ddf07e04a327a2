"""`uvicorn services.crm.main:app`"""

from . import api, handlers  # noqa: F401  (handlers register their consumers on import)
from .bootstrap import service

app = service.create_app([api.router, api.internal])
