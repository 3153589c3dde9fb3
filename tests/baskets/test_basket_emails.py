"""Emails a subscriber expects: subscription confirmed, basket skipped, subscription paused, resumed. French, text and
HTML, through the outbox (after the commit, once per action)."""

from datetime import date

import pytest

from baskets.models import BasketSubscription
from ecopole.core.models import OutboxMessage
from ecopole.core.outbox import outbox_deliver
from tests.baskets.constants import BASE, FRIDAY, NEXT_FRIDAY

pytestmark = pytest.mark.django_db


def _only(mailoutbox, customer):
    messages = [m for m in mailoutbox if m.to == [customer.email]]
    assert len(messages) == 1, [m.subject for m in messages]
    message = messages[0]
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    return message, html


def test_the_subscription_is_confirmed_by_email_after_the_commit(
    customer, customer_client, small, ilot, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = customer_client.post(f"{BASE}/subscriptions/", {"offer": small.pk}, format="json")
    assert response.status_code == 201 and mailoutbox == []  # nothing before the commit
    for callback in callbacks:
        callback()

    message, html = _only(mailoutbox, customer)
    assert message.subject == f"Votre abonnement au {small.name} est confirmé"
    assert f"Votre abonnement au {small.name} est confirmé : chaque semaine, à partir du" in message.body
    assert "11 décembre 2026" in message.body and ilot.name in message.body
    assert "Prix : 12,00 € par cabas." in message.body
    assert "11 décembre 2026" in html and "<p>Bonjour" in html
    # the outbox delivers it once, even if the task runs again
    outbox_deliver(message_id=OutboxMessage.objects.get(key__startswith="basket_subscription:").pk)
    assert len(mailoutbox) == 1


def test_a_skip_a_pause_and_a_resume_are_each_confirmed_once(
    customer, customer_client, small, make_subscription, mailoutbox, django_capture_on_commit_callbacks
):
    subscription = make_subscription(small, customer=customer)
    url = f"{BASE}/subscriptions/{subscription.pk}/"

    with django_capture_on_commit_callbacks(execute=True):
        assert customer_client.post(f"{url}skip/", {"date": FRIDAY.isoformat()}, format="json").status_code == 200
        assert customer_client.post(f"{url}skip/", {"date": FRIDAY.isoformat()}, format="json").status_code == 200
    message, html = _only(mailoutbox, customer)
    assert message.subject.lower() == "pas de cabas le vendredi 11 décembre : c'est noté"
    assert "vous ne recevrez pas votre" in message.body.lower() and "11 décembre 2026" in message.body
    assert "rien n'est facturé" in html

    mailoutbox.clear()
    pause = {"start_date": "2027-01-04", "end_date": "2027-01-31"}
    with django_capture_on_commit_callbacks(execute=True):
        assert customer_client.post(f"{url}pause/", pause, format="json").status_code == 200
        assert customer_client.post(f"{url}pause/", pause, format="json").status_code == 200  # the same again
    message, html = _only(mailoutbox, customer)
    assert message.subject == f"Votre abonnement au {small.name} est en pause"
    assert "en pause du 4 janvier 2027 au 31 janvier 2027" in message.body
    assert "4 janvier 2027" in html

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert customer_client.post(f"{url}resume/", {}, format="json").status_code == 200
    message, html = _only(mailoutbox, customer)
    assert message.subject == f"Votre abonnement au {small.name} reprend"
    # the next basket not generated yet: Friday 11 December was skipped, but it is still the next distribution
    assert "votre prochain cabas est le" in message.body and "11 décembre 2026" in message.body
    assert "11 décembre 2026" in html
    assert OutboxMessage.objects.filter(key__startswith=f"basket_subscription:{subscription.pk}:").count() == 3


def test_no_email_when_the_action_is_refused(customer, customer_client, small, make_subscription, mailoutbox):
    subscription = make_subscription(small, customer=customer)
    response = customer_client.post(
        f"{BASE}/subscriptions/{subscription.pk}/skip/", {"date": date(2026, 12, 12).isoformat()}, format="json"
    )
    assert response.status_code == 400
    assert mailoutbox == [] and not OutboxMessage.objects.exists()
    assert BasketSubscription.objects.get().pk == subscription.pk and NEXT_FRIDAY
