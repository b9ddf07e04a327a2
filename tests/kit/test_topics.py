"""The catalogue's topic settings hold on the real broker: retention, cleanup, partitions."""

from collections.abc import Awaitable

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from services.common.topics import (
    HOUR,
    OPS_DEADLETTERS,
    OPS_HEALTH,
    PRIVACY_ERASURE,
    all_topics,
    ensure_topics,
    topic_configs,
)
from tests.helpers import eventually


async def test_every_topic_has_the_catalogues_partitions_and_settings(platform):
    bootstrap = platform.endpoints.kafka_bootstrap
    await ensure_topics(bootstrap)  # what every service does at start
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        wanted = all_topics()
        described = {t["topic"]: t for t in await admin.describe_topics([t.name for t in wanted])}
        current = await topic_configs(admin, [t.name for t in wanted])
    finally:
        await admin.close()
    for topic in wanted:
        assert len(described[topic.name]["partitions"]) == topic.partitions, topic.name
        for key, value in topic.configs.items():
            assert current[topic.name][key] == value, (topic.name, key)
    # What the catalogue promises, read back as the broker reports it.
    assert int(current[OPS_HEALTH.name]["retention.ms"]) == 6 * HOUR
    assert int(current[OPS_HEALTH.name]["segment.ms"]) <= 6 * HOUR
    assert current[OPS_DEADLETTERS.name]["cleanup.policy"] == "compact"
    erasure_dlq = current[PRIVACY_ERASURE.dlq]
    assert int(erasure_dlq["retention.ms"]) > int(current[PRIVACY_ERASURE.name]["retention.ms"])


async def test_a_setting_changed_by_hand_is_put_back_at_the_next_start(platform):
    bootstrap = platform.endpoints.kafka_bootstrap
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.alter_configs(
            [ConfigResource(ConfigResourceType.TOPIC, OPS_HEALTH.name, {"retention.ms": "-1"})]
        )

        # A change reaches the broker through the controller's metadata log, a moment later.
        async def health_retention() -> str:
            return (await topic_configs(admin, [OPS_HEALTH.name]))[OPS_HEALTH.name]["retention.ms"]

        assert await eventually(lambda: _equals(health_retention(), "-1"), timeout=10)
        await ensure_topics(bootstrap)
        restored = OPS_HEALTH.configs["retention.ms"]
        assert await eventually(lambda: _equals(health_retention(), restored), timeout=10)
        segment = (await topic_configs(admin, [OPS_HEALTH.name]))[OPS_HEALTH.name]["segment.ms"]
    finally:
        await admin.close()
    assert segment == OPS_HEALTH.configs["segment.ms"]


async def _equals(value: Awaitable[str], expected: str) -> bool:
    return await value == expected
