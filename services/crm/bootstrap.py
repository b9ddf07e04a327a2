"""The crm service object; handlers register on it, main.py builds the app."""

from pathlib import Path

from services.common.service import Service

service = Service("crm", Path(__file__).parent / "migrations")
