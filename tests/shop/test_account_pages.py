"""The customer's account pages (issue 16.6): register and confirm, log in and out through the API's login guard,
reset a forgotten password without enumeration, the profile and the password. Django's test client on PostgreSQL."""

import html
import re
import time
from urllib.parse import unquote

import pytest
import time_machine
from django.core import mail
from django.test import Client, override_settings
from rest_framework.throttling import ScopedRateThrottle

from accounts.models import ApiToken, User
from accounts.services import token_create
from ecopole.core.models import OutboxMessage
from tests.factories.accounts import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "un-autre-secret-de-jardin-77"


@pytest.fixture(autouse=True)
def _emails_sent_on_commit(django_capture_on_commit_callbacks, monkeypatch):
    """The outbox dispatches after commit: run those callbacks right after each request, as a real commit would."""
    original = Client.request

    def request(self, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return original(self, **kwargs)

    monkeypatch.setattr(Client, "request", request)


@pytest.fixture
def rates(monkeypatch):
    """The production rates (the test settings raise them so that other tests are never throttled)."""
    monkeypatch.setattr(
        ScopedRateThrottle,
        "THROTTLE_RATES",
        {
            "login": "10/min",
            "register": "5/hour",
            "confirm_email": "3/hour",
            "password_reset": "5/hour",
            "password_reset_email": "3/hour",
        },
    )


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _token(message) -> str:
    return unquote(re.search(r"\?token=([^\s\"&]+)", message.body).group(1))


def _login(client, email, password=DEFAULT_PASSWORD, **extra):
    return client.post("/compte/connexion/", {"email": email, "password": password, **extra})


# --- Navigation ---------------------------------------------------------------------------------------------------


def test_the_menu_says_se_connecter_to_a_visitor_and_offers_the_account_once_logged_in(client, customer):
    page = client.get("/").content.decode()
    assert ">Se connecter</a>" in page
    assert "Mon compte" not in page and "Se déconnecter" not in page

    client.force_login(customer)
    page = client.get("/").content.decode()
    assert ">Mon compte</a>" in page and ">Mes commandes</a>" in page
    assert re.search(r'<form class="logout" action="/compte/deconnexion/" method="post">', page)
    assert "Se déconnecter</button>" in page
    assert ">Se connecter</a>" not in page


def test_account_pages_send_a_visitor_to_the_login_page(client):
    for url in ("/compte/", "/compte/commandes/", "/compte/mot-de-passe/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/compte/connexion/?next={url}"


# --- Log in and out -----------------------------------------------------------------------------------------------


def test_login_then_back_to_the_page_asked_for(client, customer):
    response = _login(client, customer.email.upper(), next="/compte/commandes/")
    assert response.status_code == 302 and response["Location"] == "/compte/commandes/"
    assert client.get("/compte/").status_code == 200


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"])
def test_login_never_sends_elsewhere(client, customer, target):
    response = _login(client, customer.email, next=target)
    assert response.status_code == 302 and response["Location"] == "/compte/"


def test_a_wrong_password_says_so_in_french(client, customer):
    response = _login(client, customer.email, password="pas-le-bon-mot-de-passe")
    assert response.status_code == 400
    assert "Adresse e-mail ou mot de passe incorrect." in response.content.decode()
    assert "_auth_user_id" not in client.session


@override_settings(LOGIN_FAILURES_BEFORE_DELAY=3)
def test_failures_on_the_page_delay_the_account_for_the_api_too(client, customer, api_client):
    statuses = [_login(client, customer.email, password=f"faux-{i}").status_code for i in range(3)]
    assert statuses == [400, 400, 400]

    # then even the right password waits, here and on the API: one guard
    page = _login(client, customer.email)
    assert page.status_code == 429 and int(page["Retry-After"]) > 0
    assert "Trop d'échecs de connexion sur ce compte : réessayez dans" in _text(page)
    api = api_client.post("/api/v1/auth/token/", {"email": customer.email, "password": DEFAULT_PASSWORD})
    assert (api.status_code, api.json()["code"]) == (429, "login_delayed")


def test_the_login_rate_per_address_is_the_apis(client, customer, rates):
    for _ in range(10):
        _login(client, "personne@example.org", password="x" * 12)
    response = _login(client, customer.email)
    assert response.status_code == 429
    assert "Trop de tentatives depuis votre connexion" in _text(response)


def test_the_cart_is_kept_when_the_customer_logs_in(client, customer, shop_catalogue):
    apple = shop_catalogue["apple"]
    client.post("/panier/ajouter/", {"product": apple.pk, "quantity": "2"})
    before = client.session.session_key

    _login(client, customer.email)

    assert client.session.session_key != before  # a new session key against fixation…
    assert client.session["shop_cart"] == {str(apple.pk): "2"}  # …with the same cart
    assert "Pommes Reinette" in client.get("/panier/").content.decode()


def test_logout_is_a_post(client, customer):
    client.force_login(customer)
    assert client.get("/compte/deconnexion/").status_code == 405
    response = client.post("/compte/deconnexion/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert "_auth_user_id" not in client.session


# --- Register and confirm -----------------------------------------------------------------------------------------


def _register(client, email="nouvelle@example.org", **extra):
    data = {
        "full_name": "Camille Calaisienne",
        "email": email,
        "phone": "",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        **extra,
    }
    return client.post("/compte/inscription/", data)


def test_register_then_the_emailed_link_confirms_and_logs_in_this_browser(client):
    response = _register(client)
    assert response.status_code == 302 and response["Location"] == "/compte/inscription/envoyee/"
    assert "nouvelle@example.org" in client.get(response["Location"]).content.decode()
    user = User.objects.get(email="nouvelle@example.org")
    assert (user.full_name, user.email_confirmed_at) == ("Camille Calaisienne", None)
    token = _token(mail.outbox[0])

    page = client.get("/compte/confirmer-email/", {"token": token})
    assert page.status_code == 200 and "Confirmer mon adresse e-mail" in page.content.decode()
    done = client.post("/compte/confirmer-email/", {"token": token}, follow=True)

    assert done.redirect_chain[-1][0] == "/compte/"
    assert "vous êtes connecté" in done.content.decode()
    user.refresh_from_db()
    assert user.email_confirmed_at is not None
    assert client.session["_auth_user_id"] == str(user.pk)


def test_registering_from_checkout_comes_back_to_checkout_with_the_cart(client, shop_catalogue, shop_places):
    # given a visitor sent to the login page by "Commander", with their cart
    client.post("/panier/ajouter/", {"product": shop_catalogue["apple"].pk, "quantity": "2"})
    login_page = client.get("/compte/connexion/", {"next": "/commande/"}).content.decode()
    assert 'href="/compte/inscription/?next=/commande/"' in login_page
    register_page = client.get("/compte/inscription/", {"next": "/commande/"}).content.decode()
    assert '<input type="hidden" name="next" value="/commande/">' in register_page
    assert 'href="/compte/connexion/?next=/commande/"' in register_page
    # when they register with that next, then follow the emailed link in this browser
    _register(client, next="/commande/")
    done = client.post("/compte/confirmer-email/", {"token": _token(mail.outbox[0])}, follow=True)
    # then they are logged in, back at checkout, their cart kept
    assert done.redirect_chain[-1][0] == "/commande/"
    assert "Pommes Reinette" in done.content.decode() and "Valider la commande" in done.content.decode()
    assert "account_pending_next" not in client.session


def test_a_next_of_another_site_is_not_kept_through_registration(client):
    _register(client, next="https://ailleurs.example/")
    done = client.post("/compte/confirmer-email/", {"token": _token(mail.outbox[0])}, follow=True)
    assert done.redirect_chain[-1][0] == "/compte/"


def test_the_link_opened_in_another_browser_confirms_without_logging_in(client):
    _register(client)
    token = _token(mail.outbox[0])
    other = Client()
    done = other.post("/compte/confirmer-email/", {"token": token}, follow=True)
    assert "votre adresse e-mail est confirmée" in done.content.decode()
    assert "_auth_user_id" not in other.session


def test_a_bad_confirmation_link_says_what_to_do(client):
    response = client.post("/compte/confirmer-email/", {"token": "abc"})
    assert response.status_code == 400
    body = _text(response)
    assert "Ce lien de confirmation n'est pas valide." in body
    assert "/compte/connexion/" in body


def test_a_known_address_gets_the_same_answer(client, customer):
    response = _register(client, email=customer.email)
    assert response.status_code == 302 and response["Location"] == "/compte/inscription/envoyee/"
    assert User.objects.filter(email=customer.email).count() == 1


def test_registration_errors_are_tied_to_their_fields(client):
    response = _register(client, password2="pas-le-meme-mot-de-passe")
    assert response.status_code == 400
    body = response.content.decode()
    assert 'aria-describedby="id_password2-erreur"' in body and 'aria-invalid="true"' in body
    assert 'id="id_password2-erreur"' in body and "Les deux mots de passe sont différents." in body

    weak = _register(client, password1="1234567890", password2="1234567890")
    assert weak.status_code == 400
    assert 'id="id_password1-erreur"' in weak.content.decode()
    assert not User.objects.filter(email="nouvelle@example.org").exists()


# --- Password reset -----------------------------------------------------------------------------------------------


def test_the_same_answer_and_the_same_work_for_a_known_and_an_unknown_address(customer):
    known, unknown = Client(), Client()
    before = OutboxMessage.objects.count()
    mail.outbox.clear()

    answer_known = known.post("/compte/mot-de-passe/oublie/", {"email": customer.email})
    answer_unknown = unknown.post("/compte/mot-de-passe/oublie/", {"email": "inconnue@example.org"})

    assert (answer_known.status_code, answer_known["Location"]) == (302, "/compte/mot-de-passe/oublie/envoye/")
    assert (answer_unknown.status_code, answer_unknown["Location"]) == (302, "/compte/mot-de-passe/oublie/envoye/")
    pages = [c.get(a["Location"]).content.decode() for c, a in ((known, answer_known), (unknown, answer_unknown))]
    without_csrf = [re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page) for page in pages]
    assert without_csrf[0] == without_csrf[1]
    # one outbox message each, the same handler: the request never looks the account up
    messages = OutboxMessage.objects.order_by("id")[before:]
    assert [m.handler for m in messages] == ["accounts.emails.send_password_reset"] * 2
    assert [m.to for m in mail.outbox] == [[customer.email]]
    assert all(m.payload == {} for m in OutboxMessage.objects.filter(handler="accounts.emails.send_password_reset"))


def test_the_reset_link_sets_a_new_password_once(client, customer):
    token = token_create(user=customer)
    client.post("/compte/mot-de-passe/oublie/", {"email": customer.email})
    message = mail.outbox[-1]
    assert message.subject == "Ecopôle alimentaire : choisissez un nouveau mot de passe"
    assert "Le lien ne sert qu'une fois, pendant 60 minutes." in message.body
    assert "Choisir un nouveau mot de passe" in message.alternatives[0][0]
    path = re.search(r"/compte/mot-de-passe/nouveau/\S+/", message.body).group(0)

    form = client.get(path, follow=True)
    assert form.status_code == 200 and "Nouveau mot de passe" in form.content.decode()
    form_url = form.redirect_chain[-1][0]
    done = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == "/compte/mot-de-passe/nouveau/fait/"
    assert _login(Client(), customer.email, password=NEW_PASSWORD).status_code == 302
    assert not ApiToken.objects.filter(pk=token.pk).exists()  # every API token revoked

    again = Client().get(path, follow=True)
    assert "Ce lien n'est plus valable" in _text(again)


def test_the_reset_link_expires(client, customer):
    client.post("/compte/mot-de-passe/oublie/", {"email": customer.email})
    path = re.search(r"/compte/mot-de-passe/nouveau/\S+/", mail.outbox[-1].body).group(0)
    with time_machine.travel(time.time() + 3601, tick=False):
        page = Client().get(path, follow=True)
    assert "Ce lien n'est plus valable" in _text(page)


def test_reset_requests_are_throttled_per_address_asked_for_without_saying_so(customer, rates):
    mail.outbox.clear()
    answers = [
        Client(REMOTE_ADDR=f"10.0.0.{i}").post("/compte/mot-de-passe/oublie/", {"email": customer.email})
        for i in range(5)
    ]
    assert {a.status_code for a in answers} == {302}
    assert len(mail.outbox) == 3  # THROTTLE_PASSWORD_RESET_EMAIL: 3/hour


def test_reset_requests_are_throttled_per_client_address(client, rates):
    statuses = [
        client.post("/compte/mot-de-passe/oublie/", {"email": f"x{i}@example.org"}).status_code for i in range(6)
    ]
    assert statuses == [302] * 5 + [429]


# --- Profile and password -----------------------------------------------------------------------------------------


def test_the_profile_saves_name_and_phone(client, customer):
    client.force_login(customer)
    response = client.post("/compte/", {"full_name": "Dominique Marck", "phone": "03 21 00 00 00"})
    assert response.status_code == 302
    customer.refresh_from_db()
    assert (customer.full_name, customer.phone) == ("Dominique Marck", "03 21 00 00 00")
    refused = client.post("/compte/", {"full_name": "", "phone": ""})
    assert refused.status_code == 400 and 'id="id_full_name-erreur"' in refused.content.decode()


def test_an_unconfirmed_customer_can_ask_for_the_link_again(client):
    user = UserFactory(email_confirmed_at=None)
    client.force_login(user)
    assert "pas encore confirmée" in client.get("/compte/").content.decode()
    mail.outbox.clear()
    client.post("/compte/confirmer-email/renvoyer/")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [user.email]


def test_password_change_checks_the_current_one_and_keeps_this_session(client, customer):
    client.force_login(customer)
    token_create(user=customer)
    wrong = client.post(
        "/compte/mot-de-passe/",
        {"current_password": "faux-mot-de-passe", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert wrong.status_code == 400
    assert 'id="id_current_password-erreur"' in wrong.content.decode()
    assert "Le mot de passe actuel est incorrect." in _text(wrong)

    done = client.post(
        "/compte/mot-de-passe/",
        {"current_password": DEFAULT_PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done.status_code == 302
    assert client.get("/compte/").status_code == 200  # still logged in here
    customer.refresh_from_db()
    assert customer.check_password(NEW_PASSWORD)
    assert not ApiToken.objects.filter(user=customer).exists()


# --- Email change, re-confirmed -----------------------------------------------------------------------------------


def _change_email(client, new_email, password=DEFAULT_PASSWORD):
    return client.post("/compte/email/", {"new_email": new_email, "password": password})


def test_a_new_email_takes_effect_when_the_link_sent_there_is_followed(client, customer):
    client.force_login(customer)
    old = customer.email
    mail.outbox.clear()

    response = _change_email(client, "Nouvelle.Adresse@example.org")

    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.email == old  # not yet
    (message,) = mail.outbox
    assert message.to == ["nouvelle.adresse@example.org"]
    assert message.subject == "Ecopôle alimentaire : confirmez votre nouvelle adresse e-mail"
    token = _token(message)
    assert "Confirmer ma nouvelle adresse e-mail" in _text(client.get("/compte/email/confirmer/", {"token": token}))
    customer.refresh_from_db()
    assert customer.email == old  # a GET (a mail scanner) changes nothing

    done = client.post("/compte/email/confirmer/", {"token": token}, follow=True)

    assert "Votre nouvelle adresse e-mail est confirmée." in _text(done)
    customer.refresh_from_db()
    assert customer.email == "nouvelle.adresse@example.org" and customer.email_confirmed_at is not None
    assert client.post("/compte/email/confirmer/", {"token": token}).status_code == 302  # again: a no-op
    assert _login(Client(), "nouvelle.adresse@example.org").status_code == 302


def test_an_email_change_needs_the_current_password(client, customer):
    client.force_login(customer)
    mail.outbox.clear()
    response = _change_email(client, "ailleurs@example.org", password="pas-le-bon")
    assert response.status_code == 400
    assert 'id="id_password-erreur"' in response.content.decode()
    assert mail.outbox == []


def test_a_taken_address_gets_the_same_answer_and_no_email(client, customer, other_customer):
    client.force_login(customer)
    mail.outbox.clear()
    response = _change_email(client, other_customer.email)
    assert response.status_code == 302
    assert mail.outbox == []


def test_an_address_taken_meanwhile_is_refused_at_confirmation(client, customer):
    client.force_login(customer)
    _change_email(client, "convoitee@example.org")
    token = _token(mail.outbox[-1])
    UserFactory(email="convoitee@example.org")

    response = client.post("/compte/email/confirmer/", {"token": token})

    assert response.status_code == 400
    assert "Un autre compte utilise désormais cette adresse e-mail" in _text(response)
    customer.refresh_from_db()
    assert customer.email != "convoitee@example.org"


def test_a_tampered_email_change_link_is_refused(client):
    response = client.post("/compte/email/confirmer/", {"token": "x:y:z"})
    assert response.status_code == 400
    assert "Ce lien de confirmation n'est pas valide." in _text(response)
