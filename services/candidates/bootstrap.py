"""The candidates service object; handlers register on it, main.py builds the app."""

from pathlib import Path

from services.common.service import Service

service = Service("candidates", Path(__file__).parent / "migrations")
