"""The recall's API and admin (issue 17, item 5): a producer member asks, a manager recalls; the report (it names
customers) is the manager's; refusals."""

from decimal import Decimal

from django.conf import settings
from django.test import Client

from processing.models import LotRecall, RecallStatus
from tests.clients import client_for
from tests.factories.accounts import ProducerMemberFactory

BASE = "/api/v1/processing/lots"


def test_the_producer_asks_and_the_manager_recalls_then_reads_the_report(lot, producer_member, manager):
    # a member of the lot's producer asks: 202, requested, nothing blocked yet
    response = client_for(producer_member).post(f"{BASE}/{lot.code}/recall/", {"reason": "Joint défectueux"})
    assert response.status_code == 202, response.json()
    assert response.json()["status"] == "requested"
    assert client_for(producer_member).post(f"{BASE}/{lot.code}/recall/", {"reason": "encore"}).json()["code"] == (
        "recall_already_requested"
    )
    # the report is not the producer's to read
    assert client_for(producer_member).get(f"{BASE}/{lot.code}/recall/").status_code == 403

    # the manager confirms: 200, recalled, the lot's 10 jars blocked
    response = client_for(manager).post(f"{BASE}/{lot.code}/recall/", {}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "confirmed"
    assert body["reason"] == "Joint défectueux" and Decimal(body["blocked_quantity"]) == 10
    assert Decimal(body["report"]["left_stock"]) == 0 and body["report"]["rows"] == []
    assert client_for(manager).get(f"{BASE}/{lot.code}/recall/").json()["status"] == "confirmed"
    csv = client_for(manager).get(f"{BASE}/{lot.code}/recall/csv/")
    assert csv.status_code == 200 and "Bloqué en stock;;;;10.000" in csv.content.decode()
    assert LotRecall.objects.get().status == RecallStatus.CONFIRMED


def test_refusals(lot, customer, preparer, manager, db):
    other = ProducerMemberFactory()
    assert client_for(other).post(f"{BASE}/{lot.code}/recall/", {"reason": "x"}).status_code == 404
    assert client_for(customer).post(f"{BASE}/{lot.code}/recall/", {"reason": "x"}).status_code == 403
    assert client_for(preparer).post(f"{BASE}/{lot.code}/recall/", {"reason": "x"}).status_code == 403
    assert client_for(manager).post(f"{BASE}/{lot.code}/recall/", {"reason": " "}).json()["code"] == (
        "recall_reason_required"
    )
    assert client_for(manager).get(f"{BASE}/{lot.code}/recall/").status_code == 404  # no recall yet
    assert not LotRecall.objects.exists()


def test_the_manager_recalls_from_the_admin_with_a_reason(lot, manager):
    manager.is_staff = True
    manager.save(update_fields=["is_staff"])
    client = Client()
    client.force_login(manager)
    url = f"/{settings.ADMIN_URL}processing/lot/"
    page = client.post(url, {"action": "recall", "_selected_action": [lot.pk]})
    assert page.status_code == 200 and "reason" in page.content.decode()
    done = client.post(url, {"action": "recall", "_selected_action": [lot.pk], "apply": "1", "reason": "Odeur"})
    assert done.status_code == 302
    recall = LotRecall.objects.get()
    assert recall.status == RecallStatus.CONFIRMED and recall.reason == "Odeur"
    report = client.get(f"/{settings.ADMIN_URL}processing/lotrecall/{recall.pk}/change/")
    assert report.status_code == 200 and "10.000" in report.content.decode()
