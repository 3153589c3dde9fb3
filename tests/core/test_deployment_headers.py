"""Deployment: X-Forwarded-Proto believed only from the declared proxy, a CSP on every page, the docs switchable and
served without any outside host."""

import re

import pytest
from django.conf import settings as django_settings
from django.test import Client

from tests.factories.accounts import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def https_only(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 3600
    return settings


def test_a_client_cannot_claim_https_with_a_forwarded_proto_header(https_only):
    # given no declared proxy: a client sends X-Forwarded-Proto itself over plain HTTP
    response = Client(REMOTE_ADDR="198.51.100.9").get("/health/", HTTP_X_FORWARDED_PROTO="https")

    # then it is redirected to HTTPS, and gets no HSTS over HTTP
    assert response.status_code == 301
    assert response["Location"].startswith("https://")
    assert "Strict-Transport-Security" not in response


def test_the_declared_proxy_is_believed(https_only):
    https_only.TRUSTED_PROXIES = ["10.0.0.2"]
    response = Client(REMOTE_ADDR="10.0.0.2").get("/health/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200
    assert response["Strict-Transport-Security"].startswith("max-age=3600")


def _pages():
    admin = django_settings.ADMIN_URL
    return [
        ("/api/docs/", False),
        (f"/{admin}", True),
        (f"/{admin}accounts/user/", True),
        (f"/{admin}login/", False),
        ("/compte/confirmer-email/?token=x", False),
        ("/api/v1/", False),
    ]


def test_every_page_has_a_content_security_policy_without_inline_scripts():
    staff = Client()
    staff.force_login(StaffFactory(is_superuser=True))
    for url, logged_in in _pages():
        response = (staff if logged_in else Client()).get(url, HTTP_ACCEPT="text/html")
        assert response.status_code == 200, url
        policy = response["Content-Security-Policy"]
        assert "script-src 'self';" in policy, url
        assert "unsafe-inline" not in policy.split("script-src", 1)[1].split(";", 1)[0]
        assert "frame-ancestors 'none'" in policy
        if "text/html" in response["Content-Type"]:
            html = response.content.decode()
            inline = [m for m in re.findall(r"<script([^>]*)>", html) if "src=" not in m and "json" not in m]
            assert not inline, (url, inline)


def test_the_swagger_ui_loads_everything_from_the_project():
    response = Client().get("/api/docs/")
    html = response.content.decode()
    assert response.status_code == 200
    assert not re.findall(r"(?:src|href)=\"(?:https?:)?//", html), html
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert any("swagger-ui-bundle.js" in s and s.startswith("/static/") for s in scripts)
    init = Client().get(next(s for s in scripts if "script" in s.split("?")[-1]))
    assert init.status_code == 200
    assert "SwaggerUIBundle" in init.content.decode()


def test_the_docs_and_the_schema_can_be_switched_off(settings):
    settings.API_DOCS_ENABLED = False
    assert Client().get("/api/docs/").status_code == 404
    assert Client().get("/api/schema/").status_code == 404
    assert Client().get("/api/v1/").status_code == 200
