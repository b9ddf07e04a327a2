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
    gateway_admin_password: str = ""  # first admin's password for `ensure-admin`, if given
    # The watchdog over the services' heartbeats (services/gateway/watchdog.py).
    watchdog_seconds: float = 10.0
    watchdog_silent_seconds: float = 60.0  # six missed heartbeats
    watchdog_backlog_limit: int = 500
    watchdog_lag_limit: int = 1000
    # Alerts (services/gateway/alerts.py) are mailed to the mailbox of the role that acts on
    # them, a role's address rather than a person's; links in them point at the public
    # address of the gateway (production sets PUBLIC_URL).
    alert_mail_privacy_officer: str = "privacy@allegrotalent.nl"
    alert_mail_admin: str = "beheer@allegrotalent.nl"
    alert_mail_seconds: float = 5.0
    alert_mail_max_age_hours: int = 24  # older alerts are shown, not mailed
    public_url: str = "http://127.0.0.1:8000"

    @property
    def link_base(self) -> str:
        return self.public_url.rstrip("/")


settings = GatewaySettings()
service = Service("gateway", Path(__file__).parent / "migrations", settings=settings)
