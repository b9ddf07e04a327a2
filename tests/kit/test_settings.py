"""Secrets are checked when a service starts: in production none may be missing, short, or a
development default, and the error names the setting without showing its value."""

import base64
import os
import subprocess
import sys
from typing import Any

import pytest
from pydantic import ValidationError

from services.common.settings import Settings
from services.documents.bootstrap import DocumentsSettings
from services.gateway.bootstrap import GatewaySettings
from services.intake.bootstrap import IntakeSettings
from services.privacy.bootstrap import PrivacySettings


def key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def production(**values: Any) -> dict[str, Any]:
    """Everything a production service needs, changed by `values`."""
    return {
        "environment": "production",
        "service_token": base64.b64encode(os.urandom(32)).decode(),
        "blind_index_key": key(),
        "service_token_hashes": {"gateway": "ab" * 32},
        "s3_access_key": "talent-minio",
        "s3_secret_key": base64.b64encode(os.urandom(24)).decode(),
    } | values


def problems(settings_class: type[Settings], **values: Any) -> str:
    with pytest.raises(ValidationError) as caught:
        settings_class(**production(**values))
    return str(caught.value)


def test_production_settings_with_proper_secrets_are_accepted():
    assert Settings(**production()).environment == "production"
    assert PrivacySettings(**production(master_key=key())).master_key
    assert IntakeSettings(**production(staging_key=key())).staging_key


@pytest.mark.parametrize(
    ("field", "value", "named"),
    [
        ("service_token", "", "SERVICE_TOKEN"),
        ("service_token", "short-token", "SERVICE_TOKEN"),
        ("blind_index_key", "", "BLIND_INDEX_KEY"),
        ("blind_index_key", base64.b64encode(b"sixteen bytes!!!").decode(), "BLIND_INDEX_KEY"),
        ("blind_index_key", "not base64 at all ~~~", "BLIND_INDEX_KEY"),
        ("s3_secret_key", "devsecret-local-only", "S3_SECRET_KEY"),
        ("s3_access_key", "devaccess", "S3_ACCESS_KEY"),
        ("service_token_hashes", {}, "SERVICE_TOKEN_HASHES"),
    ],
)
def test_a_missing_short_or_development_secret_stops_production(field, value, named):
    message = problems(DocumentsSettings, **{field: value})
    assert named in message
    if isinstance(value, str) and len(value) > 3:
        assert value not in message  # the value is never shown, only what is wrong with it


def test_each_service_s_own_keys_are_checked_too():
    assert "MASTER_KEY" in problems(PrivacySettings, master_key="")
    assert "STAGING_KEY" in problems(IntakeSettings, staging_key=key()[:20])
    assert "METRICS_TOKEN" in problems(GatewaySettings, metrics_token="abc")
    assert "SMTP_PASSWORD" in problems(
        Settings, smtp_username="relay", smtp_password="", smtp_starttls="true"
    )


def test_credentials_are_never_sent_to_a_mail_relay_in_the_clear():
    assert "STARTTLS" in problems(Settings, smtp_username="relay", smtp_password="p" * 20)


def test_services_without_an_object_store_need_no_object_store_keys():
    # deploy/ gives gateway, candidates and crm no object-store credentials at all.
    assert Settings(**production(s3_access_key="devaccess", s3_secret_key="")).production


def test_local_runs_need_no_secrets():
    assert Settings(environment="local", service_token="").service_token == ""


def test_a_service_started_for_production_with_a_weak_secret_exits_naming_it():
    env = {k: v for k, v in os.environ.items() if k.upper() not in {"SERVICE_TOKEN"}}
    env |= {
        "ENVIRONMENT": "production",
        "SERVICE_TOKEN": "dev-token",
        "BLIND_INDEX_KEY": key(),
        "S3_ACCESS_KEY": "talent-minio",
        "S3_SECRET_KEY": "a-long-enough-object-store-secret",
        "MASTER_KEY": key(),
    }
    result = subprocess.run(
        [sys.executable, "-c", "import services.privacy.main"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "SERVICE_TOKEN" in result.stderr and "dev-token" not in result.stderr
    assert env["MASTER_KEY"] not in result.stderr
