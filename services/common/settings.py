"""Settings every service reads from its environment (12-factor: URLs only)."""

import ssl
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

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
    # Production (deploy/): SASL_PLAINTEXT or SASL_SSL with SCRAM-SHA-512, one user per service,
    # whose ACLs come from the topic catalogue. Locally: PLAINTEXT, no authentication.
    kafka_security_protocol: str = "PLAINTEXT"
    kafka_sasl_mechanism: str = "SCRAM-SHA-512"
    kafka_sasl_username: str = ""
    kafka_sasl_password: str = ""
    kafka_ssl_cafile: str = ""  # SSL/SASL_SSL: the broker's CA (default: the system's)
    # Locally every service creates the catalogue's topics at start; with ACLs on only the
    # topic job (an administrator) may, and the services leave topics alone.
    kafka_manage_topics: bool = True
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

    # This service's own credential for other services' routes, and the SHA-256 of every
    # service's token (name -> hex) to know who calls; empty: one token shared by all (auth.py).
    service_token: str = Field(default="", min_length=0)
    service_token_hashes: dict[str, str] = {}
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

    def kafka_client(self) -> dict[str, Any]:
        """The connection options of every Kafka client a service builds (aiokafka keywords)."""
        options: dict[str, Any] = {
            "bootstrap_servers": self.kafka_bootstrap_servers,
            "security_protocol": self.kafka_security_protocol,
        }
        if self.kafka_security_protocol in ("SSL", "SASL_SSL"):
            options["ssl_context"] = ssl.create_default_context(
                cafile=self.kafka_ssl_cafile or None
            )
        if self.kafka_security_protocol.startswith("SASL_"):
            options |= {
                "sasl_mechanism": self.kafka_sasl_mechanism,
                "sasl_plain_username": self.kafka_sasl_username,
                "sasl_plain_password": self.kafka_sasl_password,
            }
        return options


def kafka_client(kafka: "str | Mapping[str, Any]") -> dict[str, Any]:
    """aiokafka connection options from a bootstrap address (no authentication: the local
    stack, tests) or from Settings.kafka_client()."""
    return {"bootstrap_servers": kafka} if isinstance(kafka, str) else dict(kafka)


@lru_cache
def get_settings() -> Settings:
    return Settings()
