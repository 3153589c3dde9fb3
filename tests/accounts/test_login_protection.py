"""Login protection: per client address (from the declared proxy chain only) and per account, API and admin alike."""

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from ecopole.core.client_ip import client_ip
from tests.factories.accounts import DEFAULT_PASSWORD, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture
def login_rate(monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"login": "10/min", "register": "5/hour"})


def _login(client, email, password, **headers):
    return client.post(TOKEN_URL, {"email": email, "password": password}, format="json", **headers)


def test_forged_forwarded_for_headers_do_not_escape_the_login_rate(login_rate):
    # given an attacker who sends a new X-Forwarded-For with every attempt
    client = APIClient(REMOTE_ADDR="198.51.100.20")

    # when 30 wrong passwords are tried on 30 accounts
    statuses = [
        _login(client, f"cible{n}@example.org", "mauvais", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(30)
    ]

    # then the address is limited all the same: 10 tries, then 429
    assert statuses == [400] * 10 + [429] * 20


def test_the_right_password_does_not_pass_while_the_address_is_blocked(login_rate):
    user = UserFactory(email="client@example.org")
    client = APIClient(REMOTE_ADDR="198.51.100.21")
    for n in range(10):
        _login(client, f"autre{n}@example.org", "mauvais", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")

    response = _login(client, user.email, DEFAULT_PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.200")

    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert int(response["Retry-After"]) > 0
    assert "token" not in response.json()


def test_behind_a_declared_proxy_each_client_has_its_own_budget(login_rate, settings):
    # given a reverse proxy at 10.0.0.2 that appends the address it saw
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    proxy = APIClient(REMOTE_ADDR="10.0.0.2")

    # when one client exhausts its budget, forging the left part of the chain
    blocked = [
        _login(proxy, f"c{n}@example.org", "x", HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 198.51.100.30").status_code
        for n in range(11)
    ]
    other = _login(proxy, "c@example.org", "x", HTTP_X_FORWARDED_FOR="198.51.100.31")

    # then that client is limited, and another client behind the same proxy is not
    assert blocked[-1] == 429
    assert other.status_code == 400


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "expected"),
    [
        ([], "198.51.100.1", "203.0.113.9", "198.51.100.1"),  # no proxy declared: the header is ignored
        (["10.0.0.1"], "198.51.100.1", "203.0.113.9", "198.51.100.1"),  # not from the proxy: ignored
        (["10.0.0.1"], "10.0.0.1", "203.0.113.9", "203.0.113.9"),
        (["10.0.0.1"], "10.0.0.1", "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # forged left part ignored
        (["10.0.0.0/8"], "10.0.0.1", "203.0.113.9, 10.1.1.1", "203.0.113.9"),  # two proxies
        (["10.0.0.1"], "10.0.0.1", "not-an-address", "10.0.0.1"),
        (["2001:db8::/32"], "2001:db8::1", "[2001:db8:ffff::5]:443, 2001:db9::7", "2001:db9::7"),
    ],
)
def test_client_ip_believes_only_the_declared_proxies(settings, rf, trusted, remote, forwarded, expected):
    settings.TRUSTED_PROXIES = trusted
    request = rf.get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_failed_logins_on_one_account_start_a_delay_that_grows_then_expires():
    user = UserFactory(email="victime@example.org")
    start = dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        # given 5 wrong passwords from 5 different addresses
        for n in range(5):
            assert _login(APIClient(REMOTE_ADDR=f"192.0.2.{n}"), user.email, "mauvais").status_code == 400

        # then the account waits 30 s, even with the right password, even from a new address
        delayed = _login(APIClient(REMOTE_ADDR="192.0.2.99"), user.email, DEFAULT_PASSWORD)
        assert delayed.status_code == 429
        assert delayed.json()["code"] == "login_delayed"
        assert delayed["Retry-After"] == "30"
        assert "30 secondes" in delayed.json()["detail"]

        # when the delay has passed and one more wrong password comes, the delay doubles
        clock.shift(31)
        assert _login(APIClient(), user.email, "mauvais").status_code == 400
        assert _login(APIClient(), user.email, DEFAULT_PASSWORD)["Retry-After"] == "60"

        # when that delay has passed too, the right password opens and resets the count
        clock.shift(61)
        assert _login(APIClient(), user.email, DEFAULT_PASSWORD).status_code == 200
        assert _login(APIClient(), user.email, "mauvais").status_code == 400  # count restarted at 1, no delay
        assert _login(APIClient(), user.email, DEFAULT_PASSWORD).status_code == 200


def test_the_delay_is_capped(settings):
    settings.LOGIN_DELAY_MAX_SECONDS = 120
    UserFactory(email="victime@example.org")
    with time_machine.travel(dt.datetime(2026, 12, 2, 10, 0, tzinfo=dt.UTC), tick=False) as clock:
        for _ in range(5):
            _login(APIClient(), "victime@example.org", "mauvais")
        waits = []
        for _ in range(4):
            waits.append(int(_login(APIClient(), "victime@example.org", "x")["Retry-After"]))
            clock.shift(waits[-1] + 1)
            _login(APIClient(), "victime@example.org", "mauvais")
    assert waits == [30, 60, 120, 120]


def test_an_unknown_account_is_delayed_like_a_known_one():
    for _ in range(5):
        _login(APIClient(), "inconnu@example.org", "mauvais")
    assert _login(APIClient(), "inconnu@example.org", "mauvais").json()["code"] == "login_delayed"


# --- The admin -----------------------------------------------------------------------------------------------------


def test_the_admin_is_not_at_the_well_known_path_by_default():
    from ecopole.settings import base

    assert base.ADMIN_URL == "gestion/"
    assert Client().get("/admin/").status_code == 404
    assert Client().get(f"/{settings.ADMIN_URL}").status_code == 302


def test_the_admin_login_shares_the_per_address_limit(login_rate):
    # given a browser that sends wrong passwords to the admin, forging X-Forwarded-For
    client = Client(REMOTE_ADDR="198.51.100.40")
    url = f"/{settings.ADMIN_URL}login/"
    statuses = [
        client.post(
            url, {"username": f"x{n}@example.org", "password": "faux"}, HTTP_X_FORWARDED_FOR=f"1.1.1.{n}"
        ).status_code
        for n in range(12)
    ]

    # then after 10 tries the address is refused, and the API login from it too
    assert statuses == [200] * 10 + [429] * 2
    assert _login(APIClient(REMOTE_ADDR="198.51.100.40"), "y@example.org", "faux").status_code == 429


def test_the_admin_login_delays_an_attacked_account():
    StaffFactory(email="gestion@example.org", groups=["manager"])
    url = f"/{settings.ADMIN_URL}login/"
    for n in range(5):
        Client(REMOTE_ADDR=f"192.0.2.{n}").post(url, {"username": "gestion@example.org", "password": "faux"})

    response = Client().post(url, {"username": "gestion@example.org", "password": DEFAULT_PASSWORD})

    assert response.status_code == 429
    assert int(response["Retry-After"]) == 30
    assert "Trop de tentatives" in response.content.decode()


def test_the_admin_login_still_works_with_the_right_password():
    StaffFactory(email="gestion@example.org", groups=["manager"])
    response = Client().post(
        f"/{settings.ADMIN_URL}login/", {"username": "gestion@example.org", "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
