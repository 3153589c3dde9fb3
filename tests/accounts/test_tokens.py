"""API tokens: stored as digests, shown once, sliding expiry, revoked by logout and by any password change."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import ApiToken, token_digest
from accounts.services import token_create
from tests.factories.accounts import DEFAULT_PASSWORD, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def _login(email, password=DEFAULT_PASSWORD):
    return APIClient().post("/api/v1/auth/token/", {"email": email, "password": password}, format="json")


def _as(key) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_token_is_stored_as_a_digest_and_shown_once(customer):
    # when the customer logs in twice
    first = _login(customer.email).json()["token"]
    second = _login(customer.email).json()["token"]

    # then each login made its own token, both work, and the database holds no clear key
    assert first != second
    assert _as(first).get("/api/v1/auth/me/").status_code == 200
    assert _as(second).get("/api/v1/auth/me/").status_code == 200
    stored = list(ApiToken.objects.filter(user=customer).values_list("digest", flat=True))
    assert sorted(stored) == sorted([token_digest(first), token_digest(second)])
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    assert "authtoken_token" not in tables


def test_a_token_expires_after_the_idle_time_and_use_pushes_the_expiry_back(customer, settings):
    settings.API_TOKEN_IDLE_SECONDS = 3600
    start = dt.datetime(2026, 12, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        key = token_create(user=customer).key

        # used every 50 minutes, it stays valid past the first hour (sliding)
        for _ in range(3):
            clock.shift(50 * 60)
            assert _as(key).get("/api/v1/auth/me/").status_code == 200

        # unused for more than an hour, it is refused and deleted
        clock.shift(61 * 60)
        response = _as(key).get("/api/v1/auth/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"
    assert not ApiToken.objects.filter(user=customer).exists()


def test_logout_revokes_the_token_used_only(customer):
    used, other = token_create(user=customer).key, token_create(user=customer).key

    response = _as(used).post("/api/v1/auth/logout/", {}, format="json")

    assert response.status_code == 200
    assert response.json() == {"revoked": 1}
    assert _as(used).get("/api/v1/auth/me/").status_code == 401
    assert _as(other).get("/api/v1/auth/me/").status_code == 200


def test_logout_everywhere_revokes_every_token_of_the_account_only(customer, other_customer):
    keys = [token_create(user=customer).key for _ in range(3)]
    someone_else = token_create(user=other_customer).key

    response = _as(keys[0]).post("/api/v1/auth/logout/", {"everywhere": True}, format="json")

    assert response.json() == {"revoked": 3}
    assert all(_as(key).get("/api/v1/auth/me/").status_code == 401 for key in keys)
    assert _as(someone_else).get("/api/v1/auth/me/").status_code == 200


def test_logout_needs_authentication(api_client):
    assert api_client.post("/api/v1/auth/logout/", {}, format="json").status_code == 401


def test_changing_the_password_by_the_api_revokes_every_token_and_gives_a_new_one(customer):
    old = [token_create(user=customer).key for _ in range(2)]

    response = _as(old[0]).post(
        "/api/v1/auth/password/",
        {"current_password": DEFAULT_PASSWORD, "new_password": "un-tout-nouveau-secret-77"},
        format="json",
    )

    assert response.status_code == 200
    assert all(_as(key).get("/api/v1/auth/me/").status_code == 401 for key in old)
    assert _as(response.json()["token"]).get("/api/v1/auth/me/").status_code == 200
    assert _login(customer.email, "un-tout-nouveau-secret-77").status_code == 200


def test_changing_the_password_needs_the_current_one(customer):
    key = token_create(user=customer).key
    response = _as(key).post(
        "/api/v1/auth/password/",
        {"current_password": "pas-le-bon", "new_password": "un-tout-nouveau-secret-77"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "wrong_password"
    assert _as(key).get("/api/v1/auth/me/").status_code == 200


def test_a_password_set_in_the_admin_revokes_the_tokens():
    customer = UserFactory()
    key = token_create(user=customer).key
    admin_user = StaffFactory(is_superuser=True)
    client = Client()
    client.force_login(admin_user)

    response = client.post(
        f"/{settings.ADMIN_URL}accounts/user/{customer.pk}/password/",
        {"password1": "mot-de-passe-admin-91", "password2": "mot-de-passe-admin-91", "usable_password": "true"},
    )

    assert response.status_code == 302, response.content[:500]
    assert _as(key).get("/api/v1/auth/me/").status_code == 401


def test_nobody_reads_a_token_in_the_admin(customer):
    key = token_create(user=customer).key
    client = Client()
    client.force_login(StaffFactory(is_superuser=True))

    listing = client.get(f"/{settings.ADMIN_URL}accounts/apitoken/")
    detail = client.get(f"/{settings.ADMIN_URL}accounts/apitoken/{ApiToken.objects.get().pk}/change/")

    assert listing.status_code == 200 and detail.status_code == 200
    for page in (listing, detail):
        body = page.content.decode()
        assert key not in body and token_digest(key) not in body
        assert key[:8] in body  # the prefix tells tokens apart
    assert client.get(f"/{settings.ADMIN_URL}authtoken/tokenproxy/").status_code == 404


def test_the_migration_turns_clear_drf_tokens_into_digests_and_drops_their_table(customer):
    # given the former DRF table with a token in clear
    import importlib

    from django.apps import apps

    migration = importlib.import_module("accounts.migrations.0003_api_token_hashed")
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created timestamp with time zone NOT NULL, "
            "user_id bigint NOT NULL)"
        )
        cursor.execute(
            "INSERT INTO authtoken_token (key, created, user_id) VALUES (%s, now(), %s)", ["a" * 40, customer.pk]
        )

    # when the migration's data step runs
    with connection.schema_editor(atomic=False) as editor:
        migration.import_clear_tokens(apps, editor)

    # then the old token still works, only its digest is kept, and the clear table is gone
    assert _as("a" * 40).get("/api/v1/auth/me/").status_code == 200
    assert ApiToken.objects.get(user=customer).digest == token_digest("a" * 40)
    assert "authtoken_token" not in connection.introspection.table_names()
