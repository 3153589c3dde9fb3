import pytest
from celery.exceptions import Retry
from django.db import transaction

from orders.models import Order, OrderNotification
from orders.tasks import order_email_send
from tests.orders.helpers import pickup_body, place_home, place_pickup

pytestmark = pytest.mark.django_db
URL = "/api/v1/orders/"


def test_the_confirmation_is_sent_once_after_commit_in_french(
    customer_client, customer, depot, leeks, potatoes, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = customer_client.post(URL, pickup_body(depot, [(leeks, 2), (potatoes, "1.5")]), format="json")
    assert response.status_code == 201
    assert mailoutbox == []  # nothing before the commit
    assert len(callbacks) == 1

    callbacks[0]()

    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    order_id = response.json()["id"]
    assert email.to == [customer.email]
    assert email.subject == f"Votre commande n° {order_id} est confirmée"
    assert "- Poireaux, 2 " in email.body and " × 2,80 € = 5,60 €" in email.body
    assert "- Pommes de terre, 1,5 " in email.body and " × 1,95 € = 2,93 €" in email.body
    assert "estimation : le poids préparé fixe le prix final" in email.body
    assert "Total TTC : 8,53 €" in email.body
    assert "dont TVA 5,50 % : 0,44 €" in email.body
    assert "Retrait : Ecopôle alimentaire, Centre-bourg, Vieille-Église, le 23 octobre 2026." in email.body
    assert "l'annuler jusqu'au 21 octobre 2026 12:00." in email.body
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html" and "<td>Poireaux" in html and "8,53 €" in html
    # a second delivery of the task sends nothing
    notification = OrderNotification.objects.get(order_id=order_id)
    assert order_email_send.apply(args=[notification.pk]).get() is False
    assert len(mailoutbox) == 1


def test_no_email_when_the_order_fails(customer_client, depot, leeks, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = customer_client.post(URL, pickup_body(depot, [(leeks, 51)]), format="json")
    assert response.status_code == 409
    assert callbacks == [] and mailoutbox == []
    assert not OrderNotification.objects.exists()


def test_no_surrounding_transaction_can_roll_back_a_confirmed_order(
    customer, depot, leeks, mailoutbox, django_capture_on_commit_callbacks
):
    # given a caller holding a transaction of its own, which could still roll back after the placement
    # when it places an order inside it
    # then the placement refuses to run there (it owns its durable transaction): no order, no email
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError, match="durable"),
        transaction.atomic(),
    ):
        place_pickup(customer, depot, [(leeks, 1)])
    assert callbacks == [] and mailoutbox == []
    assert not Order.objects.exists()


def test_ready_for_pickup_and_cancelled_emails(
    customer, depot, leeks, calais_zone, meal, manager_client, mailoutbox, django_capture_on_commit_callbacks
):
    order = place_pickup(customer, depot, [(leeks, 1)])
    home = place_home(customer, [(meal, 2)])
    with django_capture_on_commit_callbacks(execute=True):
        for target in ["preparing", "ready"]:
            manager_client.post(f"{URL}{order.pk}/transition/", {"status": target}, format="json")
        manager_client.post(f"{URL}{order.pk}/transition/", {"status": "ready"}, format="json")  # repeated
        manager_client.post(f"{URL}{home.pk}/transition/", {"status": "preparing"}, format="json")
        manager_client.post(f"{URL}{home.pk}/transition/", {"status": "out_for_delivery"}, format="json")
        manager_client.post(f"{URL}{home.pk}/cancel/", {}, format="json")
        manager_client.post(f"{URL}{home.pk}/cancel/", {}, format="json")  # repeated

    assert [m.subject for m in mailoutbox] == [
        f"Votre commande n° {order.pk} est prête à être retirée",
        f"Votre commande n° {home.pk} est annulée",
    ]
    assert "Ecopôle alimentaire" in mailoutbox[0].body
    assert f"Votre commande n° {home.pk} pour le 23 octobre 2026 est annulée." in mailoutbox[1].body


def test_a_failed_send_can_be_retried(customer, depot, leeks, mailoutbox, monkeypatch):
    order = place_pickup(customer, depot, [(leeks, 1)])
    notification = OrderNotification.objects.get(order=order)

    def broken(*args, **kwargs):
        raise ConnectionError("mail server down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", broken)
    with pytest.raises(Retry):  # a mail-server failure is retried later
        order_email_send.apply(args=[notification.pk], throw=True).get()
    notification.refresh_from_db()
    assert notification.sent_at is None
    monkeypatch.undo()

    assert order_email_send.apply(args=[notification.pk]).get() is True
    assert len(mailoutbox) == 1
