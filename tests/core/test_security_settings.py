import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def test_passwords_are_hashed_with_argon2_outside_tests():
    from ecopole.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_cors_is_closed_by_default(api_client):
    response = api_client.get("/api/v1/", HTTP_ORIGIN="https://evil.example")
    assert "access-control-allow-origin" not in {k.lower() for k in response.headers}


def test_cors_opens_to_a_configured_origin(api_client, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://boutique.ecopole.example"]
    response = api_client.get("/api/v1/", HTTP_ORIGIN="https://boutique.ecopole.example")
    assert response.headers["Access-Control-Allow-Origin"] == "https://boutique.ecopole.example"


def test_the_admin_asks_for_a_staff_login(api_client):
    response = api_client.get(f"/{settings.ADMIN_URL}")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL not set")
def test_throttle_counters_live_in_redis_when_configured():
    from django.core.cache import cache

    assert settings.CACHES["default"]["BACKEND"] == "django_redis.cache.RedisCache"
    cache.set("ecopole-test-key", 1, 5)
    assert cache.get("ecopole-test-key") == 1


def _production_check(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            # Not DJANGO_ALLOW_ASYNC_UNSAFE either: the browser tests set it for the test process (Playwright's sync
            # API runs an event loop in the test thread), and production must never have it.
            **{k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}},
            "DJANGO_ENV": "production",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _production_check({"SECRET_KEY": "", "ALLOWED_HOSTS": "ecopole.example"})
    assert result.returncode != 0
    assert "SECRET_KEY doit être défini" in result.stderr


def test_production_passes_the_deployment_checklist():
    result = _production_check(
        {"SECRET_KEY": "x" * 20 + "-production-secret-0123456789-abcdefghij", "ALLOWED_HOSTS": "ecopole.example"}
    )
    assert result.returncode == 0, result.stderr
