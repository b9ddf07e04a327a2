"""In production the gateway's /metrics answers Prometheus only (a bearer token), and no
service publishes /docs, /redoc or /openapi.json, which map every route and field."""

import base64
import os
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

from devstack.services import SERVICES
from tests.gateway.conftest import another_gateway

METRICS_TOKEN = base64.b64encode(os.urandom(32)).decode()
PRODUCTION = {
    "ENVIRONMENT": "production",
    "METRICS_TOKEN": METRICS_TOKEN,
    # The gateway uses no object store; production refuses the local stack's keys.
    "S3_ACCESS_KEY": "talent-gateway",
    "S3_SECRET_KEY": base64.b64encode(os.urandom(24)).decode(),
}


@pytest.fixture(scope="module")
def production_gateway(platform) -> Iterator[str]:
    with another_gateway(platform, PRODUCTION) as url:
        yield url


async def test_production_metrics_answer_only_the_bearer_of_the_metrics_token(
    production_gateway,
):
    async with httpx.AsyncClient(base_url=production_gateway) as http:
        assert (await http.get("/metrics")).status_code == 404
        wrong = {"Authorization": "Bearer " + base64.b64encode(os.urandom(32)).decode()}
        assert (await http.get("/metrics", headers=wrong)).status_code == 404
        scraped = await http.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
        assert scraped.status_code == 200 and "http_requests" in scraped.text
        assert (await http.get("/healthz")).status_code == 200  # health checks stay open


async def test_local_metrics_stay_open(platform):
    async with httpx.AsyncClient(base_url=platform.url("gateway")) as http:
        assert (await http.get("/metrics")).status_code == 200


PROBE = """
from starlette.testclient import TestClient
from services.{name}.main import app
client = TestClient(app)  # no lifespan: only the routes are asked
print(*(client.get(p).status_code for p in ("/docs", "/redoc", "/openapi.json")))
"""


@pytest.mark.parametrize("name", [n for n in SERVICES if n != "gateway"])
def test_no_service_publishes_its_api_map_in_production(platform, name):
    env = (
        platform.service_env(name)
        | PRODUCTION
        | {
            "MASTER_KEY": base64.b64encode(os.urandom(32)).decode(),
            "STAGING_KEY": base64.b64encode(os.urandom(32)).decode(),
        }
    )
    for environment, expected in (("production", "404 404 404"), ("local", "200 200 200")):
        result = subprocess.run(
            [sys.executable, "-c", PROBE.format(name=name)],
            env=env | {"ENVIRONMENT": environment},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        assert result.stdout.split("\n")[-2] == expected, (environment, result.stdout)
