"""The gateway service object; main.py builds the app."""

from pathlib import Path

from services.common.service import Service
from services.common.settings import Settings


class GatewaySettings(Settings):
    service_name: str = "gateway"
    session_idle_minutes: int = 60
    session_max_hours: int = 10
    upstream_timeout_seconds: float = 30.0
    max_upload_bytes: int = 40 * 1024 * 1024  # a registration with CV and photo fits easily
    max_body_bytes: int = 1024 * 1024  # every other request: forms and JSON are small
    gateway_admin_password: str = ""  # first admin's password for `ensure-admin`, if given
    # The watchdog over the services' heartbeats (services/gateway/watchdog.py).
    watchdog_seconds: float = 10.0
    watchdog_silent_seconds: float = 60.0  # six missed heartbeats
    watchdog_backlog_limit: int = 500
    watchdog_lag_limit: int = 1000


settings = GatewaySettings()
service = Service("gateway", Path(__file__).parent / "migrations", settings=settings)
