"""deploy/ cannot run here (no Docker engine); check what can be checked without one."""

import ipaddress
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


def test_every_service_is_deployed_with_its_own_database_and_health_check():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    init_sql = (DEPLOY / "postgres-init.sql").read_text()
    for name in SERVICES:
        service = compose["services"][name]
        env = service["environment"]
        assert env["SERVICE_NAME"] == name
        assert env["DATABASE_URL"].endswith(f"/talent_{name}")
        assert f"CREATE DATABASE talent_{name};" in init_sql
        assert "healthcheck" in service and "/healthz" in str(service["healthcheck"]["test"])
    # Only the gateway is reachable from outside; the master key only reaches privacy.
    assert [n for n, s in compose["services"].items() if s.get("ports")] == ["gateway"]
    assert [
        n for n, s in compose["services"].items() if "MASTER_KEY" in (s.get("environment") or {})
    ] == ["privacy"]


def test_client_addresses_are_taken_only_from_the_proxies_in_front():
    """The gateway trusts X-Forwarded-For from the TLS proxy in front of it only (the operator
    names it), and the services from the gateway only (its fixed address): a caller cannot
    pick the address its limits are counted under."""
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    gateway = compose["services"]["gateway"]
    assert gateway["environment"]["FORWARDED_ALLOW_IPS"].startswith("${TRUSTED_PROXIES:?")
    [(network, attached)] = gateway["networks"].items()
    address = attached["ipv4_address"]
    [config] = compose["networks"][network]["ipam"]["config"]
    fixed = ipaddress.ip_address(address)
    assert fixed in ipaddress.ip_network(config["subnet"])
    assert fixed not in ipaddress.ip_network(config["ip_range"])  # never handed to another
    for name in SERVICES:
        if name != "gateway":
            assert compose["services"][name]["environment"]["FORWARDED_ALLOW_IPS"] == address
    assert "TRUSTED_PROXIES" in (DEPLOY / "README.md").read_text()


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
