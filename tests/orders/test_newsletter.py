"""The newsletter of the week's products: only with a recorded opt-in, a one-click unsubscribe link and header in
every email, once per week and account."""

import re

import pytest
from django.core import mail
from django.test import Client

from accounts.services import newsletter_subscribe
from orders.services.newsletter import newsletter_week_queue
from tests.factories.accounts import UserFactory
from tests.factories.catalogue import ProductFactory

pytestmark = pytest.mark.django_db


def test_only_subscribers_get_it_with_a_one_click_unsubscribe_that_works(django_capture_on_commit_callbacks):
    ProductFactory(name="Poireaux d'hiver")
    subscriber = newsletter_subscribe(user=UserFactory(email="abonnee@example.org"))
    UserFactory(email="pas-abonne@example.org")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        newsletter_week_queue()
        newsletter_week_queue()  # the same week again: nothing more

    assert [m.to for m in mail.outbox] == [["abonnee@example.org"]]
    email = mail.outbox[0]
    assert "Poireaux d'hiver" in email.body and "Les produits de la semaine" in email.subject
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = re.search(r"<https?://[^/]+(/[^>]+)>", email.extra_headers["List-Unsubscribe"]).group(1)
    assert link in email.body

    assert Client().post(link).status_code == 200

    subscriber.refresh_from_db()
    assert subscriber.newsletter_opt_in_at is None
