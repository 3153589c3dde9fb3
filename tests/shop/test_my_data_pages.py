"""The shop's personal data pages: my data (readable and downloadable), the newsletter consent, the deletion of the
account with its confirmation, the privacy page and the newsletter's one-click unsubscribe link."""

import json

import pytest
from django.test import Client

from accounts.models import User
from accounts.services import newsletter_unsubscribe_token
from orders.models import Order, OrderStatus
from tests.factories.accounts import DEFAULT_PASSWORD, UserFactory
from tests.factories.orders import OrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_in():
    user = UserFactory(full_name="Gaspard Lefebvre", phone="0321456789")
    client = Client()
    client.force_login(user)
    return user, client


def test_my_data_page_shows_what_we_hold_and_downloads_it_as_json(logged_in):
    user, client = logged_in
    OrderFactory(customer=user, status=OrderStatus.FULFILLED, note="Sonner deux fois")

    page = client.get("/compte/mes-donnees/")
    download = client.get("/compte/mes-donnees/telecharger/")

    assert page.status_code == 200
    text = page.content.decode()
    assert "Mes données" in text and "Gaspard Lefebvre" in text and "Sonner deux fois" in text
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    sections = {s["table"]: s for s in json.loads(download.content)["sections"]}
    assert sections["orders.Order"]["rows"][0]["note"] == "Sonner deux fois"


def test_my_data_needs_a_login():
    assert Client().get("/compte/mes-donnees/").status_code == 302


def test_newsletter_consent_is_recorded_with_its_date_and_withdrawn_in_one_click(logged_in):
    user, client = logged_in

    client.post("/compte/mes-donnees/newsletter/", {"subscribe": "1"})
    subscribed_at = User.objects.get(pk=user.pk).newsletter_opt_in_at
    link = f"/newsletter/desabonnement/{newsletter_unsubscribe_token(user=user)}/"
    preview = Client().get(link)  # a mail client's preview must not unsubscribe
    still = User.objects.get(pk=user.pk).newsletter_opt_in_at
    one_click = Client().post(link)  # RFC 8058: a POST from the mail client, no session, no CSRF token

    assert subscribed_at is not None and still == subscribed_at
    assert preview.status_code == 200 and one_click.status_code == 200
    assert User.objects.get(pk=user.pk).newsletter_opt_in_at is None
    assert Client().post("/newsletter/desabonnement/faux-jeton/").status_code == 400


def test_the_account_page_can_withdraw_the_newsletter(logged_in):
    user, client = logged_in
    client.post("/compte/mes-donnees/newsletter/", {"subscribe": "1"})

    client.post("/compte/mes-donnees/newsletter/", {"subscribe": "0"})

    assert User.objects.get(pk=user.pk).newsletter_opt_in_at is None


def test_deleting_the_account_needs_the_password_and_the_confirmation(logged_in):
    user, client = logged_in
    order = OrderFactory(customer=user, status=OrderStatus.PLACED)

    unconfirmed = client.post("/compte/supprimer/", {"password": DEFAULT_PASSWORD})
    wrong = client.post("/compte/supprimer/", {"password": "pas-le-bon", "confirm": "on"})
    assert (unconfirmed.status_code, wrong.status_code) == (400, 400)
    assert User.objects.get(pk=user.pk).erased_at is None

    done = client.post("/compte/supprimer/", {"password": DEFAULT_PASSWORD, "confirm": "on"})

    assert done.status_code == 302 and done["Location"] == "/compte/supprime/"
    erased = User.objects.get(pk=user.pk)
    assert erased.erased_at is not None and erased.full_name != "Gaspard Lefebvre" and erased.phone == ""
    assert Order.objects.get(pk=order.pk).status == OrderStatus.CANCELLED
    assert client.get("/compte/").status_code == 302  # logged out


def test_the_privacy_page_is_linked_from_every_page():
    home = Client().get("/")
    privacy = Client().get("/confidentialite/")

    assert 'href="/confidentialite/"' in home.content.decode()
    assert privacy.status_code == 200
    text = privacy.content.decode()
    assert "Données personnelles" in text and "donnees-personnelles@ecopole.example" in text and "10 ans" in text
