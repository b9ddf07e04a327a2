"""The intake service object; handlers register on it, main.py builds the app."""

from pathlib import Path

from pydantic import Field

from services.common.service import Service
from services.common.settings import Settings, key_problem


class IntakeSettings(Settings):
    uses_object_store = True
    # Rate limit of the public registration endpoint, per client address (INTAKE_* env).
    intake_registration_limit: int = 10
    intake_registration_window_seconds: int = 900
    # Wraps the per-registration keys of staged files (services/intake/staging.py); kept out of
    # the database and its backups, like privacy's MASTER_KEY.
    staging_key: str = ""
    # How long a registration whose address is already known waits for its owner to confirm.
    intake_confirmation_hours: int = Field(default=24, ge=1, le=168)
    # At most this many registrations wait for one address's owner (and as many mails went
    # there): more would let anyone fill a stranger's mailbox through our registration form.
    intake_unconfirmed_per_address: int = Field(default=3, ge=1, le=20)
    # Where the mailed confirmation link points: the gateway's public URL (PUBLIC_URL in
    # production), else its local address.
    public_url: str = ""
    gateway_url: str = "http://127.0.0.1:8000"

    @property
    def link_base(self) -> str:
        return (self.public_url or self.gateway_url).rstrip("/")

    def secret_problems(self) -> list[str | None]:
        return [*super().secret_problems(), key_problem("STAGING_KEY", self.staging_key)]


settings = IntakeSettings(service_name="intake")
service = Service("intake", Path(__file__).parent / "migrations", settings=settings, uses_s3=True)
