"""The screening rules and upload checks, as pure functions (no stack needed)."""

import io
import zipfile
from datetime import date

import pytest
from pydantic import ValidationError

from services.intake import domain
from tests.helpers import example

TODAY = date(2026, 11, 26)


def registration(**changes) -> domain.Registration:
    return domain.Registration.model_validate(example("registration-accepted") | changes)


def outcome(reg: domain.Registration) -> tuple[str, dict[str, str]]:
    result = domain.screen(reg, domain.load_criteria(), TODAY)
    return result.outcome, {r.criterion: r.result for r in result.reasons}


def test_the_published_examples_are_accepted_and_rejected():
    accepted = domain.screen(registration(), domain.load_criteria(), TODAY)
    assert accepted.outcome == "accepted"
    assert all(r.result == "met" for r in accepted.reasons)
    rejected_reg = domain.Registration.model_validate(example("registration-rejected"))
    rejected = domain.screen(rejected_reg, domain.load_criteria(), TODAY)
    assert rejected.outcome == "rejected"
    reasons = {r.criterion: r for r in rejected.reasons}
    assert reasons["age"].result == "unmet" and reasons["age"].value == 16
    assert reasons["function"].result == "unmet"
    assert reasons["function"].value == ["software_engineer"]


def test_a_phone_someone_else_gave_sends_the_registration_to_a_recruiter():
    accepted = domain.screen(registration(), domain.load_criteria(), TODAY)
    flagged = domain.flag_known_phone(accepted)
    assert flagged.outcome == "needs_review"
    assert flagged.reasons[-1].model_dump() == {
        "criterion": "known_phone",
        "value": None,
        "result": "review",
    }
    rejected_reg = domain.Registration.model_validate(example("registration-rejected"))
    rejected = domain.screen(rejected_reg, domain.load_criteria(), TODAY)
    assert domain.flag_known_phone(rejected).outcome == "rejected"


def test_the_confirmation_mail_is_dutch_and_carries_the_link_and_how_long_it_works():
    subject, body = domain.confirmation_mail("https://x.example/register/confirm/a/b", 24)
    assert "Bevestig" in subject
    assert "https://x.example/register/confirm/a/b" in body and "24 uur" in body
    assert body.startswith("Beste,")  # no name: whoever registered may not own the address


def test_every_decision_names_its_criteria_version_and_each_criterion_with_its_value():
    result = domain.screen(registration(), domain.load_criteria(), TODAY)
    assert result.criteria_version == domain.load_criteria().version
    assert {r.criterion for r in result.reasons} == set(domain.load_criteria().criteria)
    assert {r.criterion: r.value for r in result.reasons}["age"] == 36


def test_turning_18_today_is_old_enough_and_tomorrow_is_not():
    assert outcome(registration(birth_date="2008-11-26"))[1]["age"] == "met"
    result, reasons = outcome(registration(birth_date="2008-11-27"))
    assert (result, reasons["age"]) == ("rejected", "unmet")


def test_no_work_permit_or_no_dutch_is_rejected():
    assert outcome(registration(work_permit_nl=False))[0] == "rejected"
    assert outcome(registration(languages=["en"]))[1]["dutch_language"] == "unmet"


def test_one_served_function_among_others_is_enough():
    assert outcome(registration(functions_sought=["software_engineer", "office_manager"]))[0] == (
        "accepted"
    )


def test_little_relevant_experience_goes_to_a_recruiter():
    jobs = [
        {"employer": "Bakkerij", "role": "Verkoper", "start": "2015-01-01", "end": None},
        {"employer": "Acme", "role": "Office Manager", "start": "2025-06-01", "end": None},
    ]
    result, reasons = outcome(registration(work_experience=jobs))
    assert result == "needs_review"
    assert reasons["experience"] == "review"


