"""Schemathesis against every service's OpenAPI, as an employee with access: whatever the
input, no server error (5xx). Examples per operation are bounded and derandomized, so the
suite stays fast and a failure in CI is reproducible."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from devstack.services import SERVICES
from services.common.auth import allowed_callers

FUZZED = [name for name in SERVICES if name != "gateway"]  # the gateway only forwards


@pytest.mark.late  # as an admin it publishes odd statements, processors, ... for everyone
@pytest.mark.parametrize("service", FUZZED)
def test_no_input_makes_a_service_answer_with_a_server_error(service, platform):
    base_url = platform.url(service)
    schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json")
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert operations, f"{service} publishes no operations to fuzz"

    def credentials(path: str) -> dict[str, str]:
        """Each route as a service allowed to call it, so internal routes are fuzzed too."""
        caller = (*allowed_callers(service, path), "gateway")[0]
        return {
            "X-Service-Token": platform.env[f"{caller.upper()}_SERVICE_TOKEN"],
            "X-Actor-Id": "fuzzer",
            "X-Actor-Role": "admin",
        }

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=8,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def fuzz(case) -> None:
            case.call_and_validate(
                base_url=base_url,
                headers=credentials(case.operation.path),
                checks=[not_a_server_error],
                timeout=30,
            )

        try:
            fuzz()
        except Exception as exc:  # collect every failing operation, not just the first
            failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:2000]}")
    assert not failures, "server errors:\n" + "\n".join(failures)
