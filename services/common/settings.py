"""Settings every service reads from its environment (12-factor: URLs only)."""

from functools import lru_cache

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=None, extra="ignore")

    service_name: str = "unnamed"
    environment: str = "local"  # "local" relaxes cookie Secure flags; anything else is production

    # Unset: this service's own database on the local stack (`make run`), so a command such
    # as `python -m services.gateway users add` reaches the same data as the running service.
    database_url: str = ""
    db_pool_max: int = 20
    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    topic_replication: int = 1  # production: 3 (deploy/)
    s3_endpoint: str = "http://127.0.0.1:8333"
    s3_access_key: str = "devaccess"
    s3_secret_key: str = "devsecret-local-only"  # noqa: S105 - the local stack only
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 8025
    mail_from: str = "Allegro Talent <noreply@allegrotalent.nl>"

    # Keyed hashes (blind index) of emails and phones, shared so services can match a person
    # without storing or sending the plaintext identifier.
    blind_index_key: str = ""
    mail_dir: str = ""  # local runs: where the SMTP sink writes (for tests and the README)

    # Shared secret the services present to each other's internal routes.
    service_token: str = Field(default="", min_length=0)
    privacy_url: str = "http://127.0.0.1:8005"
    intake_url: str = "http://127.0.0.1:8001"
    candidates_url: str = "http://127.0.0.1:8002"
    crm_url: str = "http://127.0.0.1:8003"
    documents_url: str = "http://127.0.0.1:8004"

    # Consumer retry policy: attempts in-process, then the dead-letter topic.
    consumer_max_attempts: int = 5
    consumer_backoff_seconds: float = 0.5  # 0.5, 1, 2, 4 s: rides out a short outage
    # Messages handled at once per service (each holds a pooled connection while it runs).
    consumer_concurrency: int = 8
    outbox_poll_seconds: float = 0.5
    # A crash redelivers at most a second's worth of messages, which the inbox absorbs.
    commit_interval_seconds: float = 1.0
    fetch_max_wait_ms: int = 500  # Kafka's default
    heartbeat_seconds: float = 10.0

    @model_validator(mode="after")
    def _own_database(self) -> "Settings":
        if not self.database_url:
            self.database_url = f"postgresql://postgres@127.0.0.1:55432/talent_{self.service_name}"
        return self


@lru_cache
def get_settings() -> Settings:
    return Settings()
