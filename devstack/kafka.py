"""Apache Kafka for the local stack: one KRaft node (broker and controller) on 127.0.0.1.

The broker's runtime jars come from Maven Central once, through `mvn` and the pinned
kafka-broker/pom.xml, into a cache shared by every checkout on the machine (a fresh clone
or CI run costs no second download). Storage is formatted once per data directory, so a
restart on the same directory keeps every topic, offset and consumer group.
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import os
import re
import shutil
import subprocess
import uuid
from collections.abc import Mapping
from pathlib import Path

HERE = Path(__file__).resolve().parent / "kafka-broker"
POM = HERE / "pom.xml"
LOG_CONFIG = HERE / "log4j2.yaml"
MIN_JAVA = 17  # Kafka 4 brokers run on Java 17 and later
INSTALL_HINT = (
    "the local Kafka broker needs Java 17+ and Maven: install them "
    "(Debian: apt-get install openjdk-17-jre-headless maven) and run again"
)
# A small heap is plenty for a development broker; the serial collector keeps its GC threads
# off the two cores the services need. Only the quick (C1) JIT compiler: under the bench's
# load the optimising one (C2) spent about half the broker's CPU compiling, and a broker
# that handles tens of requests a second never earns that back (measured: request threads
# used the same CPU either way).
JVM_OPTIONS = [
    "-Xms128m",
    "-Xmx512m",
    "-XX:+UseSerialGC",
    "-XX:TieredStopAtLevel=1",
    "-XX:+ExitOnOutOfMemoryError",
    "-Djava.awt.headless=true",
]


class KafkaSetupError(RuntimeError):
    """Java or Maven is missing, or the jars could not be fetched, or storage not formatted."""


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "talent-platform"


def java() -> str:
    """The java executable, checked to be new enough."""
    found = shutil.which("java")
    if found is None:
        raise KafkaSetupError(f"java not found: {INSTALL_HINT}")
    out = subprocess.run(
        [found, "-version"], capture_output=True, text=True, check=False, timeout=30
    )
    match = re.search(r'version "(\d+)', out.stderr + out.stdout)
    if match is None or int(match.group(1)) < MIN_JAVA:
        raise KafkaSetupError(f"{found} is older than Java {MIN_JAVA}: {INSTALL_HINT}")
    return found


def jars(log: Path) -> Path:
    """The folder of the broker's runtime jars, fetched with Maven the first time.

    Keyed by the pom's content, so a version change fetches anew; a lock keeps two stacks
    starting at once (tests beside `make run`) from fetching into each other."""
    key = hashlib.sha256(POM.read_bytes()).hexdigest()[:12]
    target = cache_dir() / f"kafka-{key}"
    libs = target / "libs"
    if (target / "complete").exists():
        return libs
    mvn = shutil.which("mvn")
    if mvn is None:
        raise KafkaSetupError(f"mvn not found: {INSTALL_HINT}")
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.parent / f"kafka-{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (target / "complete").exists():
            return libs
        staging = target.parent / f"kafka-{key}.partial"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        shutil.copy(POM, staging / "pom.xml")  # Maven writes target/ beside the pom it runs
        with open(log, "ab") as out:
            result = subprocess.run(
                [
                    mvn,
                    "-q",
                    "-B",
                    "dependency:copy-dependencies",
                    "-DincludeScope=runtime",
                    f"-DoutputDirectory={staging / 'libs'}",
                ],
                cwd=staging,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                check=False,
                timeout=600,
            )
        if result.returncode != 0 or not any((staging / "libs").glob("kafka_2.13-*.jar")):
            raise KafkaSetupError(f"fetching Kafka with mvn failed; see {log}")
        shutil.rmtree(target, ignore_errors=True)
        staging.rename(target)
        (target / "complete").touch()
    return libs


SCRAM = "SCRAM-SHA-512"
ADMIN = "admin"  # the super user of a broker with authentication (topics, ACLs)


def _sasl_properties(port: int, controller_port: int, users: Mapping[str, str]) -> dict[str, str]:
    """Clients authenticate with SCRAM-SHA-512 and may do only what an ACL allows (as deploy/
    runs it); the local stack itself stays PLAINTEXT so `make run` needs no credentials."""
    jaas = (
        "org.apache.kafka.common.security.scram.ScramLoginModule required"
        f' username="{ADMIN}" password="{users[ADMIN]}";'
    )
    return {
        "listeners": f"SASL_PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller_port}",
        "advertised.listeners": f"SASL_PLAINTEXT://127.0.0.1:{port}",
        "listener.security.protocol.map": "SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT",
        "inter.broker.listener.name": "SASL_PLAINTEXT",
        "sasl.enabled.mechanisms": SCRAM,
        "sasl.mechanism.inter.broker.protocol": SCRAM,
        f"listener.name.sasl_plaintext.{SCRAM.lower()}.sasl.jaas.config": jaas,
        "authorizer.class.name": "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
        # The node's broker half reaches its controller half over the loopback-only
        # CONTROLLER listener, unauthenticated: that principal must be allowed everything.
        "super.users": f"User:{ADMIN};User:ANONYMOUS",
        "allow.everyone.if.no.acl.found": "false",
    }


def new_cluster_id() -> str:
    """22 characters of URL-safe base64, never starting with "-": the storage tool would take
    such an id for an option (one start in 64 failed so). Kafka's own Uuid does the same."""
    while True:
        cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not cluster_id.startswith("-"):
            return cluster_id


