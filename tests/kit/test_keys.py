"""Sealing personal fields with a subject key, and what shredding that key means."""

import os

import pytest

from services.common import keys


def test_sealed_fields_open_with_the_subject_key():
    key = os.urandom(32)
    token = keys.seal(key, {"email": "sanne@example.nl"}, "subject-1")
    assert "sanne" not in token
    assert keys.open_sealed(key, token, "subject-1") == {"email": "sanne@example.nl"}


def test_sealed_fields_do_not_open_with_another_key_or_subject():
    key = os.urandom(32)
    token = keys.seal(key, {"email": "sanne@example.nl"}, "subject-1")
    with pytest.raises(ValueError):
        keys.open_sealed(os.urandom(32), token, "subject-1")
    with pytest.raises(ValueError):  # the subject id is bound: no swapping tokens between people
        keys.open_sealed(key, token, "subject-2")


def test_blind_index_matches_the_same_person_written_differently():
    index_key = "c2VjcmV0LWtleS1mb3ItdGVzdHMtb25seS0xMjM0NTY="
    a = keys.blind_index(index_key, "email", " Sanne.deVries@Example.nl ")
    assert a == keys.blind_index(index_key, "email", "sanne.devries@example.nl")
    assert "sanne" not in a
    assert keys.blind_index(index_key, "phone", "06 12345678") == keys.blind_index(
        index_key, "phone", "+31 6 1234 5678"
    )
