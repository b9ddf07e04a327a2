"""The gateway's pure rules: the role matrix covers every route, lockout, passwords, the
registration form's mapping to intake's JSON. No infrastructure needed."""

from datetime import UTC, datetime, timedelta

import pytest
from starlette.datastructures import FormData
from starlette.routing import Mount

from services.gateway import domain
from services.gateway.main import app
from services.gateway.pages import registration_from


def concrete(path: str) -> str:
    """A real path for a route template: ids become a UUID, the catch-all a segment."""
    out = []
    for seg in path.split("/"):
        if seg.startswith("{") and seg.endswith(":path}"):
            out.append("x")
        elif seg.startswith("{"):
            out.append("0190c0de-0000-7000-8000-000000000001")
        else:
            out.append(seg)
    return "/".join(out)


def every_route(routes):
    """Routes of the app, included routers flattened (they are included without a prefix)."""
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from every_route(inner.routes)
        else:
            yield route


def test_every_route_of_the_gateway_is_governed_by_the_matrix():
    ungoverned = []
    seen = 0
    for route in every_route(app.routes):
        seen += 1
        if isinstance(route, Mount):
            assert domain.rule_for("GET", route.path + "/app.css") is not None
            continue
        for method in route.methods or ():
            if method == "HEAD":
                continue
            if domain.rule_for(method, concrete(route.path)) is None:
                ungoverned.append((method, route.path))
    # The forwarding catch-all accepts every method; the matrix decides which are served.
    ungoverned = [(m, p) for m, p in ungoverned if not p.startswith("/api/") or "{path" not in p]
    assert ungoverned == []
    assert seen > 40  # the walk really saw the pages and the API


def test_unknown_paths_and_methods_have_no_rule():
    assert domain.rule_for("GET", "/internal/keys/x") is None
    assert domain.rule_for("GET", "/api/unknown/x") is None
    assert domain.rule_for("DELETE", "/login") is None
    assert domain.rule_for("GET", "/api/gateway/usersx") is None


def test_public_registration_but_not_the_rest_of_intake():
    assert domain.rule_for("POST", "/api/intake/registrations").public
    assert not domain.rule_for("GET", "/api/intake/review").public
    assert domain.rule_for("GET", "/api/intake/review").roles == (domain.RECRUITER,)


def test_admin_does_not_reach_candidates_personal_data():
    rule = domain.rule_for("GET", "/api/candidates/abc")
    assert not domain.allows(rule, domain.ADMIN)
    assert domain.allows(rule, domain.RECRUITER)
    assert not domain.allows(rule, None)


def test_dot_segments_are_refused():
    assert not domain.safe_path("/api/privacy/self-service/../requests")
    assert not domain.safe_path("/api/intake/registrations/..")
    assert domain.safe_path("/api/candidates/abc/notes")


NOW = datetime(2026, 1, 1, tzinfo=UTC)
LIMITS = domain.Throttle(
    window=timedelta(hours=1),
    free_failures=5,
    backoff=timedelta(seconds=30),
    backoff_max=timedelta(minutes=15),
    client_failures=100,
    global_failures=1000,
)


def failures(**counts: object) -> domain.Failures:
    return domain.Failures(
        **({"pair": 0, "pair_last": None, "client": 0, "client_oldest": None}
           | {"client_last": None, "total": 0} | counts)
    )  # fmt: skip


def test_five_failures_of_a_name_from_an_address_are_free_then_the_wait_doubles():
    assert domain.sign_in_wait(LIMITS, failures(pair=4, pair_last=NOW), NOW) is None
    waits = [
        domain.sign_in_wait(LIMITS, failures(pair=n, pair_last=NOW), NOW) for n in range(5, 12)
    ]
    assert [w.total_seconds() for w in waits] == [30, 60, 120, 240, 480, 900, 900]


def test_the_wait_runs_from_the_last_failure_and_ends():
    last = NOW - timedelta(seconds=20)
    assert domain.sign_in_wait(LIMITS, failures(pair=5, pair_last=last), NOW) == timedelta(
        seconds=10
    )
    assert (
        domain.sign_in_wait(LIMITS, failures(pair=50, pair_last=NOW - LIMITS.backoff_max), NOW)
        is None
    )


def test_an_address_with_too_many_failures_waits_until_the_oldest_decays():
    oldest = NOW - timedelta(minutes=45)
    got = domain.sign_in_wait(
        LIMITS, failures(client=100, client_oldest=oldest, client_last=NOW), NOW
    )
    assert got == timedelta(minutes=15)
    assert domain.sign_in_wait(LIMITS, failures(client=99, client_oldest=oldest), NOW) is None


def test_in_a_flood_only_addresses_that_failed_wait():
    flood = {"total": 1000}
    clean = failures(**flood)
    assert domain.sign_in_wait(LIMITS, clean, NOW) is None
    failed = failures(client=1, client_oldest=NOW, client_last=NOW, **flood)
    assert domain.sign_in_wait(LIMITS, failed, NOW) == LIMITS.backoff_max


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("short", False),
        ("aaaaaaaaaaaaaaaa", False),
        ("correct horse battery", True),
        ("x" * 300, False),
    ],
)
def test_password_rules(password, ok):
    assert (domain.password_problem(password) is None) is ok


def test_reads_of_personal_data_without_their_own_audit_are_audited_here():
    assert domain.audited_read("GET", "/api/crm/contacts/k-9") == ("read", "k-9")
    assert domain.audited_read("GET", "/api/crm/contacts/k-9/contact-moments") == ("read", "k-9")
    assert domain.audited_read("PATCH", "/api/crm/contacts/k-9") == (None, None)
    assert domain.audited_read("GET", "/api/privacy/requests/r-1/export") == ("read", None)
    review = "/api/intake/review/r-1/files/f-1"
    assert domain.audited_read("GET", review) == ("intake.review.read", None)
    # candidates and documents record their own reads: not twice
    assert domain.audited_read("GET", "/api/candidates/c-1") == (None, None)


def test_registration_form_becomes_intake_json():
    form = FormData(
        [
            ("first_name", "Sanne"),
            ("address.postcode", "1015 CJ"),
            ("functions_sought", "management_assistant"),
            ("functions_sought", "executive_secretary"),
            ("availability.hours_per_week", "32"),
            ("availability.regions", "Noord-Holland, Utrecht"),
            ("education.0.level", "hbo"),
            ("education.0.completed", "on"),
            ("work_experience.0.employer", ""),
            ("consent.accepted", "on"),
            ("csrf_token", "t"),
        ]
    )
    reg = registration_from(form)
    assert reg["first_name"] == "Sanne"
    assert reg["address"] == {"postcode": "1015 CJ", "country": "NL"}
    assert reg["functions_sought"] == ["management_assistant", "executive_secretary"]
    assert reg["availability"] == {"hours_per_week": 32, "regions": ["Noord-Holland", "Utrecht"]}
    assert reg["education"] == [{"level": "hbo", "completed": True}]
    assert reg["work_experience"] == []
    assert reg["consent"] == {"accepted": True, "privacy_statement_version": "2018-05"}
    assert reg["work_permit_nl"] is False
    assert "csrf_token" not in reg


def test_the_privacy_page_offers_exactly_what_privacy_lets_a_person_correct():
    # The form keeps its own copy (with a label for each field): it must not drift.
    from services.gateway import i18n, pages
    from services.privacy.domain import SELF_CORRECTABLE

    assert list(pages.CORRECTABLE) == list(SELF_CORRECTABLE)
    assert all(f"fix_{field}" in i18n.TEXT for field in pages.CORRECTABLE)
