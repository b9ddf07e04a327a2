"""Recruiter search: Dutch full text over the profile and the CV text, filters, relevance,
pagination; the unsubscribed never appear. A small Dutch corpus, isolated by a marker word."""

import random
import string

import pytest

from services.common.envelope import new_id
from tests.candidates.support import events, person
from tests.helpers import eventually, fetch


def job(role, employer, start, end, description):
    return {
        "role": role,
        "employer": employer,
        "start": start,
        "end": end,
        "description": description,
    }


def candidate(marker, first, last, functions, jobs, level, city, postcode, regions, available):
    return person(
        first_name=first,
        last_name=last,
        functions_sought=functions,
        work_experience=jobs,
        education=[
            {
                "level": level,
                "institution": "Hogeschool",
                "programme": "Opleiding",
                "completed": True,
            }
        ],
        address={"street": "Straat 1", "postcode": postcode, "city": city, "country": "NL"},
        availability={"available_from": available, "hours_per_week": 32, "regions": regions},
        trainings=[{"name": f"Training {marker}", "provider": "NCOI", "year": 2020}],
        internships=[],
        tests=[],
        references=[],
    )


@pytest.fixture(scope="module")
async def corpus(bus):
    marker = "".join(random.choices(string.ascii_lowercase, k=12))
    people = {
        "eva": candidate(
            marker,
            "Eva",
            "Jansen",
            ["executive_secretary"],
            [
                job(
                    "Directiesecretaresse",
                    "KPMG",
                    "2015-01-01",
                    None,
                    "Notuleren van vergaderingen van de raad van bestuur, agendabeheer directie",
                ),
            ],
            "hbo",
            "Utrecht",
            "3511 AB",
            ["Utrecht"],
            "2027-01-01",
        ),
        "fleur": candidate(
            marker,
            "Fleur",
            "Bakker",
            ["management_assistant"],
            [
                job(
                    "Management Assistent",
                    "Gemeente Amsterdam",
                    "2020-01-01",
                    "2022-01-01",
                    "Agendabeheer en ondersteuning van de wethouder",
                ),
            ],
            "mbo",
            "Amsterdam",
            "1012 AB",
            ["Noord-Holland"],
            "2027-06-01",
        ),
        "joris": candidate(
            marker,
            "Joris",
            "Visser",
            ["office_manager"],
            [
                job(
                    "Office manager",
                    "Rotterdamse Haven",
                    "2010-01-01",
                    "2020-01-01",
                    "Facilitair beheer, inkoop en personeelszaken",
                ),
            ],
            "wo",
            "Rotterdam",
            "3011 AA",
            ["Zuid-Holland"],
            "2026-12-01",
        ),
        "lotte": candidate(
            marker,
            "Lotte",
            "de Boer",
            ["personal_assistant"],
            [
                job("Personal assistant", "Startup BV", "2023-01-01", None, "Planning en reizen"),
            ],
            "mbo",
            "Den Haag",
            "2511 AA",
            ["Zuid-Holland"],
            "2028-01-01",
        ),
        "sophie": candidate(
            marker,
            "Sophie",
            "Smit",
            ["executive_secretary"],
            [
                job(
                    "Directiesecretaresse",
                    "Shell",
                    "2012-01-01",
                    None,
                    "Notuleren van vergaderingen van de raad van bestuur",
                ),
            ],
            "hbo",
            "Utrecht",
            "3512 AB",
            ["Utrecht"],
            "2027-01-01",
        ),
    }
    ids = {name: await bus.handoff(reg) for name, reg in people.items()}
    # Lotte is a directiesecretaresse only in her CV, which documents extracts and sends.
    await bus.cv(
        ids["lotte"],
        f"Curriculum vitae. Eerder werkzaam als directiesecretaresse bij een ministerie. {marker}",
    )
    await bus.publish(
        "privacy.requests",
        "subject.unsubscribed",
        ids["sophie"],
        {"request_id": "r-" + marker},
        source="privacy",
    )

    async def settled():
        cv = await fetch(
            bus.platform,
            "candidates",
            "SELECT 1 FROM candidate_search WHERE candidate_id = $1"
            " AND length(search) > length(rank_terms)",
            ids["lotte"],
        )
        gone = await fetch(
            bus.platform,
            "candidates",
            "SELECT 1 FROM candidates WHERE id = $1 AND status = 'unsubscribed'",
            ids["sophie"],
        )
        return cv and gone

    await eventually(settled, timeout=60)
    return marker, ids


