"""Offsets committed while messages of one partition finish out of order (no broker needed)."""

from types import SimpleNamespace

from aiokafka import TopicPartition

from services.common.consumer import Offsets

TP = TopicPartition("t", 0)


def message(offset: int) -> SimpleNamespace:
    return SimpleNamespace(raw_message=SimpleNamespace(topic="t", partition=0, offset=offset))


def test_commit_stops_at_the_oldest_message_still_running():
    offsets = Offsets()
    m5, m6, m7 = message(5), message(6), message(7)
    for m in (m5, m6, m7):
        offsets.started(m)
    offsets.handled(m7)  # another subject, finished first
    assert offsets.committable() == {TP: 5}
    offsets.handled(m5)
    assert offsets.committable() == {TP: 6}
    offsets.handled(m6)
    assert offsets.committable() == {TP: 8}


def test_a_rewound_message_holds_the_commit_until_it_is_handled():
    offsets = Offsets()
    m3, m4 = message(3), message(4)
    offsets.started(m3)
    offsets.started(m4)
    offsets.handled(m4)  # m3 was nacked: never marked handled, redelivered later
    assert offsets.committable() == {TP: 3}
    offsets.started(m3)  # the redelivery
    offsets.handled(m3)
    assert offsets.committable() == {TP: 5}
