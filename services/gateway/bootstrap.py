"""The gateway service object; main.py builds the app."""

from pathlib import Path

from services.common.service import Service

service = Service("gateway", Path(__file__).parent / "migrations")
