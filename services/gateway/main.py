"""`uvicorn services.gateway.main:app`"""

from . import api
from .bootstrap import service

app = service.create_app([api.router])
