"""Settings a person relies on without knowing they exist."""

from devstack.infra import Ports
from devstack.services import database_url
from services.gateway.bootstrap import GatewaySettings


def test_user_commands_without_database_url_reach_the_database_make_run_gives_the_gateway(
    monkeypatch,
):
    # `python -m services.gateway users add` in a second terminal beside `make run`.
    monkeypatch.delenv("DATABASE_URL", raising=False)
    local_server = f"postgresql://postgres@127.0.0.1:{Ports().postgres}/postgres"
    assert GatewaySettings().database_url == database_url(local_server, "gateway")


def test_a_given_database_url_is_used_as_it_is(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://gw@db.internal:5432/gateway")
    assert GatewaySettings().database_url == "postgresql://gw@db.internal:5432/gateway"
