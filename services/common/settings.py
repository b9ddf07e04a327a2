"""Settings every service reads from its environment (12-factor: URLs only).

Outside local runs the secrets are checked as the settings load, so a service with a missing,
short or development secret does not start; the error names the setting, never its value."""

import base64
import binascii
import ssl
from collections.abc import Mapping
from functools import lru_cache
from typing import Any, ClassVar

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# Values that belong to local runs only (this file's and devstack's defaults).
DEVELOPMENT_VALUES = frozenset({"devaccess", "devsecret-local-only", "minioadmin", "changeme"})
MIN_SECRET_CHARS = 32  # a shared secret such as SERVICE_TOKEN: `openssl rand -base64 32`


def secret_problem(name: str, value: str, min_chars: int = MIN_SECRET_CHARS) -> str | None:
    if not value:
        return f"{name} is not set"
    if value in DEVELOPMENT_VALUES:
        return f"{name} is a development default"
    if len(value) < min_chars:
        return f"{name} is shorter than {min_chars} characters"
    return None


def key_problem(name: str, value: str) -> str | None:
    """A key: 32 random bytes, base64-encoded."""
    if not value:
        return f"{name} is not set"
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return f"{name} is not base64"
    return None if len(raw) == 32 else f"{name} must be 32 bytes, base64-encoded"


class Settings(BaseSettings):
    # Never echo a value in a validation error: it may be a secret.
    model_config = SettingsConfigDict(env_file=None, extra="ignore", hide_input_in_errors=True)

    service_name: str = "unnamed"
    uses_object_store: ClassVar[bool] = False  # intake, documents and privacy
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
    # The agency's relay: STARTTLS before anything else is said, then a login if a user is
    # configured (credentials only ever over TLS; SMTP_CA_FILE if it has a private CA).
    smtp_starttls: bool = False
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_ca_file: str = ""
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
            # As the service's own role (devstack's trust auth asks no password locally), so a
            # migration a command applies leaves tables the service itself owns.
            name = f"talent_{self.service_name}"
            self.database_url = f"postgresql://{name}@127.0.0.1:55432/{name}"
        return self

    @property
    def production(self) -> bool:
        return self.environment != "local"

    @property
    def api_docs(self) -> dict[str, str | None]:
        """FastAPI's /docs, /redoc and /openapi.json map every route and field: local runs
        (and the API fuzz tests) only. Pass to `create_app`."""
        return {"docs_url": None, "redoc_url": None, "openapi_url": None} if self.production else {}

    def secret_problems(self) -> list[str | None]:
        """What is wrong with the secrets for a production run; services add their own."""
        problems = [
            secret_problem("SERVICE_TOKEN", self.service_token),
            key_problem("BLIND_INDEX_KEY", self.blind_index_key),
        ]
        if not self.service_token_hashes:
            problems.append("SERVICE_TOKEN_HASHES is empty: one shared token, no route allowlist")
        if self.uses_object_store:  # the others get no object-store credentials (deploy/)
            problems += [
                secret_problem("S3_ACCESS_KEY", self.s3_access_key, min_chars=3),
                secret_problem("S3_SECRET_KEY", self.s3_secret_key, min_chars=16),
            ]
        if self.smtp_username:
            problems.append(secret_problem("SMTP_PASSWORD", self.smtp_password, min_chars=8))
            if not self.smtp_starttls:
                problems.append("SMTP_USERNAME is set without SMTP_STARTTLS: no login in clear")
        return problems

    @model_validator(mode="after")
    def secrets_fit_for_production(self) -> "Settings":
        if self.production:
            problems = [p for p in self.secret_problems() if p]
            if problems:
                raise ValueError("refusing to start: " + "; ".join(problems))
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