def server_properties(
    data: Path, port: int, controller_port: int, users: Mapping[str, str] | None = None
) -> str:
    """A single node that is both broker and controller, sized for a 2-core machine. With
    `users` (name -> password, `admin` among them), SASL/SCRAM and ACLs instead of PLAINTEXT."""
    settings = {
        "process.roles": "broker,controller",
        "node.id": "1",
        "controller.quorum.voters": f"1@127.0.0.1:{controller_port}",
        "listeners": f"PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller_port}",
        "advertised.listeners": f"PLAINTEXT://127.0.0.1:{port}",
        "controller.listener.names": "CONTROLLER",
        "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "inter.broker.listener.name": "PLAINTEXT",
        "log.dirs": str(data / "log"),
        # As in production (deploy/): topics come from the catalogue, never by accident.
        "auto.create.topics.enable": "false",
        "num.partitions": "1",
        "offsets.topic.replication.factor": "1",
        "offsets.topic.num.partitions": "1",
        "transaction.state.log.replication.factor": "1",
        "transaction.state.log.min.isr": "1",
        "transaction.state.log.num.partitions": "1",
        "share.coordinator.state.topic.replication.factor": "1",
        "share.coordinator.state.topic.min.isr": "1",
        "share.coordinator.state.topic.num.partitions": "1",
        "group.initial.rebalance.delay.ms": "0",  # one member per group: no one to wait for
        "num.network.threads": "2",
        "num.io.threads": "2",
        "num.recovery.threads.per.data.dir": "1",
        "background.threads": "2",
        "log.cleaner.threads": "1",
        "log.cleaner.dedupe.buffer.size": str(16 * 1024 * 1024),  # default 128 MB of heap
        "log.retention.check.interval.ms": str(60_000),
        # After a kill -9 the restarted node waits out its own old session before it serves.
        "broker.session.timeout.ms": "3000",
        "broker.heartbeat.interval.ms": "500",
    }
    if users is not None:
        settings |= _sasl_properties(port, controller_port, users)
    return "".join(f"{k}={v}\n" for k, v in settings.items())


def prepare(
    data: Path,
    port: int,
    controller_port: int,
    log: Path,
    users: Mapping[str, str] | None = None,
) -> list[str]:
    """Write the configuration, format storage the first time, and return the command that
    starts the broker in the foreground. `users` (see server_properties) get their SCRAM
    credentials when the storage is formatted, so they exist before the first client."""
    java_bin = java()
    libs = jars(log)
    data.mkdir(parents=True, exist_ok=True)
    props = data / "server.properties"
    # Rewritten at every start: the ports may differ, the storage stays.
    props.write_text(server_properties(data, port, controller_port, users))
    base = [
        java_bin,
        *JVM_OPTIONS,
        f"-Dlog4j2.configurationFile={LOG_CONFIG}",
        "-cp",
        f"{libs}/*",
    ]
    if not (data / "log" / "meta.properties").exists():
        cluster_id = new_cluster_id()
        scram = [
            arg
            for name, password in (users or {}).items()
            for arg in ("--add-scram", f"{SCRAM}=[name={name},password={password}]")
        ]
        with open(log, "ab") as out:
            result = subprocess.run(
                [
                    *base,
                    "kafka.tools.StorageTool",
                    "format",
                    "-t",
                    cluster_id,
                    "-c",
                    str(props),
                    *scram,
                ],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=data,
                check=False,
                timeout=120,
            )
        if result.returncode != 0:
            raise KafkaSetupError(f"formatting Kafka storage failed; see {log}")
    return [*base, "kafka.Kafka", str(props)]
