"""The privacy service object; handlers register on it, main.py builds the app."""

from pathlib import Path

from services.common.service import Service
from services.common.settings import Settings


class PrivacySettings(Settings):
    service_name: str = "privacy"
    master_key: str = ""  # base64 of 32 bytes; wraps every subject key


service = Service("privacy", Path(__file__).parent / "migrations", settings=PrivacySettings())
