"""deploy/ cannot run here (no Docker engine); check what can be checked without one."""

import re
import subprocess
import sys
from pathlib import Path

import yaml

from devstack.services import SERVICES

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def test_compose_file_is_valid_against_the_compose_specification():
    checker = Path(sys.executable).parent / "check-jsonschema"
    result = subprocess.run(
        [str(checker), "--builtin-schema", "vendor.compose-spec", str(DEPLOY / "compose.yaml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_service_is_deployed_with_its_own_database_role_and_health_check():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    init_sql = (DEPLOY / "postgres-init.sql").read_text()
    init_sh = (DEPLOY / "postgres-init.sh").read_text()
    for name in SERVICES:
        service = compose["services"][name]
        env = service["environment"]
        assert env["SERVICE_NAME"] == name
        # Its own role, with its own password; never the superuser's.
        role = f"talent_{name}"
        password = f"{name.upper()}_DATABASE_PASSWORD"
        assert env["DATABASE_URL"] == (
            f"postgresql://{role}:${{{password}:?}}@postgres:5432/talent_{name}"
        )
        assert "POSTGRES_PASSWORD" not in str(env)
        assert re.search(
            rf"^CREATE ROLE {role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE"
            rf" PASSWORD :'{name}_password';$",
            init_sql,
            re.M,
        )
        assert f"CREATE DATABASE talent_{name} OWNER {role};" in init_sql
        assert f"REVOKE ALL ON DATABASE talent_{name} FROM PUBLIC;" in init_sql
        assert f'-v {name}_password="${password}"' in init_sh
        assert compose["services"]["postgres"]["environment"][password] == f"${{{password}:?}}"
        assert "healthcheck" in service and "/healthz" in str(service["healthcheck"]["test"])
    # Only the gateway is reachable from outside; the master key only reaches privacy.
    assert [n for n, s in compose["services"].items() if s.get("ports")] == ["gateway"]
    assert [
        n for n, s in compose["services"].items() if "MASTER_KEY" in (s.get("environment") or {})
    ] == ["privacy"]


def test_image_runs_as_non_root_with_the_same_command_as_local_runs():
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert re.search(r"^USER app$", dockerfile, re.M)
    assert "uvicorn services.${SERVICE_NAME}.main:app" in dockerfile
    local = (ROOT / "devstack" / "services.py").read_text()
    assert 'f"services.{name}.main:app"' in local


def test_topic_job_creates_the_catalogue_on_a_real_broker(endpoints):
    result = subprocess.run(
        [sys.executable, "-m", "services.common.topics", "--bootstrap", endpoints.kafka_bootstrap],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "in the catalogue" in result.stdout