async def search(recruiter, **body):
    resp = await recruiter.post("/api/candidates/search", json=body)
    assert resp.status_code == 200, resp.text
    return resp.json()


def names(result, ids):
    by_id = {v: k for k, v in ids.items()}
    return [by_id[i["id"]] for i in result["items"] if i["id"] in by_id]


async def test_dutch_search_ranks_the_profile_match_above_the_cv_only_match(recruiter, corpus):
    marker, ids = corpus
    # Without the marker: relevance as a recruiter meets it (others' candidates may be listed
    # too; what counts is the order of ours).
    result = await search(recruiter, query="directiesecretaresse", page_size=100)
    assert names(result, ids) == ["eva", "lotte"]  # Sophie unsubscribed: never in search
    ranks = {i["id"]: i["rank"] for i in result["items"]}
    assert ranks[ids["eva"]] > ranks[ids["lotte"]]
    eva = next(i for i in result["items"] if i["id"] == ids["eva"])
    assert (eva["first_name"], eva["last_name"], eva["city"]) == ("Eva", "Jansen", "Utrecht")
    assert eva["function_types"] == ["executive_secretary"] and eva["education_level"] == "hbo"
    # Both words in the profile beat one word in a CV; the marker keeps the count exact.
    result = await search(recruiter, query=f"directiesecretaresse vergaderingen {marker}")
    assert names(result, ids) == ["eva"] and result["total"] == 1


async def test_search_understands_dutch_word_forms(recruiter, corpus):
    marker, ids = corpus
    # "vergadering" finds "vergaderingen", "ondersteunen" finds "ondersteuning".
    assert names(await search(recruiter, query=f"vergadering {marker}"), ids) == ["eva"]
    assert names(await search(recruiter, query=f"ondersteunen {marker}"), ids) == ["fleur"]
    both = await search(recruiter, query=f"{marker} agendabeheer")
    assert sorted(names(both, ids)) == ["eva", "fleur"]
    assert names(await search(recruiter, query=f"{marker} -agendabeheer inkoop"), ids) == ["joris"]


async def test_search_filters_on_function_availability_region_experience_education(
    recruiter, corpus
):
    marker, ids = corpus

    async def found(**filters):
        return sorted(names(await search(recruiter, query=marker, **filters), ids))

    assert await found() == ["eva", "fleur", "joris", "lotte"]
    assert await found(function_type="executive_secretary") == ["eva"]
    assert await found(function_type=["office_manager", "personal_assistant"]) == ["joris", "lotte"]
    assert await found(available_by="2027-01-01") == ["eva", "joris"]
    assert await found(region="zuid-holland") == ["joris", "lotte"]
    assert await found(postcode_area="35") == ["eva"]
    assert await found(postcode_area="3011") == ["joris"]
    assert await found(min_years_experience=9) == ["eva", "joris"]
    assert await found(min_years_experience=2) == ["eva", "fleur", "joris", "lotte"]
    assert await found(education_level="hbo") == ["eva", "joris"]
    assert await found(education_level="hbo", region="Utrecht") == ["eva"]


async def test_search_results_come_in_pages_with_the_total(recruiter, corpus):
    marker, ids = corpus
    pages = [await search(recruiter, query=marker, page=p, page_size=3) for p in (1, 2, 3)]
    assert [len(p["items"]) for p in pages] == [3, 1, 0]
    assert {p["total"] for p in pages} == {4}
    assert {p["total_is_lower_bound"] for p in pages} == {False}  # counted, not estimated
    seen = [i["id"] for p in pages for i in p["items"]]
    assert sorted(seen) == sorted(v for k, v in ids.items() if k != "sophie")


