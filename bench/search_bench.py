"""Recruiter search at scale: load N generated candidates straight into the candidates
database, then time Dutch searches over HTTP.

    python -m bench.search_bench --dsn postgresql://…/talent_candidates \\
        --url http://127.0.0.1:8002 --n 100000          # token from SERVICE_TOKEN

prints JSON with p50/p95 over all queries and per query. The generated people are fictitious;
their rows go through the same derivation as real profiles (services.candidates.domain), so
the search index, filters and ranking are the service's own.
"""

import argparse
import asyncio
import base64
import json
import os
import random
import sys
import time
from datetime import date, timedelta
from typing import Any

import asyncpg
import httpx

from bench.stats import pct
from services.candidates import domain
from services.common.envelope import new_id

FIRST = [
    "Anna",
    "Sanne",
    "Eva",
    "Lotte",
    "Fleur",
    "Sophie",
    "Lisa",
    "Emma",
    "Julia",
    "Iris",
    "Noor",
    "Femke",
    "Daan",
    "Joris",
    "Thijs",
    "Ruben",
    "Bas",
    "Sem",
    "Mila",
    "Tess",
]
LAST = [
    "de Vries",
    "Jansen",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Dijk",
    "Dekker",
    "van Leeuwen",
]
PLACES = [
    ("Amsterdam", "10", "Noord-Holland"),
    ("Haarlem", "20", "Noord-Holland"),
    ("Utrecht", "35", "Utrecht"),
    ("Amersfoort", "38", "Utrecht"),
    ("Rotterdam", "30", "Zuid-Holland"),
    ("Den Haag", "25", "Zuid-Holland"),
    ("Leiden", "23", "Zuid-Holland"),
    ("Eindhoven", "56", "Noord-Brabant"),
    ("Breda", "48", "Noord-Brabant"),
    ("Arnhem", "68", "Gelderland"),
    ("Nijmegen", "65", "Gelderland"),
    ("Zwolle", "80", "Overijssel"),
    ("Groningen", "97", "Groningen"),
    ("Maastricht", "62", "Limburg"),
]
FUNCTIONS = {
    "executive_secretary": ["Directiesecretaresse", "Executive Secretary", "Bestuurssecretaris"],
    "management_assistant": ["Management Assistent", "Managementassistente", "Teamassistent"],
    "personal_assistant": ["Personal Assistant", "Persoonlijk assistent", "Office assistant"],
    "office_manager": ["Office manager", "Kantoormanager", "Facilitair coördinator"],
    "management_support": ["Managementondersteuner", "Secretaresse", "Officemedewerker"],
}
EMPLOYERS = [
    "Rabobank",
    "ING",
    "ABN AMRO",
    "Heineken",
    "Philips",
    "KPMG",
    "Deloitte",
    "Gemeente Utrecht",
    "Ministerie van Financiën",
    "Erasmus MC",
    "NS",
    "KLM",
    "Unilever",
    "Randstad",
    "Universiteit Leiden",
    "Ahold Delhaize",
    "ASML",
    "Shell",
]
TASKS = [
    "agendabeheer voor de directie",
    "notuleren van vergaderingen",
    "voorbereiden van de raad van bestuur",
    "organiseren van evenementen",
    "beheren van correspondentie",
    "plannen van zakenreizen",
    "facilitair beheer",
    "inkoop van kantoorartikelen",
    "ondersteuning van het managementteam",
    "opstellen van rapportages",
    "contact met stakeholders",
    "bewaken van deadlines",
    "verzorgen van de Engelse correspondentie",
    "projectondersteuning",
    "onboarding van nieuwe medewerkers",
    "budgetbeheer en facturatie",
]
CV_PHRASES = [
    "Ik ben een proactieve en representatieve professional",
    "met jarenlange ervaring in een dynamische omgeving",
    "Uitstekende beheersing van de Nederlandse en Engelse taal",
    "Kennis van Microsoft Office, SAP en AFAS",
    "Stressbestendig en discreet",
    "Ervaring met het notuleren van directievergaderingen",
    "Verantwoordelijk voor het complete agendabeheer van twee directeuren",
    "Vertrouwd met vertrouwelijke informatie en integriteit",
    "Gewend om zelfstandig te werken en prioriteiten te stellen",
    "Sterk in plannen, organiseren en communiceren",
    "Secretariële ondersteuning van de raad van commissarissen",
]
LEVELS = ["mbo", "mbo", "hbo", "hbo", "hbo", "wo", "havo", "vwo"]
TRAININGS = [
    "Notuleren",
    "Time management",
    "Excel gevorderd",
    "Zakelijk Engels",
    "Projectmanagement",
    "Bestuurssecretariaat",
    "Communicatieve vaardigheden",
]

