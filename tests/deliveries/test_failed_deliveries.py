"""A failed delivery writes an order event and emails the customer what happens next; a rescheduled delivery emails
the customer; a failed home delivery moved to a pickup point refunds or keeps the delivery fee (a setting), and the
customer is told which."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from deliveries.services.planning import round_plan
from ecopole.core.models import OutboxMessage
from orders.models import OrderEvent
from tests.deliveries.helpers import CALAIS_POINTS, FRIDAY
from tests.factories.deliveries import VehicleFactory
from tests.factories.orders import order_create


@pytest.fixture
def failed_home(db, depot, ardres, calais_zone, driver, driver_client, django_capture_on_commit_callbacks):
    """Friday's round started; the home order (8.00 € of goods + 4.00 € delivery fee) could not be handed over."""
    VehicleFactory(name="Camion", default_driver=driver)
    order = order_create(
        day=FRIDAY, zone=calais_zone, commune="Calais", lat=CALAIS_POINTS[0][0], lon=CALAIS_POINTS[0][1]
    )
    order.lines.update(line_total=Decimal("8.00"), vat_amount=Decimal("0.42"))
    order.subtotal, order.delivery_fee, order.total = Decimal("8.00"), Decimal("4.00"), Decimal("12.00")
    order.save(update_fields=["subtotal", "delivery_fee", "total"])
    (round_,) = round_plan(date=FRIDAY, time_limit=0.2).rounds
    stop = round_.stops.get()
    driver_client.post(reverse("deliveries:round-start", kwargs={"round_id": round_.pk}))
    url = reverse("deliveries:stop-failed", kwargs={"round_id": round_.pk, "stop_id": stop.pk})
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):  # a retried request
            response = driver_client.post(url, {"reason": "absent", "note": "Sonné deux fois"}, format="json")
            assert response.status_code == 200, response.content
    return {"order": order, "round": round_, "stop": stop}


def test_a_failed_delivery_writes_an_order_event_and_emails_what_happens_next_once(failed_home, mailoutbox):
    order = failed_home["order"]
    # then the order's history says it, once
    (event,) = OrderEvent.objects.filter(order=order, kind="delivery_failed")
    assert (event.from_value, event.to_value, event.note) == ("2026-10-23", "absent", "Sonné deux fois")
    assert event.actor is not None
    # and the customer got one email, in French, text and HTML, saying what happens next
    (email,) = mailoutbox
    assert email.to == [order.customer.email]
    assert email.subject == f"Nous n'avons pas pu livrer votre commande n° {order.pk}"
    html = email.alternatives[0][0]
    for body in (email.body, html):
        assert f"votre commande n° {order.pk} le 23 octobre 2026 (motif : Personne sur place)" in body
        assert "La suite" in body and "prochain jour de livraison de votre secteur" in body
        assert "Vous n'avez rien à faire" in body
    assert OutboxMessage.objects.filter(key__startswith="order_delivery_failed:").count() == 1


def _resolve(manager_client, failed_home, body):
    url = reverse(
        "deliveries:stop-resolve", kwargs={"round_id": failed_home["round"].pk, "stop_id": failed_home["stop"].pk}
    )
    return manager_client.post(url, body, format="json")


def test_a_delivery_rescheduled_to_the_next_day_is_emailed(
    failed_home, manager_client, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(2):
            assert _resolve(manager_client, failed_home, {"action": "next_delivery_day"}).status_code == 200
    order = failed_home["order"]
    order.refresh_from_db()
    assert (order.delivery_date.isoformat(), order.delivery_fee) == ("2026-10-27", Decimal("4.00"))
    (email,) = mailoutbox
    assert email.subject == f"Votre commande n° {order.pk} : nouvelle date, le 27 octobre 2026"
    for body in (email.body, email.alternatives[0][0]):
        assert "prévue le 23 octobre 2026, a une nouvelle date" in body
        assert "Livraison à domicile : 12 rue des Jardins, Calais, le 27 octobre 2026." in body
        assert "frais de livraison" not in body


def test_moved_to_a_pickup_point_the_fee_is_refunded_by_default_and_the_customer_told(
    failed_home, manager_client, ardres, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = _resolve(manager_client, failed_home, {"action": "pickup_point", "pickup_point": ardres.pk})
    assert response.status_code == 200, response.content
    order = failed_home["order"]
    order.refresh_from_db()
    assert (order.fulfilment, order.delivery_fee, order.subtotal, order.total) == (
        "pickup",
        Decimal("0.00"),
        Decimal("8.00"),
        Decimal("8.00"),
    )
    assert order.events.filter(kind="rescheduled", note__contains="delivery fee 4.00 refunded").count() == 1
    (email,) = mailoutbox
    for body in (email.body, email.alternatives[0][0]):
        assert "Retrait : Point relais d'Ardres" in body or "Retrait : Point relais d&#x27;Ardres" in body
        assert "frais de livraison à domicile (4,00 €) vous sont remboursés" in body
        assert "s'élève maintenant à 8,00 €" in body or "s&#x27;élève maintenant à 8,00 €" in body


def test_moved_to_a_pickup_point_the_fee_is_kept_when_the_setting_says_so(
    failed_home, manager_client, ardres, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.DELIVERIES_FAILED_HOME_FEE = "keep"
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = _resolve(manager_client, failed_home, {"action": "pickup_point", "pickup_point": ardres.pk})
    assert response.status_code == 200
    order = failed_home["order"]
    order.refresh_from_db()
    assert (order.fulfilment, order.delivery_fee, order.total) == ("pickup", Decimal("4.00"), Decimal("12.00"))
    (email,) = mailoutbox
    assert "frais de livraison à domicile (4,00 €) restent dus" in email.body


def test_a_fee_rule_that_is_not_refund_or_keep_is_a_configuration_error(settings):
    from deliveries.services.rounds import failed_home_fee_rule

    settings.DELIVERIES_FAILED_HOME_FEE = "split"
    with pytest.raises(ImproperlyConfigured):
        failed_home_fee_rule()
