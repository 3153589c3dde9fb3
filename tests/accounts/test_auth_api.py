import pytest
from django.core.cache import cache
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from accounts.models import User
from tests.factories.accounts import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_register_creates_a_customer_who_can_log_in_and_read_their_account(api_client):
    # given a new visitor
    body = {"email": "Nouveau@Example.org", "password": DEFAULT_PASSWORD, "full_name": "Client Test"}

    # when they register, then log in
    created = api_client.post("/api/v1/auth/register/", body, format="json")
    token = api_client.post(
        "/api/v1/auth/token/", {"email": "nouveau@example.org", "password": DEFAULT_PASSWORD}, format="json"
    )
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.data['token']}")
    me = api_client.get("/api/v1/auth/me/")

    # then the account is a plain customer, email lower-cased, address not confirmed yet
    assert created.status_code == 202, created.data
    assert token.status_code == 200
    assert me.data["email"] == "nouveau@example.org"
    assert me.data["roles"] == ["customer"]
    assert me.data["email_confirmed_at"] is None
    user = User.objects.get(email="nouveau@example.org")
    assert not user.is_staff and user.producer_id is None and not user.groups.exists()


def test_register_cannot_grant_itself_a_role_or_staff_status(api_client):
    response = api_client.post(
        "/api/v1/auth/register/",
        {
            "email": "ruse@example.org",
            "password": DEFAULT_PASSWORD,
            "is_staff": True,
            "is_superuser": True,
            "roles": ["manager"],
            "producer": 1,
            "groups": [1],
            "email_confirmed_at": "2026-01-01T00:00:00Z",
        },
        format="json",
    )
    assert response.status_code == 202
    user = User.objects.get(email="ruse@example.org")
    assert (user.is_staff, user.is_superuser, user.producer_id, user.groups.count(), user.email_confirmed_at) == (
        False,
        False,
        None,
        0,
        None,
    )


def test_register_refuses_a_weak_password_in_french(api_client):
    response = api_client.post(
        "/api/v1/auth/register/", {"email": "a@example.org", "password": "12345678"}, format="json"
    )
    assert response.status_code == 400
    assert response.data["code"] == "validation_error"
    assert "password" in response.data["fields"]
    assert "trop court" in " ".join(response.data["fields"]["password"])
    assert not User.objects.filter(email="a@example.org").exists()


def test_wrong_password_gives_invalid_credentials(api_client):
    UserFactory(email="client@example.org")
    response = api_client.post(
        "/api/v1/auth/token/", {"email": "client@example.org", "password": "faux"}, format="json"
    )
    assert response.status_code == 400
    assert response.data == {
        "code": "invalid_credentials",
        "detail": "Adresse e-mail ou mot de passe incorrect.",
        "fields": {},
    }


def test_english_is_available_with_accept_language(api_client):
    response = api_client.post(
        "/api/v1/auth/token/",
        {"email": "x@example.org", "password": "faux"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.data["detail"] == "Email or password is incorrect."


def test_me_requires_authentication(api_client):
    response = api_client.get("/api/v1/auth/me/")
    assert response.status_code == 401
    assert response.data["code"] == "not_authenticated"


def test_me_patch_changes_only_name_and_phone(customer, customer_client):
    response = customer_client.patch(
        "/api/v1/auth/me/",
        {
            "full_name": "Nouveau Nom",
            "phone": "0321000000",
            "email": "autre@example.org",
            "roles": ["manager"],
        },
        format="json",
    )
    customer.refresh_from_db()
    assert response.status_code == 200
    assert (customer.full_name, customer.phone) == ("Nouveau Nom", "0321000000")
    assert customer.email != "autre@example.org"
    assert not customer.groups.exists()


def test_roles_are_reported(manager, producer_member):
    assert manager.roles == ["manager"]
    assert producer_member.roles == ["producer"]


def test_login_is_throttled_with_retry_after(monkeypatch):
    # given a login rate of 3 a minute
    cache.clear()
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"login": "3/min", "register": "3/min"})
    client = APIClient()

    # when a fourth attempt comes within the minute
    responses = [
        client.post("/api/v1/auth/token/", {"email": "x@example.org", "password": "faux"}, format="json")
        for _ in range(4)
    ]
    cache.clear()

    # then it is refused with 429 and a Retry-After
    assert [r.status_code for r in responses] == [400, 400, 400, 429]
    assert responses[-1].data["code"] == "throttled"
    assert int(responses[-1]["Retry-After"]) > 0
