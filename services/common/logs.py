"""JSON logs. Callers log ids and counts only, never personal data (DESIGN rule 3)."""

import logging
import sys

from pythonjsonlogger.json import JsonFormatter


def setup_logging(service: str, level: int = logging.INFO) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            static_fields={"service": service},
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Access logs carry URLs; ours carry no personal data, but keep them quiet by default.
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
    logging.getLogger("aiokafka").setLevel(logging.WARNING)
    # A line per internal call (several per registration): their failures are logged by us.
    logging.getLogger("httpx").setLevel(logging.WARNING)