QUERIES: list[dict[str, Any]] = [
    {"query": "directiesecretaresse"},
    {"query": "management assistent"},
    {"query": "notuleren vergaderingen"},
    {"query": "office manager", "region": "Utrecht"},
    {"query": "agendabeheer", "min_years_experience": 5},
    {"query": "secretaresse", "education_level": "hbo", "available_by": "2027-06-01"},
    {"query": "personal assistant engels"},
    {"query": "raad van bestuur", "page": 2},
    {"query": "facilitair inkoop", "postcode_area": "30"},
    {"function_type": "office_manager", "postcode_area": "10"},
]


def generate(rng: random.Random, today: date) -> tuple[dict[str, Any], str]:
    """One fictitious candidate profile and their CV text."""
    first, last = rng.choice(FIRST), rng.choice(LAST)
    city, area, province = rng.choice(PLACES)
    functions = rng.sample(list(FUNCTIONS), k=rng.choice([1, 1, 2]))
    start = today - timedelta(days=rng.randint(365, 365 * 25))
    jobs = []
    while start < today and len(jobs) < 5:
        end = start + timedelta(days=rng.randint(300, 365 * 6))
        title = rng.choice(FUNCTIONS[rng.choice(functions)])
        jobs.append({
            "employer": rng.choice(EMPLOYERS), "role": title, "start": start.isoformat(),
            "end": None if end >= today else end.isoformat(),
            "description": ", ".join(rng.sample(TASKS, k=3)).capitalize(),
        })  # fmt: skip
        start = end + timedelta(days=rng.randint(0, 120))
    unique = new_id()[-12:]
    profile = {
        "first_name": first, "last_name": last, "email": f"bench.{unique}@example.nl",
        "phone": f"+31 6 {rng.randint(10_000_000, 99_999_999)}",
        "address": {"street": "Dorpsstraat 1", "postcode": f"{area}{rng.randint(10, 99)} AB",
                    "city": city, "country": "NL"},
        "birth_date": (today - timedelta(days=rng.randint(20 * 365, 60 * 365))).isoformat(),
        "gender": rng.choice(["female", "female", "male", "other"]),
        "functions_sought": functions,
        "education": [{"level": rng.choice(LEVELS), "institution": "Hogeschool",
                       "programme": "Management Assistant", "completed": True}],
        "work_experience": jobs,
        "trainings": [{"name": t, "year": rng.randint(2005, 2025)}
                      for t in rng.sample(TRAININGS, k=2)],
        "languages": ["nl", "en"],
        "availability": {
            "available_from": (today + timedelta(days=rng.randint(-60, 400))).isoformat(),
            "hours_per_week": rng.choice([24, 32, 36, 40]),
            "regions": sorted({province, rng.choice(PLACES)[2]}),
        },
        "bench": True,  # marks generated rows, so a re-run can remove them
    }  # fmt: skip
    cv = ". ".join(rng.sample(CV_PHRASES, k=6) + [j["description"] for j in jobs]) + "."
    return domain.validate_profile(profile), cv


