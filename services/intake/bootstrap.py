"""The intake service object; handlers register on it, main.py builds the app."""

from pathlib import Path

from services.common.service import Service
from services.common.settings import Settings, key_problem


class IntakeSettings(Settings):
    # Rate limit of the public registration endpoint, per client address (INTAKE_* env).
    intake_registration_limit: int = 10
    intake_registration_window_seconds: int = 900
    # Wraps the per-registration keys of staged files (services/intake/staging.py); kept out of
    # the database and its backups, like privacy's MASTER_KEY.
    staging_key: str = ""

    def secret_problems(self) -> list[str | None]:
        return [*super().secret_problems(), key_problem("STAGING_KEY", self.staging_key)]


settings = IntakeSettings(service_name="intake")
service = Service("intake", Path(__file__).parent / "migrations", settings=settings, uses_s3=True)
