"""Property-based fuzzing of the whole OpenAPI schema with schemathesis 4.

Every operation is called with positive and negative data on a database with rows in every table of the project
(`seed_demo`, then `full_world.fill_demo_gaps` through the services; `test_full_world.py` checks none is empty), as
anonymous and as the demo's own customer, producer member and manager. schemathesis' default checks all run (no 5xx,
responses and content types match the schema, negative data rejected, auth enforced, ...).
`positive_data_acceptance` also lets through 400, 409 and 422, and `fuzz_rules.only_listed_domain_refusals` takes
that back for every code it does not list (the domain refusals no schema can express). A new endpoint is fuzzed here
without anything to add. `FUZZ_MAX_EXAMPLES` sets the number of examples per operation (default 3; the coverage
phase adds its own boundary cases). Slow (about 11 minutes for the four roles on a busy 2-core machine): `-m slow`;
CI runs it.
"""

import os

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode

from accounts.services import token_create
from ecopole.wsgi import application

from . import fuzz_rules
from .full_world import seed_full_world

MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "3"))

DEMO_USERS = {
    "customer": "client@ecopole.example",
    "producer_member": "ferme@terre-opale.example",
    "manager": "gestion@ecopole.example",
}

pytestmark = pytest.mark.slow


@pytest.fixture
def api_schema(db):
    seed_full_world()
    # Called directly through WSGI, each request would fire request_finished, which closes the database
    # connection inside the test's transaction; Django's own test client disconnects it the same way.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
    schema.config.generation.update(
        modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
        max_examples=MAX_EXAMPLES,
        deterministic=True,
        allow_x00=False,  # DRF refuses NUL in every text field: no schema says it string by string
    )
    schema.config.checks.positive_data_acceptance.expected_statuses = fuzz_rules.RELAXED_STATUSES
    yield schema
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


def _token(role: str) -> dict[str, str]:
    user = get_user_model().objects.get(email=DEMO_USERS[role])
    return {"Authorization": f"Token {token_create(user=user).key}"}


FUZZ_SETTINGS = settings(suppress_health_check=list(HealthCheck), deadline=None)
CHECKS = {"additional_checks": [fuzz_rules.only_listed_domain_refusals]}


@schema.parametrize()
@FUZZ_SETTINGS
def test_api_fuzz_as_anonymous(case):
    case.call_and_validate(**CHECKS)


@schema.parametrize()
@FUZZ_SETTINGS
def test_api_fuzz_as_customer(case):
    case.call_and_validate(headers=_token("customer"), **CHECKS)


@schema.parametrize()
@FUZZ_SETTINGS
def test_api_fuzz_as_producer_member(case):
    case.call_and_validate(headers=_token("producer_member"), **CHECKS)


@schema.parametrize()
@FUZZ_SETTINGS
def test_api_fuzz_as_manager(case):
    case.call_and_validate(headers=_token("manager"), **CHECKS)
