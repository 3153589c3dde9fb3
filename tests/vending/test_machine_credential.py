"""The machine key: stored hashed, rotated by a manager, and good for nothing but its own machine's endpoints."""

import hashlib

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from accounts.services import token_create
from ecopole.core.models import AuditEvent
from tests.clients import client_for
from vending.models import Machine, Sale

from .helpers import machine_client_for

pytestmark = pytest.mark.django_db

SALE = {
    "transaction_id": "T-1",
    "compartment": "A1",
    "quantity": "1",
    "amount": "3.00",
    "sold_at": "2026-03-02T10:00:00+01:00",
}


def test_the_key_is_stored_only_as_its_hash(machine, machine_key):
    machine.refresh_from_db()
    assert machine.api_key_hash == hashlib.sha256(machine_key.encode()).hexdigest()
    assert machine_key not in {machine.api_key_hash, machine.api_key_prefix}
    assert machine_key.startswith(machine.api_key_prefix)


@pytest.mark.parametrize("header", ["HTTP_X_MACHINE_KEY", "HTTP_AUTHORIZATION"])
def test_the_machine_authenticates_with_either_header(machine, machine_key, filled_a1, header):
    client = APIClient()
    value = machine_key if header == "HTTP_X_MACHINE_KEY" else f"Machine {machine_key}"
    response = client.post(f"/api/v1/vending/machines/{machine.pk}/sales/", SALE, **{header: value})
    assert response.status_code == 201


def test_a_wrong_key_or_no_key_is_401(machine, filled_a1):
    url = f"/api/v1/vending/machines/{machine.pk}/sales/"
    assert machine_client_for("ecv_not-a-key").post(url, SALE).status_code == 401
    response = APIClient().post(url, SALE)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert response["WWW-Authenticate"] == "Machine"


def test_the_machine_key_cannot_act_for_another_machine(machine, other_machine, other_machine_key, filled_a1):
    client = machine_client_for(other_machine_key)
    for endpoint in ("sales", "inventory", "unlock"):
        response = client.post(f"/api/v1/vending/machines/{machine.pk}/{endpoint}/", SALE)
        assert response.status_code == 403, endpoint
        assert response.json()["code"] == "permission_denied"
    assert Sale.objects.count() == 0


def test_the_machine_key_cannot_use_anything_else(machine, machine_client, filled_a1, carrots):
    base = f"/api/v1/vending/machines/{machine.pk}"
    # user endpoints do not accept the machine credential at all
    assert machine_client.get("/api/v1/auth/me/").status_code == 401
    assert machine_client.patch("/api/v1/auth/me/", {"full_name": "x"}).status_code == 401
    # nor do the staff endpoints of the vending app, even on its own machine
    assert machine_client.get(f"{base}/report/?from=2026-03-01&to=2026-03-02").status_code == 401
    assert machine_client.post(f"{base}/key/").status_code == 401
    assert (
        machine_client.post(
            f"{base}/refills/", {"compartment": "A1", "product": carrots.pk, "quantity": "1"}
        ).status_code
        == 401
    )
    assert machine_client.post(f"{base}/removals/", {"compartment": "A1"}).status_code == 401
    assert machine_client.get("/api/v1/vending/refill-requests/").status_code == 401
    # its own endpoints are write-only: no reading of sales
    assert machine_client.get(f"{base}/sales/").status_code == 405
    # the admin does not know it either
    admin = machine_client.get(f"/{settings.ADMIN_URL}vending/sale/")
    assert admin.status_code == 302 and "/login/" in admin["Location"]
    # and nothing changed
    filled_a1.refresh_from_db()
    assert filled_a1.quantity == 5


def test_a_user_token_cannot_post_sales(machine, filled_a1, manager):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_create(user=manager).key}")
    assert client.get("/api/v1/auth/me/").status_code == 200  # the token itself is good
    response = client.post(f"/api/v1/vending/machines/{machine.pk}/sales/", SALE)
    assert response.status_code == 401
    assert Sale.objects.count() == 0


def test_a_manager_rotates_the_key_and_the_old_one_stops_working(machine, machine_key, manager_client, filled_a1):
    response = manager_client.post(f"/api/v1/vending/machines/{machine.pk}/key/")
    assert response.status_code == 201
    new_key = response.json()["key"]
    assert new_key != machine_key
    url = f"/api/v1/vending/machines/{machine.pk}/sales/"
    assert machine_client_for(machine_key).post(url, SALE).status_code == 401
    assert machine_client_for(new_key).post(url, SALE).status_code == 201
    assert Machine.objects.get(pk=machine.pk).api_key_prefix == new_key[:12]
    event = AuditEvent.objects.get(action="vending.machine_key_rotate", actor__isnull=False)
    assert event.object_id == str(machine.pk) and new_key not in str(event.changes)


@pytest.mark.parametrize("role", ["preparer", "driver", "customer"])
def test_only_a_manager_rotates_the_key(machine, machine_key, role, request):
    client = client_for(request.getfixturevalue(role))
    response = client.post(f"/api/v1/vending/machines/{machine.pk}/key/")
    assert response.status_code == 403
    machine.refresh_from_db()
    assert machine.api_key_hash == hashlib.sha256(machine_key.encode()).hexdigest()


def test_an_inactive_machine_is_refused(machine, machine_client, filled_a1):
    Machine.objects.filter(pk=machine.pk).update(is_active=False)
    assert machine_client.post(f"/api/v1/vending/machines/{machine.pk}/sales/", SALE).status_code == 401
