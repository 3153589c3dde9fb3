"""Schema-driven fuzzing of the grocery endpoints (schemathesis): whatever the generated input, never a 500."""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token

from ecopole.wsgi import application


@pytest.fixture
def api_schema(db):
    # Like Django's test client: keep the test's database connection open across WSGI requests.
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture
def staff_token(manager, depot, calais_zone, leeks, potatoes):
    return Token.objects.create(user=manager).key


@pytest.mark.slow
@schema.include(path_regex=r"^/api/v1/orders/").parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_grocery_api_never_answers_500(case, staff_token):
    response = case.call(headers={"Authorization": f"Token {staff_token}"})
    assert response.status_code < 500, (case.method, case.formatted_path, case.query, case.body, response.text)
