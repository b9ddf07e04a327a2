"""The candidates service object; handlers register on it, main.py builds the app."""

from pathlib import Path

from pydantic import model_validator

from services.common.service import Service
from services.common.settings import Settings


class CandidatesSettings(Settings):
    service_name: str = "candidates"

    # Retention: a candidate without activity this long is asked to renew consent; without a
    # renewal within the grace period the profile is erased through privacy's saga.
    retention_inactive_days: int = 730  # 24 months
    retention_grace_days: int = 30
    # One reminder this many days before the erasure date, to those the first mail reached;
    # 0: no reminder. Must be shorter than the grace period.
    retention_reminder_days: int = 7
    retention_sweep_seconds: float = 3600.0
    retention_batch: int = 200  # renewal mails per sweep, so a first run does not flood SMTP

    # Where candidates open the renewal link: the public address of the gateway. Empty: the
    # gateway's own URL (right for local runs; production sets PUBLIC_URL).
    public_url: str = ""
    gateway_url: str = "http://127.0.0.1:8000"

    @model_validator(mode="after")
    def reminder_within_grace(self) -> "CandidatesSettings":
        if not 0 <= self.retention_reminder_days < self.retention_grace_days:
            raise ValueError("RETENTION_REMINDER_DAYS must lie between 0 and the grace period")
        return self

    @property
    def link_base(self) -> str:
        return (self.public_url or self.gateway_url).rstrip("/")


settings = CandidatesSettings()
service = Service("candidates", Path(__file__).parent / "migrations", settings=settings)