def test_overlapping_jobs_count_once():
    jobs = [
        domain.Job(
            employer="A", role="Management assistant", start=date(2020, 1, 1), end=date(2021, 1, 1)
        ),
        domain.Job(employer="B", role="Secretaresse", start=date(2020, 6, 1), end=date(2021, 1, 1)),
    ]
    assert domain.relevant_experience_years(jobs, ["assistant", "secretar"], TODAY) == 1.0


def test_education_below_the_minimum_or_unfinished_goes_to_a_recruiter():
    low = [{"level": "vmbo", "institution": "X", "start": "2000-01-01", "completed": True}]
    unfinished = [{"level": "hbo", "institution": "Y", "start": "2010-01-01", "completed": False}]
    assert outcome(registration(education=low))[1]["education"] == "review"
    assert outcome(registration(education=unfinished))[0] == "needs_review"


def test_a_rejecting_criterion_outweighs_one_for_review():
    assert outcome(registration(education=[], work_permit_nl=False))[0] == "rejected"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"phone": "12"}, "phone"),
        ({"phone": "call me maybe"}, "phone"),
        ({"address": {"street": "X 1", "postcode": "0123 AB", "city": "Y"}}, "address.postcode"),
        ({"birth_date": "2990-01-01"}, "birth_date"),
        ({"birth_date": "12-04-1990"}, "birth_date"),
        ({"functions_sought": []}, "functions_sought"),
        (
            {"consent": {"privacy_statement_version": "2018-05", "accepted": False}},
            "consent.accepted",
        ),
        (
            {"consent": {"privacy_statement_version": "1999", "accepted": True}},
            "consent.privacy_statement_version",
        ),
        (
            {
                "work_experience": [
                    {"employer": "A", "role": "B", "start": "2020-01-01", "end": "2019-01-01"}
                ]
            },
            "work_experience.0",
        ),
        ({"first_name": "x" * 5000}, "first_name"),
        ({"unexpected": 1}, "unexpected"),
        (
            {"availability": {"available_from": "2027-01-04", "hours_per_week": "veel"}},
            "availability.hours_per_week",
        ),
    ],
)
def test_invalid_fields_are_named(changes, field):
    with pytest.raises(ValidationError) as err:
        registration(**changes)
    fields = [".".join(map(str, e["loc"])) for e in err.value.errors()]
    assert field in fields


def test_postcodes_are_normalised_for_the_netherlands_and_checked_abroad():
    assert registration().address.postcode == "1015 CJ"
    nl = {"street": "X 1", "postcode": "1015cj", "city": "A"}
    assert registration(address=nl).address.postcode == "1015 CJ"
    be = {"street": "Rue 1", "postcode": "1000", "city": "Brussel", "country": "BE"}
    assert registration(address=be).address.postcode == "1000"


def docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<document/>")
    return out.getvalue()


def test_uploads_are_judged_by_their_bytes_not_their_name():
    assert domain.sniff_cv(b"%PDF-1.7\n...") == domain.PDF
    assert domain.sniff_cv(docx()) == domain.DOCX
    other_zip = io.BytesIO()
    with zipfile.ZipFile(other_zip, "w") as z:
        z.writestr("evil.exe", "MZ")
    assert domain.sniff_cv(other_zip.getvalue()) is None
    assert domain.sniff_cv(b"PK\x03\x04 broken") is None
    assert domain.sniff_cv(b"MZ\x90\x00") is None
    assert domain.sniff_photo(b"\xff\xd8\xff\xe0rest") == domain.JPEG
    assert domain.sniff_photo(b"\x89PNG\r\n\x1a\nrest") == domain.PNG
    assert domain.sniff_photo(b"GIF89a") is None


def test_the_rejection_notice_is_dutch_and_names_the_unmet_criteria():
    _subject, body = domain.rejection_mail("Daan", domain.load_criteria(), ["age", "function"])
    assert "Beste Daan" in body
    assert "Leeftijd" in body and "minimaal 18 jaar" in body
    assert "Gezochte functie" in body
    assert "vernietigd" in body
    assert "Opleidingsniveau" not in body
