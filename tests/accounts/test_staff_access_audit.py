"""Staff reading a customer's personal data is written to the audit log, one event per access; staff erase an
account on request from the admin (audited)."""

import pytest
from django.conf import settings
from django.test import Client

from accounts.models import User
from ecopole.core.models import AuditEvent
from tests.factories.orders import OrderFactory

pytestmark = pytest.mark.django_db


def _views():
    return AuditEvent.objects.filter(action="personal_data.view")


def test_the_staff_order_detail_writes_one_access_event_the_customer_none(customer, customer_client, manager_client):
    order = OrderFactory(customer=customer)

    assert customer_client.get(f"/api/v1/orders/{order.pk}/").status_code == 200
    assert not _views().exists()  # one's own data: no event
    assert manager_client.get(f"/api/v1/orders/{order.pk}/").status_code == 200

    (event,) = _views()
    assert event.object_type == "orders.order" and event.object_id == str(order.pk)
    assert event.changes == {"subject": customer.pk, "where": "api:orders_retrieve"}


def test_the_admin_pages_of_an_account_and_an_order_write_one_event_each(manager, customer):
    order = OrderFactory(customer=customer)
    browser = Client()
    browser.force_login(manager)

    assert browser.get(f"/{settings.ADMIN_URL}accounts/user/{customer.pk}/change/").status_code == 200
    assert browser.get(f"/{settings.ADMIN_URL}orders/order/{order.pk}/change/").status_code == 200

    assert sorted(e.changes["where"] for e in _views()) == ["admin:order", "admin:user"]


def test_the_admin_action_erases_on_request_and_is_audited(manager, customer):
    browser = Client()
    browser.force_login(manager)

    response = browser.post(
        f"/{settings.ADMIN_URL}accounts/user/",
        {"action": "erase_personal_data", "_selected_action": [customer.pk, manager.pk]},
    )

    assert response.status_code == 302
    erased = User.objects.get(pk=customer.pk)
    assert erased.erased_at is not None and not erased.is_active
    assert User.objects.get(pk=manager.pk).erased_at is None  # never oneself
    event = AuditEvent.objects.get(action="account.erase")
    assert event.actor == manager and event.changes["by"] == "staff"
