"""Pure candidate rules: no stack needed."""

from datetime import UTC, date, datetime, timedelta

import pytest

from services.candidates import domain
from tests.helpers import example

TODAY = date(2026, 11, 26)


def job(start, end):
    return {"role": "Management Assistant", "start": start, "end": end}


def test_experience_merges_overlapping_jobs_and_keeps_counting_the_current_one():
    profile = {
        "work_experience": [
            job("2010-01-01", "2012-01-01"),
            job("2011-01-01", "2013-01-01"),  # overlaps: counted once
            job("2020-01-01", None),
            job("2021-06-01", "2022-01-01"),  # inside the running job
            job("2030-01-01", None),  # not started: ignored
            job("2015-01-01", "2014-01-01"),  # ends before it starts: ignored
        ]
    }
    months, running = domain.experience(profile, TODAY)
    assert (months, running) == (36, date(2020, 1, 1))
    assert domain.years_of_experience(months, running, TODAY) == 9
    assert domain.years_of_experience(months, running, date(2027, 1, 1)) == 10


def test_highest_completed_education_counts():
    profile = {
        "education": [
            {"level": "MBO", "completed": True},
            {"level": "wo", "completed": False},
            {"level": "hbo"},
        ]
    }
    assert domain.education_rank(profile) == domain.EDUCATION_RANK["hbo"]
    assert domain.education_rank({}) == 0


def test_search_text_puts_functions_and_roles_first():
    profile = domain.profile_from_registration(example("registration-accepted"))
    first, rest = domain.search_texts(profile)
    assert "directiesecretaresse" in first and "Sanne" in first
    assert "Notuleren" in rest and "Rabobank" in rest
    assert domain.postcode_area(profile) == "1015"


def test_rectification_changes_one_field_and_rejects_what_is_not_a_field():
    profile = domain.profile_from_registration(example("registration-accepted"))
    fixed = domain.rectify(profile, "work_experience.1.employer", "Heineken Nederland")
    assert fixed["work_experience"][1]["employer"] == "Heineken Nederland"
    assert profile["work_experience"][1]["employer"] == "Heineken"  # the input is untouched
    for path, value in (
        ("salary", 1),
        ("consent", {}),
        ("work_experience.9.role", "x"),
        ("email", "geen email"),
        ("first_name.x", "y"),
        ("", "x"),
        ("birth_date", "31-12-1990"),
    ):
        with pytest.raises(domain.Rejected):
            domain.rectify(profile, path, value)


def test_client_export_holds_only_the_agreed_sections():
    profile = domain.profile_from_registration(example("registration-accepted"))
    shared = domain.client_export("c1", profile, ["education", "availability"])
    assert set(shared) == {"candidate_ref", "education", "availability", "leave"}
    assert domain.client_export("c1", profile, []) == {"candidate_ref": "c1"}


def test_registration_fields_beyond_the_profile_are_kept_but_hashes_are_not():
    fields = example("registration-accepted") | {
        "email_hash": "ab" * 32,
        "original_names": {"f": "cv.pdf"},
        "motivation": "Graag!",
    }
    profile = domain.profile_from_registration(fields)
    assert profile["motivation"] == "Graag!"
    assert "email_hash" not in profile and "original_names" not in profile


def test_search_relevance_levels_count_the_query_words_found_in_functions_and_roles():
    # As PostgreSQL prints websearch_to_tsquery('dutch', 'personal assistant engels').
    levels = domain.relevance_levels("'personal' & 'assistant' & 'engel'")
    assert [rank for *_, rank in levels] == pytest.approx([1, 2 / 3, 1 / 3, 0])
    holds, above, _ = levels[1]
    assert (
        holds
        == "( 'personal' & 'assistant' ) | ( 'personal' & 'engel' ) | ( 'assistant' & 'engel' )"
    )
    assert above == "( 'personal' & 'assistant' & 'engel' )"
    assert levels[-1][:2] == (None, "( 'personal' ) | ( 'assistant' ) | ( 'engel' )")
    # No words (only negations, or stop words only): one level, everything that matches.
    assert domain.relevance_levels("!'agendabeheer'") == [(None, None, 0.0)]
    assert domain.relevance_levels("") == [(None, None, 0.0)]


