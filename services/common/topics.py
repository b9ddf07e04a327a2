"""The one topic catalogue: who produces, who consumes, partitions, retention and cleanup.

Kafka can add partitions later but that moves keys to other partitions (and so breaks the
per-subject order of events): choose the counts here. Every consumed topic has a dead-letter
topic named `<topic>.dlq`. The bus is a hand-off, not a store: every service keeps its state
in its own database, so events need only live long enough for a stopped consumer to catch up
and an operator to fix and replay; retention keeps sealed personal data from piling up.
"""

import argparse
import asyncio
import contextlib
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any

from aiokafka import TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.errors import TopicAlreadyExistsError, TopicAuthorizationFailedError, for_code
from aiokafka.protocol.admin import CreateAclsRequest

from .settings import Settings, kafka_client

DATA_SERVICES = ("intake", "candidates", "documents", "crm")  # hold personal data
HOUR = 3_600_000  # ms
DAY = 24 * HOUR
EVENT_RETENTION = 14 * DAY  # a consumer down over a long weekend, and a week to fix it
DEAD_LETTER_RETENTION = 90 * DAY  # an operator decides on every letter; give them time


@dataclass(frozen=True)
class Topic:
    name: str
    producers: tuple[str, ...]
    consumers: tuple[str, ...]
    partitions: int = 4
    # False only where the kit builds every record and none can hold personal data: the
    # erasure scan need not read it (the bus privacy scan in the tests still does).
    personal: bool = True
    retention_ms: int = EVENT_RETENTION
    # Compacted topics keep the latest record per key (and drop nothing else by age).
    compacted: bool = False

    @property
    def dlq(self) -> str:
        return f"{self.name}.dlq"

    @property
    def configs(self) -> dict[str, str]:
        """The topic's settings on the broker, applied by ensure_topics."""
        if self.compacted:
            return {"cleanup.policy": "compact"}
        configs = {"cleanup.policy": "delete", "retention.ms": str(self.retention_ms)}
        if self.retention_ms < DAY:
            # Retention deletes whole segments only: roll them often enough to matter.
            configs["segment.ms"] = str(max(self.retention_ms // 4, HOUR // 4))
        return configs


INTAKE_REGISTRATIONS = Topic(
    "intake.registrations", ("intake",), ("candidates", "documents", "privacy")
)
CANDIDATES_PROFILES = Topic("candidates.profiles", ("candidates",), ("intake",))
# An owner of people's records changed a person's email or phone (a recruiter's edit, a new crm
# contact): privacy's subject index follows (the keyed hashes, sealed). Its own topic, so
# privacy need not read every profile or relation event.
SUBJECTS_IDENTIFIERS = Topic("subjects.identifiers", ("candidates", "crm"), ("privacy",))
DOCUMENTS_OBJECTS = Topic("documents.objects", ("documents",), ("intake", "candidates"))
# candidates: proposals and placements are activity for retention.
CRM_RELATIONS = Topic("crm.relations", ("crm",), ("candidates",))
# Retention: a profile whose consent was not renewed in time, or whose owner asked from the
# renewal link to be forgotten; privacy runs its erasure saga for it.
CANDIDATES_RETENTION = Topic("candidates.retention", ("candidates",), ("privacy",))
# Likewise for business contacts without activity for crm's retention period.
CRM_RETENTION = Topic("crm.retention", ("crm",), ("privacy",))
# Subject-level decisions other services act on: unsubscribed, suppression lifted.
PRIVACY_REQUESTS = Topic("privacy.requests", ("privacy",), ("candidates", "crm"))
PRIVACY_ERASURE = Topic("privacy.erasure", ("privacy",), DATA_SERVICES)
PRIVACY_ERASURE_DONE = Topic("privacy.erasure.done", DATA_SERVICES, ("privacy",))
PRIVACY_ACCESS = Topic("privacy.access", ("privacy",), DATA_SERVICES)
PRIVACY_ACCESS_SLICES = Topic("privacy.access.slices", DATA_SERVICES, ("privacy",))
PRIVACY_RECTIFICATION = Topic("privacy.rectification", ("privacy",), ("candidates", "crm"))
PRIVACY_RECTIFICATION_DONE = Topic(
    "privacy.rectification.done", ("candidates", "crm"), ("privacy",)
)
OPS_AUDIT = Topic("ops.audit", ("gateway", "candidates", "documents", "privacy"), ("gateway",))
# The gateway watches the heartbeats and raises ops.alerts (silent service, backlog, lag).
OPS_HEALTH = Topic(
    "ops.health",
    (*DATA_SERVICES, "privacy", "gateway"),
    ("gateway",),
    partitions=1,
    personal=False,  # heartbeats: service name, version, lag, backlog (Service.heartbeat)
    retention_ms=6 * HOUR,  # only the latest beats matter; the watchdog reads minutes back
)
# Operators' decisions on dead letters (replayed, discarded): the dead-letter topics are
# immutable. Keyed by letter, so compaction keeps each letter's latest decision.
OPS_DEADLETTERS = Topic("ops.deadletters", ("ops",), (), partitions=1, compacted=True)
# The gateway keeps them for the pages and mails them to the role that acts (gateway/alerts.py).
OPS_ALERTS = Topic(
    "ops.alerts", ("privacy", "gateway"), ("gateway",), partitions=1, retention_ms=30 * DAY
)

CATALOGUE: tuple[Topic, ...] = (
    INTAKE_REGISTRATIONS,
    CANDIDATES_PROFILES,
    SUBJECTS_IDENTIFIERS,
    DOCUMENTS_OBJECTS,
    CRM_RELATIONS,
    CANDIDATES_RETENTION,
    CRM_RETENTION,
    PRIVACY_REQUESTS,
    PRIVACY_ERASURE,
    PRIVACY_ERASURE_DONE,
    PRIVACY_ACCESS,
    PRIVACY_ACCESS_SLICES,
    PRIVACY_RECTIFICATION,
    PRIVACY_RECTIFICATION_DONE,
    OPS_AUDIT,
    OPS_HEALTH,
    OPS_ALERTS,
    OPS_DEADLETTERS,
)

BY_NAME = {t.name: t for t in CATALOGUE}


def dead_letter_topic(topic: Topic) -> Topic:
    return Topic(
        topic.dlq,
        producers=topic.consumers,
        consumers=(),
        partitions=1,
        personal=topic.personal,
        retention_ms=DEAD_LETTER_RETENTION,
    )


def all_topics(personal_only: bool = False) -> list[Topic]:
    """Every topic, dead-letter topics included; with `personal_only`, those that can hold
    personal data."""
    topics = [t for t in CATALOGUE if t.personal or not personal_only]
    return topics + [dead_letter_topic(t) for t in topics if t.consumers]


def all_topic_names(personal_only: bool = False) -> list[tuple[str, int]]:
    """Every topic's name with its partition count (see all_topics)."""
    return [(t.name, t.partitions) for t in all_topics(personal_only)]


async def topic_configs(admin: AIOKafkaAdminClient, names: list[str]) -> dict[str, dict[str, str]]:
    """The broker's current settings of these topics (every key, defaults included)."""
    resources = [ConfigResource(ConfigResourceType.TOPIC, name) for name in names]
    found: dict[str, dict[str, str]] = {}
    for response in await admin.describe_configs(resources):
        for _error, _message, _type, name, entries in response.resources:
            found[name] = {entry[0]: entry[1] for entry in entries}
    return found


@contextlib.asynccontextmanager
async def _admin(kafka: str | Mapping[str, Any]) -> AsyncIterator[AIOKafkaAdminClient]:
    admin = AIOKafkaAdminClient(**kafka_client(kafka))
    await admin.start()
    try:
        yield admin
    finally:
        await admin.close()


async def partitions_on_broker(
    kafka: str | Mapping[str, Any], names: list[str] | None = None
) -> list[TopicPartition]:
    """Every partition of these topics that exists on the broker (default: every topic but
    Kafka's internal ones), as the broker has them now."""
    async with _admin(kafka) as admin:
        existing = [t for t in await admin.list_topics() if not t.startswith("__")]
        wanted = [t for t in existing if names is None or t in names]
        if not wanted:
            return []
        return [
            TopicPartition(topic["topic"], part["partition"])
            for topic in await admin.describe_topics(wanted)
            for part in topic["partitions"]
        ]


async def ensure_topics(kafka: str | Mapping[str, Any], replication: int = 1) -> list[str]:
    """Create every catalogue topic with its partitions and settings, and bring the settings
    of existing ones in line with the catalogue; returns the names created."""
    async with _admin(kafka) as admin:
        existing = set(await admin.list_topics())
        wanted = all_topics()
        missing = [t for t in wanted if t.name not in existing]
        if missing:
            # Another instance may create them at the same moment.
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(
                    [
                        NewTopic(t.name, t.partitions, replication, topic_configs=t.configs)
                        for t in missing
                    ]
                )
        present = [t for t in wanted if t.name in existing]
        current = await topic_configs(admin, [t.name for t in present]) if present else {}
        changed = [
            ConfigResource(ConfigResourceType.TOPIC, t.name, configs=t.configs)
            for t in present
            if any(current.get(t.name, {}).get(k) != v for k, v in t.configs.items())
        ]
        if changed:
            await admin.alter_configs(changed)
        return [t.name for t in missing]


async def refused_topics(kafka: str | Mapping[str, Any], names: list[str]) -> list[str]:
    """Those of these topics the broker does not let this client see: with ACLs, a consumer
    of such a topic only logs and waits (aiokafka), so a service checks at start instead."""
    async with _admin(kafka) as admin:
        described = await admin.describe_topics(names)
    refused = TopicAuthorizationFailedError.errno
    return sorted(t["topic"] for t in described if t["error_code"] == refused)


# --- ACLs: with SASL on (deploy/), each service's Kafka user may do what the catalogue says.

# The operations page (gateway) and the dead-letter CLI (an operator's user, "ops") read every
# dead-letter topic and replay a letter onto the topic it came from.
OPERATORS = ("gateway", "ops")
# Privacy's erasure check scans every topic that can hold personal data (sealed) for a subject.
SCANNER = "privacy"


@dataclass(frozen=True, order=True)
class Acl:
    """Allow `principal` to `operation` (READ or WRITE, each implying DESCRIBE) the topic or
    consumer group `name`: one binding, as Kafka's StandardAuthorizer stores it."""

    principal: str
    resource: str  # TOPIC or GROUP
    name: str
    operation: str

    def __str__(self) -> str:
        return f"User:{self.principal} {self.operation} {self.resource} {self.name}"


def acls() -> list[Acl]:
    """Every ACL binding of the bus, derived from the catalogue: a service writes the topics it
    produces (a consumer also the dead-letter topic of what it consumes) and reads the topics it
    consumes in its own consumer group; plus the operators' and the scanner's reads above."""
    found: set[Acl] = set()
    topics = all_topics()
    for topic in topics:
        found |= {Acl(p, "TOPIC", topic.name, "WRITE") for p in topic.producers}
        found |= {Acl(c, "TOPIC", topic.name, "READ") for c in topic.consumers}
        found |= {Acl(c, "GROUP", c, "READ") for c in topic.consumers}
    for origin in (t for t in CATALOGUE if t.consumers):
        for who in OPERATORS:
            found |= {
                Acl(who, "TOPIC", origin.dlq, "READ"),
                Acl(who, "TOPIC", origin.name, "WRITE"),
            }
    found.add(Acl("ops", "TOPIC", OPS_DEADLETTERS.name, "READ"))  # letters' status
    found |= {Acl(SCANNER, "TOPIC", t.name, "READ") for t in all_topics(personal_only=True)}
    return sorted(found)


# Kafka's protocol codes (org.apache.kafka.common.resource / acl).
_RESOURCE = {"TOPIC": 2, "GROUP": 3}
_OPERATION = {"READ": 3, "WRITE": 4}
_LITERAL, _ALLOW = 3, 3


async def apply_acls(kafka: str | Mapping[str, Any], bindings: list[Acl]) -> None:
    """Create the bindings on the broker (as a super user; creating an existing one is a
    no-op). aiokafka has the CreateAcls request but no admin method for it yet."""
    async with _admin(kafka) as admin:
        for acl in bindings:
            request = CreateAclsRequest(
                _RESOURCE[acl.resource],
                acl.name,
                _LITERAL,
                f"User:{acl.principal}",
                "*",
                _OPERATION[acl.operation],
                _ALLOW,
            )
            response = await admin._send_request(request)
            for code, message in response.creation_responses:
                if code:
                    raise for_code(code)(f"ACL {acl}: {message}")


def main(argv: list[str] | None = None) -> None:
    """`python -m services.common.topics --bootstrap HOST:PORT [--replication N] [--acls]`
    creates the catalogue's topics (deploy/: the topic job, as the Kafka administrator, with
    KAFKA_SASL_* from the environment) and with --acls applies the bindings;
    `python -m services.common.topics acls` prints the bindings, one a line."""
    parser = argparse.ArgumentParser(prog="python -m services.common.topics")
    parser.add_argument("command", nargs="?", choices=["create", "acls"], default="create")
    parser.add_argument("--bootstrap")
    parser.add_argument("--replication", type=int, default=1)
    parser.add_argument("--acls", action="store_true", help="also apply the ACL bindings")
    args = parser.parse_args(argv)
    if args.command == "acls":
        print("\n".join(str(acl) for acl in acls()))
        return
    if not args.bootstrap:
        parser.error("--bootstrap is required")
    kafka = Settings(kafka_bootstrap_servers=args.bootstrap).kafka_client()
    created = asyncio.run(ensure_topics(kafka, args.replication))
    print(f"created {len(created)} topics; {len(all_topic_names())} in the catalogue")
    if args.acls:
        bindings = acls()
        asyncio.run(apply_acls(kafka, bindings))
        print(f"applied {len(bindings)} ACL bindings")


if __name__ == "__main__":
    main()
