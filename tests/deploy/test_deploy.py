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


def test_each_service_talks_to_kafka_as_its_own_user_limited_by_the_catalogues_acls():
    from devstack.kafka import _sasl_properties
    from services.common.topics import acls

    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    start = (DEPLOY / "kafka-start.sh").read_text()
    for name in SERVICES:
        env = compose["services"][name]["environment"]
        assert env["KAFKA_SECURITY_PROTOCOL"] == "SASL_PLAINTEXT"
        assert env["KAFKA_SASL_MECHANISM"] == "SCRAM-SHA-512"
        assert env["KAFKA_SASL_USERNAME"] == name
        assert env["KAFKA_SASL_PASSWORD"] == f"${{{name.upper()}_KAFKA_PASSWORD:?}}"
        assert env["KAFKA_MANAGE_TOPICS"] == "false"  # the topics job's, under ACLs
    # The broker knows every user the ACLs name, and nobody else besides its administrator.
    users = set(re.search(r"^USERS=\((.*)\)$", start, re.M).group(1).split())
    assert users == {acl.principal for acl in acls()}
    kafka_env = compose["services"]["kafka"]["environment"]
    assert set(kafka_env) == {"KAFKA_ADMIN_PASSWORD"} | {
        f"{u.upper()}_KAFKA_PASSWORD" for u in users
    }
    # The same broker settings the ACL tests run (tests/kit/test_acls.py), as properties.
    tested = _sasl_properties(9092, 9093, {"admin": "${KAFKA_ADMIN_PASSWORD}"})
    for key in (
        "listener.security.protocol.map",
        "inter.broker.listener.name",
        "sasl.enabled.mechanisms",
        "sasl.mechanism.inter.broker.protocol",
        "listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config",
        "authorizer.class.name",
        "super.users",
        "allow.everyone.if.no.acl.found",
    ):
        assert f"\n{key}={tested[key]}\n" in start, key
    topics = compose["services"]["topics"]
    assert "--acls" in topics["command"]
    assert topics["environment"]["KAFKA_SASL_USERNAME"] == "admin"


def _locked(path: Path) -> dict[str, tuple[str, list[str]]]:
    """name -> (version, hashes) of a `make lock` file."""
    locked: dict[str, tuple[str, list[str]]] = {}
    for block in re.split(r"\n(?=\S)", path.read_text()):
        match = re.match(r"([A-Za-z0-9_.-]+)==(\S+)", block)
        if match:
            name = re.sub(r"[-_.]+", "-", match.group(1)).lower()
            locked[name] = (match.group(2), re.findall(r"--hash=sha256:([0-9a-f]{64})", block))
    return locked


def test_dependencies_are_locked_with_hashes_past_known_advisories():
    import tomllib

    from packaging.requirements import Requirement

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {
        "requirements.lock": project["dependencies"],
        "requirements-dev.lock": [
            *project["dependencies"],
            *project["optional-dependencies"]["dev"],
            *project["optional-dependencies"]["local"],
        ],
    }
    for lock, requirements in wanted.items():
        locked = _locked(ROOT / lock)
        assert all(hashes for _, hashes in locked.values()), lock
        assert "setuptools" in locked  # the build backend too: nothing fetched unpinned
        for line in requirements:
            req = Requirement(line)
            version, _ = locked[re.sub(r"[-_.]+", "-", req.name).lower()]
            assert req.specifier.contains(version, prereleases=True), (lock, line, version)
    # Floors past the advisories of packages a crafted upload or request reaches.
    last_affected = {"pypdf": "6.16.0", "starlette": "1.3.0", "python-multipart": "0.0.31"}
    declared = {Requirement(r).name: Requirement(r) for r in project["dependencies"]}
    for name, version in last_affected.items():
        assert not declared[name].specifier.contains(version), name
    # make and the image install exactly the locks.
    assert "--require-hashes -r requirements-dev.lock" in (ROOT / "Makefile").read_text()
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert "pip install --require-hashes -r requirements.lock" in dockerfile
    assert re.search(r"pip install --no-deps --no-build-isolation \.$", dockerfile, re.M)


def test_each_service_that_stores_objects_has_its_own_user_limited_to_its_buckets():
    import json

    from services.documents.bootstrap import DocumentsSettings
    from services.privacy.bootstrap import PrivacySettings

    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    users = {"intake", "documents", "privacy"}  # the services built with uses_s3=True
    for name in SERVICES:
        env = compose["services"][name]["environment"]
        assert "MINIO_ROOT" not in str(env)
        if name in users:
            assert env["S3_ACCESS_KEY"] == name
            assert env["S3_SECRET_KEY"] == f"${{{name.upper()}_S3_SECRET_KEY:?}}"
        else:
            assert "S3_ACCESS_KEY" not in env and "S3_SECRET_KEY" not in env
    assert {p.stem for p in (DEPLOY / "minio").glob("*.json")} == users
    script = (DEPLOY / "minio-users.sh").read_text()
    assert re.search(r"^for user in intake documents privacy; do$", script, re.M)

    def buckets(name: str, action: str) -> set[str]:
        """The buckets a user may do `action` in, by its policy."""
        policy = json.loads((DEPLOY / "minio" / f"{name}.json").read_text())
        return {
            r.removeprefix("arn:aws:s3:::").split("/")[0]
            for s in policy["Statement"]
            if s["Effect"] == "Allow" and action in s["Action"]
            for r in s["Resource"]
        }

    documents = DocumentsSettings()
    exports = PrivacySettings().export_bucket
    own = {documents.documents_bucket, documents.photos_bucket}
    assert buckets("documents", "s3:DeleteObjectVersion") == own
    assert buckets("documents", "s3:PutObject") == {*own, exports}
    assert buckets("intake", "s3:PutObject") == {exports}
    assert not buckets("intake", "s3:GetObject") and not buckets("intake", "s3:DeleteObject")
    assert buckets("privacy", "s3:DeleteObject") == buckets("privacy", "s3:PutObject") == {exports}
    assert buckets("privacy", "s3:GetObjectVersion") == {"*"}  # the erasure check reads all


def test_each_service_calls_the_others_with_its_own_token():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    for name in SERVICES:
        env = compose["services"][name]["environment"]
        assert env["SERVICE_TOKEN"] == f"${{{name.upper()}_SERVICE_TOKEN:?}}"
        assert env["SERVICE_TOKEN_HASHES"] == "${SERVICE_TOKEN_HASHES:?}"


PINNED = re.compile(r"^[a-z0-9.\-/]+:[\w.\-]+@sha256:[0-9a-f]{64}$")


def test_every_image_we_do_not_build_is_pinned_by_digest():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    pulled = {
        name: service["image"]
        for name, service in compose["services"].items()
        if "build" not in service  # ours: built from deploy/Dockerfile, here
    }
    assert {"postgres", "kafka", "minio", "prometheus"} <= pulled.keys()
    for name, image in pulled.items():
        assert PINNED.match(image), f"{name}: {image} is not pinned by digest"
    bases = re.findall(r"^FROM\s+(\S+)", (DEPLOY / "Dockerfile").read_text(), re.M)
    assert bases and all(PINNED.match(base) for base in bases), bases
    # Kafka in production is the version devstack runs and the tests pass on.
    pom = (ROOT / "devstack" / "kafka-broker" / "pom.xml").read_text()
    version = re.search(r"<kafka.version>([^<]+)</kafka.version>", pom)
    assert version and pulled["kafka"].startswith(f"apache/kafka:{version[1]}@"), pulled["kafka"]
