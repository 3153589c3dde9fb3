"""Property-based fuzzing of the whole OpenAPI schema with schemathesis 4.

Every operation is called with positive and negative data, as anonymous, as a customer and as a manager; every
built-in check runs (no 5xx, responses match the schema, negative data rejected, auth enforced, ...). A new
endpoint is fuzzed here without anything to add. `FUZZ_MAX_EXAMPLES` raises the number of examples per operation.
"""

import os

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode

from accounts.services import token_create
from ecopole.wsgi import application

MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "12"))


# Domain rules (a weak password, a passed cutoff, no stock left) reject schema-valid data with a coded 400, 409 or
# 422 by design; the schema cannot express them. Every other check keeps its default.
POSITIVE_DATA_STATUSES = ["2xx", "3xx", "400", "401", "403", "404", "409", "413", "422", "429"]


@pytest.fixture
def api_schema(db):
    # Called directly through WSGI, each request would fire request_finished, which closes the database
    # connection inside the test's transaction; Django's own test client disconnects it the same way.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
    schema.config.generation.update(
        modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], max_examples=MAX_EXAMPLES, deterministic=True
    )
    schema.config.checks.positive_data_acceptance.expected_statuses = POSITIVE_DATA_STATUSES
    yield schema
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


def _token(user) -> dict[str, str]:
    return {"Authorization": f"Token {token_create(user=user).key}"}


FUZZ_SETTINGS = settings(suppress_health_check=list(HealthCheck), deadline=None)


@schema.parametrize()
@FUZZ_SETTINGS
def test_api_fuzz_as_anonymous(case):
    case.call_and_validate()


@schema.parametrize()
@FUZZ_SETTINGS
def test_api_fuzz_as_customer(case, customer):
    case.call_and_validate(headers=_token(customer))


@schema.parametrize()
@FUZZ_SETTINGS
def test_api_fuzz_as_manager(case, manager):
    case.call_and_validate(headers=_token(manager))