def test_search_query_words_leave_out_what_is_excluded_and_keep_quoting():
    printed = "'it''s' <-> 'a\\\\b' & !( 'raad' <-> 'bestur' ) & !'inkop' & 'it''s'"
    assert domain.query_words(printed) == ["'it''s'", "'a\\\\b'"]
    # A long query keeps its all-words and any-word levels, not every combination between.
    words = " & ".join(f"'w{i}'" for i in range(7))
    assert [rank for *_, rank in domain.relevance_levels(words)] == pytest.approx(
        [1, 6 / 7, 1 / 7, 0]
    )


# --- retention ------------------------------------------------------------------------------


def test_retention_asks_after_the_inactive_period_and_erases_after_the_grace_period():
    policy = domain.RetentionPolicy(inactive=timedelta(days=730), grace=timedelta(days=30))
    now = datetime(2026, 11, 26, 12, tzinfo=UTC)
    assert policy.asked_if_inactive_since(now) == datetime(2024, 11, 26, 12, tzinfo=UTC)
    assert policy.lapsed_if_asked_before(now) == datetime(2026, 10, 27, 12, tzinfo=UTC)
    assert policy.erasure_on(now) == datetime(2026, 12, 26, 12, tzinfo=UTC)


def test_the_reminder_is_due_a_week_before_the_erasure_and_can_be_switched_off():
    week = timedelta(days=7)
    policy = domain.RetentionPolicy(timedelta(days=730), timedelta(days=30), reminder=week)
    now = datetime(2026, 11, 26, 12, tzinfo=UTC)
    asked_before = policy.remind_if_asked_before(now)
    assert asked_before == datetime(2026, 11, 3, 12, tzinfo=UTC)
    assert policy.erasure_on(asked_before) == now + week
    assert (
        domain.RetentionPolicy(timedelta(days=730), timedelta(days=30)).remind_if_asked_before(now)
        is None
    )
    subject, body = domain.reminder_mail(None, "https://x.nl/privacy/renew/t", date(2026, 12, 3))
    assert subject.startswith("Herinnering") and body.startswith("Beste kandidaat,")
    assert "03-12-2026" in body and "https://x.nl/privacy/renew/t" in body


def test_contact_counts_as_activity_but_reading_or_leaving_does_not():
    for kind in ("profile.created", "note.added", "placement.checked", "consent.renewed"):
        assert domain.is_activity(kind)
    for kind in ("cv.removed", "profile.unsubscribed", "renewal.requested", "audit.read"):
        assert not domain.is_activity(kind)


def test_renewal_links_are_single_use_and_expire():
    token, stored = domain.new_renewal_token()
    assert domain.TOKEN.fullmatch(token) and token not in stored
    assert domain.renewal_token_hash(token) == stored
    now = datetime(2026, 11, 26, tzinfo=UTC)
    later = now + timedelta(days=1)
    assert domain.token_problem(None, later, False, now) is None
    assert domain.token_problem(now, later, False, now)[0] == 409  # used
    assert domain.token_problem(None, now, False, now)[0] == 410  # expired
    assert domain.token_problem(None, later, True, now)[0] == 410  # being erased


def test_renewal_mail_is_dutch_names_the_date_and_offers_both_choices():
    subject, body = domain.renewal_mail("Sanne", "https://x.nl/privacy/renew/t", date(2026, 12, 26))
    assert subject == "Wil je ingeschreven blijven bij Allegro Talent?"
    assert body.startswith("Beste Sanne,") and "26-12-2026" in body
    assert "https://x.nl/privacy/renew/t" in body and "verwijderen" in body
    assert domain.renewal_mail(None, "l", date(2026, 12, 26))[1].startswith("Beste kandidaat,")
