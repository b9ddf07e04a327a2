"""The privacy service object; handlers register on it, main.py builds the app."""

from pathlib import Path

from services.common.service import Service
from services.common.settings import Settings, key_problem


class PrivacySettings(Settings):
    uses_object_store = True
    service_name: str = "privacy"
    master_key: str = ""  # base64 of 32 bytes; wraps every subject key

    # Access exports: one archive per request, a short-lived link, deleted after a set period.
    export_bucket: str = "privacy-exports"
    export_keep_hours: float = 7 * 24
    export_link_minutes: int = 15
    # Deleted exports whose prefixes housekeeping empties again each round, for this long
    # after their deletion (see housekeeping: files a dead-lettered copy left behind).
    export_sweep_hours: float = 24.0

    # The housekeeping round: re-send missing answers, alerts, expired exports.
    housekeeping_seconds: float = 60.0
    resend_after_seconds: float = 300.0
    max_resends: int = 5  # then the request shows `error` and an officer can retry

    # Self-service abuse limits (per hour).
    codes_per_email_hour: int = 3
    requests_per_client_hour: int = 20
    # Whoever asks, from however many addresses: codes mailed, and wrong codes tried. Past
    # either, self-service answers 429 until the hour has passed (a flood must not become
    # a mail cannon or a guessing machine; the privacy officer still takes requests).
    codes_global_hour: int = 1000
    wrong_codes_global_hour: int = 1000
    # The completion mail of a self-service request: tried this often (at completion, then in
    # housekeeping rounds), then the address is deleted unsent.
    completion_mail_attempts: int = 5
    # Where people open the link in that mail: the public address of the gateway. Empty: the
    # gateway's own URL (right for local runs; production sets PUBLIC_URL).
    public_url: str = ""
    gateway_url: str = "http://127.0.0.1:8000"

    @property
    def link_base(self) -> str:
        return (self.public_url or self.gateway_url).rstrip("/")

    # The verification scan reads object contents up to this size.
    scan_max_object_bytes: int = 20 * 1024 * 1024
    # Scan jobs: how many run at once and are held (running + queued) per instance; how often
    # an instance touches its jobs, and after how long untouched a job counts as interrupted;
    # how long finished jobs are kept.
    scan_concurrency: int = 2
    scan_max_jobs: int = 8
    scan_tick_seconds: float = 1.0
    scan_stale_seconds: float = 15.0
    scan_keep_hours: float = 24.0

    def secret_problems(self) -> list[str | None]:
        return [*super().secret_problems(), key_problem("MASTER_KEY", self.master_key)]


settings = PrivacySettings()
service = Service("privacy", Path(__file__).parent / "migrations", settings=settings, uses_s3=True)
