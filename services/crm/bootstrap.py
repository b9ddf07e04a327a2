"""The crm service object; handlers register on it, main.py builds the app."""

from pathlib import Path

from services.common.service import Service
from services.common.settings import Settings


class CrmSettings(Settings):
    service_name: str = "crm"
    # A contact person without activity this long is erased through privacy's saga.
    contact_retention_days: int = 730  # 24 months, as for candidates
    contact_retention_sweep_seconds: float = 3600.0


settings = CrmSettings()
service = Service("crm", Path(__file__).parent / "migrations", settings=settings)
