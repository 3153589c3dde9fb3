"""Registration says nothing about known addresses (the rest goes by email); email confirmation's life cycle."""

import datetime as dt
import re
import threading

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from accounts.models import User
from accounts.services import email_confirmation_token, user_register
from ecopole.core.models import OutboxMessage
from tests.factories.accounts import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

REGISTER = "/api/v1/auth/register/"
CONFIRM = "/api/v1/auth/confirm-email/"


@pytest.fixture(autouse=True)
def _after_commit(django_capture_on_commit_callbacks, monkeypatch):
    """The outbox sends after commit: run those callbacks right after each request, as a real commit would."""
    from rest_framework.test import APIClient as Base

    original = Base.generic

    def generic(self, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return original(self, *args, **kwargs)

    monkeypatch.setattr(Base, "generic", generic)


def _register(email, **extra):
    return APIClient().post(REGISTER, {"email": email, "password": DEFAULT_PASSWORD, **extra}, format="json")


def _link_token(message) -> str:
    match = re.search(r"\?token=([^\s\"&]+)", message.body)
    assert match, message.body
    from urllib.parse import unquote

    return unquote(match.group(1))


def test_a_known_and_a_new_address_get_the_same_answer():
    UserFactory(email="deja@example.org")

    known = _register("DEJA@example.org", full_name="Quelqu'un")
    new = _register("nouvelle@example.org", full_name="Quelqu'un")

    assert (known.status_code, known.json()) == (new.status_code, new.json())
    assert new.status_code == 202
    assert "e-mail" in new.json()["detail"]
    assert User.objects.filter(email__iexact="deja@example.org").count() == 1


def test_a_new_address_gets_a_french_welcome_with_a_confirmation_link():
    _register("nouvelle@example.org", full_name="Camille")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nouvelle@example.org"]
    assert message.subject == "Bienvenue à l'Ecopôle alimentaire : confirmez votre adresse e-mail"
    assert "Bonjour Camille" in message.body
    assert "/compte/confirmer-email/?token=" in message.body
    html = message.alternatives[0][0]
    assert "Confirmer mon adresse e-mail" in html and "/compte/confirmer-email/?token=" in html
    assert OutboxMessage.objects.filter(key__startswith="accounts.welcome:", status="sent").count() == 1


def test_a_known_address_is_told_that_someone_tried_and_no_account_changes():
    owner = UserFactory(email="deja@example.org", full_name="Dominique")
    password_before = owner.password

    _register("deja@example.org")
    _register("deja@example.org")  # the same hour: one email, not two

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["deja@example.org"]
    assert message.subject == "Quelqu'un a essayé de s'inscrire avec votre adresse e-mail"
    assert "Aucun nouveau compte n'a été créé" in message.body
    assert "Aucun nouveau compte n'a été créé" in message.alternatives[0][0]
    owner.refresh_from_db()
    assert owner.password == password_before


def test_the_emailed_link_confirms_the_address_once():
    _register("nouvelle@example.org")
    token = _link_token(mail.outbox[0])

    first = APIClient().post(CONFIRM, {"token": token}, format="json")
    confirmed_at = User.objects.get(email="nouvelle@example.org").email_confirmed_at
    second = APIClient().post(CONFIRM, {"token": token}, format="json")

    assert first.status_code == 200
    assert set(first.json()) == {"email_confirmed_at"}
    assert confirmed_at is not None
    assert second.status_code == 200
    assert User.objects.get(email="nouvelle@example.org").email_confirmed_at == confirmed_at


def test_a_confirmation_link_expires(settings):
    settings.EMAIL_CONFIRMATION_MAX_AGE_SECONDS = 3600
    user = UserFactory(email_confirmed_at=None)
    with time_machine.travel(dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC), tick=False) as clock:
        token = email_confirmation_token(user=user)
        clock.shift(3601)
        response = APIClient().post(CONFIRM, {"token": token}, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "confirmation_token_expired"
    user.refresh_from_db()
    assert user.email_confirmed_at is None


@pytest.mark.parametrize("token", ["nimporte-quoi", "eyJ1c2VyIjoxfQ:1abc:forged"])
def test_a_forged_token_confirms_nothing(token):
    user = UserFactory(email_confirmed_at=None)
    response = APIClient().post(CONFIRM, {"token": token}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_confirmation_token"
    assert response.json()["detail"] == "Ce lien de confirmation n'est pas valide."
    user.refresh_from_db()
    assert user.email_confirmed_at is None


def test_a_token_for_an_address_the_account_no_longer_has_is_refused():
    user = UserFactory(email="ancienne@example.org", email_confirmed_at=None)
    token = email_confirmation_token(user=user)
    User.objects.filter(pk=user.pk).update(email="nouvelle@example.org")
    response = APIClient().post(CONFIRM, {"token": token}, format="json")
    assert response.json()["code"] == "invalid_confirmation_token"


def test_the_confirmation_email_can_be_asked_again_and_is_throttled(monkeypatch):
    monkeypatch.setattr(
        ScopedRateThrottle, "THROTTLE_RATES", {"login": "10/min", "register": "5/hour", "confirm_email": "2/hour"}
    )
    user = UserFactory(email_confirmed_at=None, full_name="Sacha")
    client = APIClient()
    client.force_authenticate(user)

    statuses = [client.post("/api/v1/auth/confirm-email/resend/").status_code for _ in range(3)]

    assert statuses == [202, 202, 429]
    assert len(mail.outbox) == 2
    assert mail.outbox[0].subject == "Confirmez votre adresse e-mail"
    response = APIClient().post(CONFIRM, {"token": _link_token(mail.outbox[1])}, format="json")
    assert response.status_code == 200


def test_asking_again_once_confirmed_is_a_conflict(customer_client):
    response = customer_client.post("/api/v1/auth/confirm-email/resend/")
    assert response.status_code == 409
    assert response.json()["code"] == "email_already_confirmed"
    assert mail.outbox == []


def test_the_confirmation_page_confirms_by_a_button_not_by_opening_the_link():
    _register("nouvelle@example.org")
    token = _link_token(mail.outbox[0])
    browser = Client()

    page = browser.get("/compte/confirmer-email/", {"token": token})
    assert page.status_code == 200
    assert User.objects.get(email="nouvelle@example.org").email_confirmed_at is None  # a mail scanner confirms nothing
    assert "Confirmer mon adresse e-mail" in page.content.decode()

    done = browser.post("/compte/confirmer-email/", {"token": token}, follow=True)
    assert done.status_code == 200
    assert "votre adresse e-mail est confirmée" in done.content.decode()
    assert User.objects.get(email="nouvelle@example.org").email_confirmed_at is not None


def test_demo_and_factory_users_are_confirmed(customer):
    assert customer.email_confirmed_at is not None


@pytest.mark.django_db(transaction=True)
def test_two_registrations_of_one_address_at_once_make_one_account_and_the_same_answer():
    # given two visitors who register the same new address at the same instant
    barrier = threading.Barrier(2)
    answers, errors = [], []

    def register():
        try:
            barrier.wait()
            answers.append(user_register(email="course@example.org", password=DEFAULT_PASSWORD))
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=register) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then both got the same (silent) answer, one account exists, and its owner is told twice: welcome + attempt
    assert errors == [] and answers == [None, None]
    assert User.objects.filter(email="course@example.org").count() == 1
    assert sorted(m.subject for m in mail.outbox) == [
        "Bienvenue à l'Ecopôle alimentaire : confirmez votre adresse e-mail",
        "Quelqu'un a essayé de s'inscrire avec votre adresse e-mail",
    ]
