"""Every internal route names the services that may call it: one left out answers 403 to all."""

import importlib

import pytest

from services.common.auth import INTERNAL_CALLERS

SERVICES = ("intake", "candidates", "crm", "documents", "privacy")


@pytest.mark.parametrize("service", SERVICES)
def test_every_internal_route_has_its_callers_listed(service):
    internal = importlib.import_module(f"services.{service}.api").internal  # /internal/...
    routes = {r.path for r in internal.routes}
    assert routes, "no internal routes found: the test would prove nothing"
    assert routes - set(INTERNAL_CALLERS.get(service, {})) == set()
