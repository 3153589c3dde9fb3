"""Requests for the solidarity price: a customer asks, a manager grants (the customer's eligibility is created or
extended through `solidarity_grant`) or refuses with a reason; audited; an email either way, once."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import connection
from django.urls import reverse

from baskets.models import SolidarityEligibility, SolidarityRequest, SolidarityRequestStatus
from baskets.services.solidarity import solidarity_grant, solidarity_request_decide, solidarity_request_submit
from ecopole.core.exceptions import ApplicationError, NotFound
from ecopole.core.models import AuditEvent
from tests.baskets.constants import BASE

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 7)  # the cabas tests' Monday


def _code(excinfo) -> str:
    return excinfo.value.code


# --- Submit -------------------------------------------------------------------------------------------------------


def test_a_customer_asks_and_the_request_waits_for_a_manager(customer):
    request, created = solidarity_request_submit(customer=customer, message="  Au RSA depuis mars.  ", situation="")
    assert created
    assert (request.status, request.message, request.decided_at) == ("pending", "Au RSA depuis mars.", None)
    assert AuditEvent.objects.filter(action="basket_solidarity_request.submit", object_id=str(request.pk)).exists()
    assert not SolidarityEligibility.objects.exists()  # never self-declared


def test_asking_again_while_pending_returns_the_same_request(customer):
    first, _created = solidarity_request_submit(customer=customer, situation="student")
    again, created = solidarity_request_submit(customer=customer, message="autre chose")
    assert not created and again.pk == first.pk
    assert SolidarityRequest.objects.get().message == ""  # unchanged


def test_an_empty_request_or_an_unknown_situation_is_refused(customer):
    with pytest.raises(ApplicationError) as excinfo:
        solidarity_request_submit(customer=customer, message="   ")
    assert _code(excinfo) == "solidarity_request_empty"
    with pytest.raises(ApplicationError) as excinfo:
        solidarity_request_submit(customer=customer, situation="rich")
    assert _code(excinfo) == "solidarity_request_empty"
    assert not SolidarityRequest.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_requests_make_one(customer, basket_now):
    barrier = threading.Barrier(2)
    results, errors = [], []

    def submit():
        try:
            barrier.wait(timeout=5)
            results.append(solidarity_request_submit(customer=customer, message="Ensemble"))
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert SolidarityRequest.objects.count() == 1
    assert sorted(created for _request, created in results) == [False, True]
    assert len({request.pk for request, _created in results}) == 1


# --- Decide -------------------------------------------------------------------------------------------------------


def test_granting_makes_the_customer_eligible_for_a_year_and_emails_them(
    customer, manager, mailoutbox, django_capture_on_commit_callbacks
):
    request, _created = solidarity_request_submit(customer=customer, message="Deux enfants")
    with django_capture_on_commit_callbacks(execute=True):
        decided = solidarity_request_decide(request_id=request.pk, grant=True, actor=manager)
    assert (decided.status, decided.decided_by, decided.valid_until) == ("granted", manager, date(2027, 12, 7))
    eligibility = SolidarityEligibility.objects.get(customer=customer)
    assert eligibility.valid_until == date(2027, 12, 7) and eligibility.granted_by == manager
    assert eligibility.note == f"Demande n° {request.pk}"
    # audited twice: the decision, and the eligibility through its own service
    assert AuditEvent.objects.filter(action="basket_solidarity_request.grant", actor=manager).count() == 1
    assert AuditEvent.objects.filter(action="basket_solidarity.grant", actor=manager).count() == 1
    [message] = mailoutbox
    assert message.to == [customer.email]
    assert message.subject == "Votre tarif solidaire est accordé"
    assert "votre demande de tarif solidaire est acceptée" in message.body
    assert "jusqu’au 7 décembre 2027" in message.body
    assert "/cabas/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "<p>Bonjour" in html and "7 décembre 2027" in html


def test_granting_extends_but_never_shortens_an_eligibility(customer, manager):
    solidarity_grant(customer_id=customer.pk, valid_until=date(2028, 6, 30), actor=manager)
    request, _created = solidarity_request_submit(customer=customer, situation="low_income")
    decided = solidarity_request_decide(request_id=request.pk, grant=True, valid_until=date(2027, 3, 31), actor=manager)
    assert decided.valid_until == date(2028, 6, 30)
    assert SolidarityEligibility.objects.get().valid_until == date(2028, 6, 30)
    # an eligibility that ended is extended
    SolidarityEligibility.objects.update(valid_until=date(2026, 1, 1))
    request, _created = solidarity_request_submit(customer=customer, situation="low_income")
    solidarity_request_decide(request_id=request.pk, grant=True, valid_until=date(2027, 3, 31), actor=manager)
    assert SolidarityEligibility.objects.get().valid_until == date(2027, 3, 31)


def test_a_grant_until_a_past_date_is_refused(customer, manager):
    request, _created = solidarity_request_submit(customer=customer, message="x")
    with pytest.raises(ApplicationError) as excinfo:
        solidarity_request_decide(request_id=request.pk, grant=True, valid_until=date(2026, 12, 6), actor=manager)
    assert _code(excinfo) == "valid_until_past"
    request.refresh_from_db()
    assert request.status == "pending" and not SolidarityEligibility.objects.exists()


def test_refusing_needs_a_reason_which_the_customer_reads(
    customer, manager, mailoutbox, django_capture_on_commit_callbacks
):
    request, _created = solidarity_request_submit(customer=customer, message="x")
    with pytest.raises(ApplicationError) as excinfo:
        solidarity_request_decide(request_id=request.pk, grant=False, reason="  ", actor=manager)
    assert _code(excinfo) == "refusal_reason_required"
    with django_capture_on_commit_callbacks(execute=True):
        decided = solidarity_request_decide(
            request_id=request.pk, grant=False, reason="Revenus au-dessus du plafond", actor=manager
        )
    assert (decided.status, decided.reason, decided.valid_until) == ("refused", "Revenus au-dessus du plafond", None)
    assert not SolidarityEligibility.objects.exists()
    assert AuditEvent.objects.filter(action="basket_solidarity_request.refuse").count() == 1
    [message] = mailoutbox
    assert message.subject == "Votre demande de tarif solidaire"
    assert "ne pouvons pas l’accorder pour le moment" in message.body
    assert "Motif : Revenus au-dessus du plafond" in message.body
    assert "Revenus au-dessus du plafond" in message.alternatives[0][0]
    # a refused customer may ask again
    _again, created = solidarity_request_submit(customer=customer, message="Ma situation a changé")
    assert created


def test_deciding_twice_is_refused_and_sends_one_email(
    customer, manager, mailoutbox, django_capture_on_commit_callbacks
):
    request, _created = solidarity_request_submit(customer=customer, message="x")
    with django_capture_on_commit_callbacks(execute=True):
        solidarity_request_decide(request_id=request.pk, grant=True, actor=manager)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ApplicationError) as excinfo:
        solidarity_request_decide(request_id=request.pk, grant=False, reason="non", actor=manager)
    assert _code(excinfo) == "solidarity_request_decided"
    assert SolidarityRequest.objects.get().status == "granted"
    assert len(mailoutbox) == 1


def test_deciding_an_unknown_request_is_not_found(manager):
    with pytest.raises(NotFound):
        solidarity_request_decide(request_id=999999, grant=True, actor=manager)


def test_no_email_before_the_commit(customer, manager, mailoutbox, django_capture_on_commit_callbacks):
    request, _created = solidarity_request_submit(customer=customer, message="x")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        solidarity_request_decide(request_id=request.pk, grant=True, actor=manager)
    assert mailoutbox == []
    for callback in callbacks:
        callback()
    assert len(mailoutbox) == 1


# --- API ----------------------------------------------------------------------------------------------------------


def test_api_a_customer_asks_once_and_reads_only_their_requests(customer_client, customer, other_customer):
    solidarity_request_submit(customer=other_customer, message="l'autre")
    url = f"{BASE}/solidarity-requests/"
    response = customer_client.post(url, {"message": "Au RSA", "situation": "social_minimum"}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "pending" and body["customer"]["id"] == customer.pk
    again = customer_client.post(url, {"message": "encore", "status": "granted"}, format="json")
    assert again.status_code == 200 and again.json()["id"] == body["id"] and again.json()["status"] == "pending"
    listed = customer_client.get(url).json()
    assert [r["id"] for r in listed["results"]] == [body["id"]]


def test_api_refusals(customer_client, api_client):
    url = f"{BASE}/solidarity-requests/"
    empty = customer_client.post(url, {}, format="json")
    assert empty.status_code == 400 and empty.json()["code"] == "solidarity_request_empty"
    assert empty.json()["detail"] == "Dites-nous votre situation en quelques mots, ou choisissez-la dans la liste."
    too_long = customer_client.post(url, {"message": "x" * 2001}, format="json")
    assert too_long.status_code == 400 and "message" in too_long.json()["fields"]
    assert api_client.post(url, {"message": "x"}, format="json").status_code == 401
    assert not SolidarityRequest.objects.exists()


def test_api_a_manager_decides(manager_client, customer_client, customer):
    request, _created = solidarity_request_submit(customer=customer, message="x")
    url = f"{BASE}/solidarity-requests/{request.pk}/decide/"
    # a customer cannot decide, even their own
    assert customer_client.post(url, {"decision": "grant"}, format="json").status_code == 403
    refused = manager_client.post(url, {"decision": "refuse"}, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "refusal_reason_required"
    granted = manager_client.post(url, {"decision": "grant", "valid_until": "2027-06-30"}, format="json")
    assert granted.status_code == 200, granted.json()
    assert granted.json()["status"] == "granted" and granted.json()["valid_until"] == "2027-06-30"
    again = manager_client.post(url, {"decision": "grant"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "solidarity_request_decided"
    assert (
        manager_client.post(f"{BASE}/solidarity-requests/999999/decide/", {"decision": "grant"}, format="json")
    ).status_code == 404
    # the manager's list holds everyone's requests
    assert manager_client.get(f"{BASE}/solidarity-requests/").json()["count"] == 1


# --- Admin --------------------------------------------------------------------------------------------------------


def _changelist():
    return reverse("admin:baskets_solidarityrequest_changelist")


def test_admin_grant_action_asks_a_date_then_decides_through_the_service(client, manager, customer, other_customer):
    client.force_login(manager)
    first, _created = solidarity_request_submit(customer=customer, message="x")
    second, _created = solidarity_request_submit(customer=other_customer, message="y")
    solidarity_request_decide(request_id=second.pk, grant=False, reason="non", actor=manager)
    selection = {"action": "grant", "_selected_action": [first.pk, second.pk]}
    # the action first shows its intermediate page
    page = client.post(_changelist(), selection)
    assert page.status_code == 200
    assert "Tarif solidaire jusqu’au" in page.content.decode()
    assert SolidarityRequest.objects.get(pk=first.pk).status == "pending"
    done = client.post(_changelist(), {**selection, "apply": "1", "valid_until": "2027-09-30", "reason": ""})
    assert done.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.valid_until, first.decided_by) == ("granted", date(2027, 9, 30), manager)
    assert second.status == "refused"  # already decided: left as it was
    assert SolidarityEligibility.objects.get(customer=customer).valid_until == date(2027, 9, 30)
    assert AuditEvent.objects.filter(action="basket_solidarity_request.grant", actor=manager).count() == 1


def test_admin_refuse_action_needs_a_reason(client, manager, customer):
    client.force_login(manager)
    request, _created = solidarity_request_submit(customer=customer, message="x")
    selection = {"action": "refuse", "_selected_action": [request.pk], "apply": "1"}
    page = client.post(_changelist(), {**selection, "reason": ""})
    assert page.status_code == 200  # the form again, with its error
    assert SolidarityRequest.objects.get().status == SolidarityRequestStatus.PENDING
    done = client.post(_changelist(), {**selection, "reason": "Hors critères"})
    assert done.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.reason) == ("refused", "Hors critères")


def test_admin_requests_are_for_managers_only(client, preparer, customer):
    solidarity_request_submit(customer=customer, message="x")
    client.force_login(preparer)
    assert client.get(_changelist()).status_code == 403