async def load_candidates(
    dsn: str, n: int, *, index_key: str | None = None, seed: int = 7, reset: bool = True
) -> list[str]:
    """Insert n generated candidates (with a CV text each) in bulk; returns their ids."""
    rng = random.Random(seed)  # noqa: S311 - fictitious test data, not security
    today = date.today()
    key = index_key or base64.b64encode(os.urandom(32)).decode()
    rows, cvs, ids = [], [], []
    for _ in range(n):
        profile, cv = generate(rng, today)
        d = domain.derive(profile, key, today)
        cid = new_id()
        ids.append(cid)
        rows.append((
            cid, json.dumps(profile), d.email_hash, d.phone_hash, d.function_types, d.regions,
            d.postcode_area, d.available_from, d.experience_months, d.experience_running,
            d.education_rank, d.text_a, d.text_b,
        ))  # fmt: skip
        cvs.append((new_id(), cid, cv))
    conn = await asyncpg.connect(dsn)
    try:
        async with conn.transaction():
            if reset:
                await conn.execute(
                    "DELETE FROM cv_texts WHERE candidate_id IN"
                    " (SELECT id FROM candidates WHERE profile ? 'bench')"
                )  # candidate_search rows go with their candidate (cascade)
                await conn.execute("DELETE FROM candidates WHERE profile ? 'bench'")
            await conn.execute(
                "CREATE TEMP TABLE bench_load (id text, profile text, email_hash text,"
                " phone_hash text, function_types text[], regions text[], postcode_area text,"
                " available_from date, experience_months int, experience_running date,"
                " education_rank smallint, text_a text, text_b text) ON COMMIT DROP"
            )
            await conn.copy_records_to_table("bench_load", records=rows)
            await conn.copy_records_to_table(
                "cv_texts", records=cvs, columns=["document_id", "candidate_id", "text"]
            )
            await conn.execute(
                "INSERT INTO candidates (id, profile, email_hash, phone_hash)"
                " SELECT id, profile::jsonb, email_hash, phone_hash FROM bench_load"
            )
            # The same vectors the service writes (store.index_for_search), in one pass.
            await conn.execute(
                "INSERT INTO candidate_search (candidate_id, function_types, regions,"
                " postcode_area, available_from, experience_months, experience_running,"
                " education_rank, rank_terms, search)"
                " SELECT id, function_types, regions, postcode_area, available_from,"
                " experience_months, experience_running, education_rank, terms,"
                " terms || setweight(to_tsvector('dutch', text_b), 'B')"
                " || setweight(to_tsvector('dutch', cv), 'C')"
                " FROM (SELECT b.*, c.text AS cv, setweight(to_tsvector('dutch', b.text_a), 'A')"
                " AS terms"
                " FROM bench_load b JOIN cv_texts c ON c.candidate_id = b.id) x"
            )
        # As autovacuum leaves a store in use: statistics current, GIN pending lists merged
        # and pages marked all-visible (a bulk load is measured as the store it becomes).
        for table in ("candidates", "candidate_search", "cv_texts"):
            await conn.execute(f"VACUUM (ANALYZE) {table}")
    finally:
        await conn.close()
    return ids


async def measure(
    url: str, headers: dict[str, str], rounds: int = 20, queries: list[dict[str, Any]] = QUERIES
) -> dict[str, Any]:
    """Each query `rounds` times, one at a time (latency, not throughput), after a warm-up."""
    every: list[float] = []
    per_query: list[dict[str, Any]] = []
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=30) as client:
        for body in queries:  # warm-up: plans and pages in cache
            (await client.post("/api/candidates/search", json=body)).raise_for_status()
        for body in queries:
            times: list[float] = []
            found: dict[str, Any] = {}
            for _ in range(rounds):
                started = time.perf_counter()
                resp = await client.post("/api/candidates/search", json=body)
                times.append(time.perf_counter() - started)
                resp.raise_for_status()
                found = resp.json()
            every += times
            per_query.append({
                "body": body, "total": found.get("total"),
                # true: more matches than the service counts ("1000+")
                "total_is_lower_bound": found.get("total_is_lower_bound", False),
                "items": len(found.get("items", [])),
                "p50_ms": pct(times, 50), "p95_ms": pct(times, 95),
            })  # fmt: skip
    return {
        "requests": len(every),
        "p50_ms": pct(every, 50),
        "p95_ms": pct(every, 95),
        "max_ms": pct(every, 100),
        "queries": per_query,
    }


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {"n": args.n}
    if args.n:
        started = time.perf_counter()
        await load_candidates(args.dsn, args.n, reset=not args.keep)
        out["load_seconds"] = round(time.perf_counter() - started, 1)
    headers = {"X-Service-Token": args.token, "X-Actor-Id": "bench", "X-Actor-Role": "recruiter"}
    out["search"] = await measure(args.url, headers, args.rounds)
    out["search"]["goal_p95_under_50ms"] = (out["search"]["p95_ms"] or 1e9) < 50
    return out


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search_bench")
    parser.add_argument("--dsn", required=True, help="the candidates service's database")
    parser.add_argument("--url", required=True, help="the candidates service")
    parser.add_argument("--n", type=int, default=100_000, help="candidates to load (0: none)")
    parser.add_argument("--rounds", type=int, default=20, help="runs of each query")
    parser.add_argument("--token", default=os.environ.get("SERVICE_TOKEN", ""))
    parser.add_argument("--keep", action="store_true", help="keep earlier generated rows")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(main_async(args)), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
