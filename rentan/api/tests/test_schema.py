"""Schemathesis against the API's own OpenAPI schema: every operation, with inputs drawn from
its documented parameters and bodies, answers without a server error and as its schema says
(the data and every documented refusal). The world of the access matrix gives the operations
records to find; the token is the admin's, who sees them all."""

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from rentan.accounts.tests.test_access_matrix import build_world
from rentan.api.tests.helpers import token_for
from rentan.registry.models import Person

pytestmark = pytest.mark.django_db

# Examples per operation: enough to reach each parameter's edges, few enough that the whole
# run stays within seconds on either database.
EXAMPLES = 8


def test_every_operation_answers_as_its_schema_says(tmp_path: Path, settings: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.RENTAN_API_RATE = "100000/min"
    world = build_world(tmp_path)
    headers = {"Authorization": f"Bearer {token_for(world.users['admin'])}"}
    with _connection_kept():
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    checks = [not_a_server_error, response_schema_conformance]
    operations: list[Any] = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) >= 20

    records = world.records
    known = {
        "person_id": records["person"][0]["pk"],
        "batch_id": records["batch"][0]["pk"],
        "cycle_id": records["cycle"][0]["cycle_id"],
        "bill_id": records["bill"][0]["pk"],
    }
    seen: Counter[tuple[str, int]] = Counter()
    for operation in operations:
        with _connection_kept():
            _drawn_cases(operation, headers=headers, checks=checks, seen=seen)()
        # Drawn ids rarely name a record: once more with the world's, so that each answer
        # with data is held to its schema too.
        names = {name for name in known if "{" + name + "}" in operation.path}
        if names or operation.label == "POST /api/v1/persons/lookup":
            body: Any = {"nik": Person.objects.get(pk=known["person_id"]).nik}
            case = operation.Case(path_parameters={name: known[name] for name in names})
            if operation.label.endswith("/lookup"):
                case = operation.Case(body=body)
            with _connection_kept():
                response = case.call_and_validate(headers=headers, checks=checks)
            seen[(operation.label, response.status_code)] += 1
    found = {label for (label, status), _n in seen.items() if status in (200, 201)}
    assert len(found) == len(operations) - 1, sorted(
        {o.label for o in operations} - found
    )  # every operation answered with data at least once (the upload: only refusals)


@contextmanager
def _connection_kept() -> Iterator[None]:
    """Django closes the database connection after each request it serves through WSGI,
    which would end the test's transaction; its test client keeps it open the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _drawn_cases(
    operation: Any, *, headers: dict[str, str], checks: list[Any], seen: Counter[Any]
) -> Any:
    @given(case=operation.as_strategy())
    @settings_for_api
    def check(case: Any) -> None:
        response = case.call_and_validate(headers=headers, checks=checks)
        seen[(operation.label, response.status_code)] += 1

    return check


settings_for_api = hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
