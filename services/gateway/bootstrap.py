"""The gateway service object; main.py builds the app."""

from datetime import timedelta
from pathlib import Path

from services.common.service import Service
from services.common.settings import Settings, secret_problem

from .domain import Throttle


class GatewaySettings(Settings):
    service_name: str = "gateway"
    session_idle_minutes: int = 60
    session_max_hours: int = 10
    upstream_timeout_seconds: float = 30.0
    max_upload_bytes: int = 40 * 1024 * 1024  # a registration with CV and photo fits easily
    max_body_bytes: int = 1024 * 1024  # every other request: forms and JSON are small
    gateway_admin_password: str = ""  # first admin's password for `ensure-admin`, if given
    # In production /metrics answers only a bearer of this token (Prometheus); unset: nobody.
    metrics_token: str = ""
    # Failed sign-ins (services/gateway/domain.py, Throttle): five free per name and address,
    # then a wait from 30 s doubling to 15 min; 100 per address and 1000 in all per hour.
    sign_in_window_seconds: float = 3600
    sign_in_free_failures: int = 5
    sign_in_backoff_seconds: float = 30
    sign_in_backoff_max_seconds: float = 900
    sign_in_client_failures: int = 100
    sign_in_global_failures: int = 1000
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
    # How long a claimed alert mail is held: far longer than one SMTP send may take, and the
    # wait before a mail whose sender died is tried again (alerts.mail_round).
    alert_mail_lease_seconds: float = 300.0
    public_url: str = "http://127.0.0.1:8000"

    @property
    def link_base(self) -> str:
        return self.public_url.rstrip("/")

    def secret_problems(self) -> list[str | None]:
        problems = super().secret_problems()
        if self.metrics_token:
            problems.append(secret_problem("METRICS_TOKEN", self.metrics_token))
        return problems

    @property
    def throttle(self) -> Throttle:
        return Throttle(
            window=timedelta(seconds=self.sign_in_window_seconds),
            free_failures=self.sign_in_free_failures,
            backoff=timedelta(seconds=self.sign_in_backoff_seconds),
            backoff_max=timedelta(seconds=self.sign_in_backoff_max_seconds),
            client_failures=self.sign_in_client_failures,
            global_failures=self.sign_in_global_failures,
        )


settings = GatewaySettings()
service = Service("gateway", Path(__file__).parent / "migrations", settings=settings)
