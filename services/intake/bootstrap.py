"""The intake service object; handlers register on it, main.py builds the app."""

from pathlib import Path

from services.common.service import Service

service = Service("intake", Path(__file__).parent / "migrations", uses_s3=True)
