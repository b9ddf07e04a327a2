"""The one topic catalogue: who produces, who consumes, how many partitions.

Partition counts are final: the local broker cannot add partitions later, so choose them here.
Every consumed topic has a dead-letter topic named `<topic>.dlq`.
"""

import argparse
import asyncio
import contextlib
from dataclasses import dataclass

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

DATA_SERVICES = ("intake", "candidates", "documents", "crm")  # hold personal data


@dataclass(frozen=True)
class Topic:
    name: str
    producers: tuple[str, ...]
    consumers: tuple[str, ...]
    partitions: int = 4
    # False only where the kit builds every record and none can hold personal data: the
    # erasure scan need not read it (the bus privacy scan in the tests still does).
    personal: bool = True

    @property
    def dlq(self) -> str:
        return f"{self.name}.dlq"

    def partition_for(self, producer: str) -> int | None:
        """On a topic several services write to, each writes its own partition (None: by key).

        The local broker appends to a partition with a conditional write to its object store;
        two producers appending to one partition at once make one of them retry about a second
        later, which was the tail of forget-me (four services acknowledge each erasure at the
        same moment, same subject, same partition). Readers of these topics need no order
        between different services' messages; Kafka itself does not care either way."""
        if len(self.producers) < 2 or producer not in self.producers:
            return None
        return self.producers.index(producer) % self.partitions


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
)
# Operators' decisions on dead letters (replayed, discarded): the dead-letter topics are immutable.
OPS_DEADLETTERS = Topic("ops.deadletters", ("ops",), (), partitions=1)
OPS_ALERTS = Topic("ops.alerts", ("privacy", "gateway"), (), partitions=1)

CATALOGUE: tuple[Topic, ...] = (
    INTAKE_REGISTRATIONS,
    CANDIDATES_PROFILES,
    SUBJECTS_IDENTIFIERS,
    DOCUMENTS_OBJECTS,
    CRM_RELATIONS,
    CANDIDATES_RETENTION,
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


def all_topic_names(personal_only: bool = False) -> list[tuple[str, int]]:
    """Every topic with its partition count, dead-letter topics included (one partition each);
    with `personal_only`, those that can hold personal data."""
    topics = [t for t in CATALOGUE if t.personal or not personal_only]
    names = [(t.name, t.partitions) for t in topics]
    names += [(t.dlq, 1) for t in topics if t.consumers]
    return names


async def ensure_topics(bootstrap: str, replication: int = 1) -> list[str]:
    """Create every catalogue topic with its final partition count; returns those created."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [
            NewTopic(name, num_partitions=parts, replication_factor=replication)
            for name, parts in all_topic_names()
            if name not in existing
        ]
        if missing:
            # Another instance may create them at the same moment.
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(missing)
        return [t.name for t in missing]
    finally:
        await admin.close()


if __name__ == "__main__":  # `python -m services.common.topics` (deploy/: the topic-init job)
    parser = argparse.ArgumentParser(prog="python -m services.common.topics")
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--replication", type=int, default=1)
    args = parser.parse_args()
    created = asyncio.run(ensure_topics(args.bootstrap, args.replication))
    print(f"created {len(created)} topics; {len(all_topic_names())} in the catalogue")
