"""Settings a person relies on without knowing they exist."""

from urllib.parse import urlsplit

from devstack.infra import Ports
from devstack.services import database_url
from services.gateway.bootstrap import GatewaySettings


def test_user_commands_without_database_url_reach_the_database_make_run_gives_the_gateway(
    monkeypatch,
):
    # `python -m services.gateway users add` in a second terminal beside `make run`.
    monkeypatch.delenv("DATABASE_URL", raising=False)
    local_server = f"postgresql://postgres@127.0.0.1:{Ports().postgres}/postgres"
    given = urlsplit(database_url(local_server, "gateway", password="secret"))
    default = urlsplit(GatewaySettings().database_url)
    # The same server, database and role (locally no password is asked).
    assert (default.hostname, default.port, default.path, default.username) == (
        given.hostname,
        given.port,
        given.path,
        given.username,
    )


def test_a_given_database_url_is_used_as_it_is(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://gw@db.internal:5432/gateway")
    assert GatewaySettings().database_url == "postgresql://gw@db.internal:5432/gateway"