async def test_more_of_the_query_in_functions_and_roles_ranks_higher_than_recency(bus, recruiter):
    marker = "".join(random.choices(string.ascii_lowercase, k=12))
    work = f"Personal planning, agendabeheer en notuleren. {marker}"
    people = {
        # "personal" and "assistant" in her function and role.
        "anna": candidate(
            marker, "Anna", "Mulder", ["personal_assistant"],
            [job("Personal assistant", "Philips", "2019-01-01", None, work)],
            "hbo", "Eindhoven", "5611 AB", ["Noord-Brabant"], "2027-01-01",
        ),
        # "assistant" in her function; "personal" only in what she did.
        "bas": candidate(
            marker, "Bas", "Peters", ["management_assistant"],
            [job("Secretaresse", "ASML", "2018-01-01", None, work)],
            "hbo", "Eindhoven", "5612 AB", ["Noord-Brabant"], "2027-01-01",
        ),
        # Both words only in what she did; registered last, so the most recent.
        "carla": candidate(
            marker, "Carla", "Bos", ["office_manager"],
            [job("Office manager", "KLM", "2017-01-01", None, f"Personal assistant werk. {work}")],
            "hbo", "Eindhoven", "5613 AB", ["Noord-Brabant"], "2027-01-01",
        ),
    }  # fmt: skip
    ids = {}
    for name, reg in people.items():  # one after the other: carla is updated last
        ids[name] = await bus.handoff(reg)

    async def all_three():
        result = await search(recruiter, query=f"personal assistant {marker}")
        return result if len(names(result, ids)) == 3 else None

    result = await eventually(all_three, timeout=60)
    assert names(result, ids) == ["anna", "bas", "carla"]
    ranks = [i["rank"] for i in result["items"]]
    assert ranks == sorted(ranks, reverse=True) and ranks[0] > ranks[1] > ranks[2]
    # Nothing of the query in anyone's functions or roles: the most recent first.
    result = await search(recruiter, query=f"agendabeheer {marker}")
    assert names(result, ids) == ["carla", "bas", "anna"]


async def test_every_search_is_audited_with_the_ids_it_showed(platform, recruiter, corpus):
    marker, ids = corpus
    await search(recruiter, query=f"directiesecretaresse {marker}")

    async def audited():
        return [
            e
            for e in await events(platform, "ops.audit")
            if e["data"].get("actor") == recruiter.headers["X-Actor-Id"]
        ]

    [event] = await audited()
    assert event["data"]["action"] == "candidate.search"
    assert sorted(event["data"]["subjects"]) == sorted([ids["eva"], ids["lotte"]])
    assert marker not in str(event)  # the query itself may hold a name: not logged


async def test_hostile_search_input_gets_a_clear_422(recruiter, corpus):
    for body, field in (
        ({"query": "x" * 201}, "query"),
        ({"page": 0}, "page"),
        ({"page_size": 1000}, "page_size"),
        ({"page": 101, "page_size": 100}, "page"),  # past the first 10,000: narrow it down
        ({"postcode_area": "DROP TABLE"}, "postcode_area"),
        ({"education_level": "phd"}, "education_level"),
        ({"min_years_experience": "veel"}, "min_years_experience"),
        ({"available_by": "morgen"}, "available_by"),
        ({"regio": "Utrecht"}, "regio"),
    ):
        resp = await recruiter.post("/api/candidates/search", json=body)
        assert resp.status_code == 422, body
        assert resp.json()["errors"][0]["field"] == field, resp.json()
    # Query syntax never reaches PostgreSQL as syntax: odd input is just words.
    for query in ["!!! ((( & | :*", "' OR 1=1 --", "de het een", "é ü ß 😀"]:
        resp = await recruiter.post("/api/candidates/search", json={"query": query})
        assert resp.status_code == 200, query


async def test_a_cv_that_arrives_before_its_profile_is_searchable_and_announced(bus, recruiter):
    # documents may answer faster than candidates reads the registration: the CV comes first.
    marker = "".join(random.choices(string.ascii_lowercase, k=12))
    subject = new_id()
    document_id = await bus.cv(subject, f"Ervaren officemanager bij een notariskantoor {marker}")

    async def cv_kept():
        return await fetch(
            bus.platform, "candidates", "SELECT 1 FROM cv_texts WHERE document_id = $1", document_id
        )

    await eventually(cv_kept, timeout=60)
    await bus.handoff(person(last_name="Vroeg"), subject=subject)

    found = (await recruiter.post("/api/candidates/search", json={"query": marker})).json()
    assert [i["id"] for i in found["items"]] == [subject]
    indexed = await eventually(lambda: _cv_indexed(bus.platform, subject, document_id), timeout=30)
    assert indexed


async def _cv_indexed(platform, subject: str, document_id: str) -> bool:
    return any(
        e["type"] == "cv.indexed" and e["data"]["document_id"] == document_id
        for e in await events(platform, "candidates.profiles", subject)
    )
