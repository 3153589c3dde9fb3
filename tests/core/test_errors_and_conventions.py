import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db


def test_unknown_url_is_a_json_404(api_client):
    response = api_client.get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "Introuvable.", "fields": {}}


def test_unknown_url_in_english(api_client):
    response = api_client.get("/api/v1/nothing-here/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["detail"] == "Not found."


def test_malformed_json_is_a_parse_error(customer_client):
    response = customer_client.patch("/api/v1/auth/me/", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_an_oversized_body_is_refused_with_413(customer_client):
    response = customer_client.patch(
        "/api/v1/auth/me/", data='{"full_name": "' + "x" * 5000 + '"}', content_type="application/json"
    )
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"


def test_api_root_lists_the_entry_points(api_client):
    response = api_client.get("/api/v1/")
    assert response.status_code == 200
    assert response.json()["links"]["docs"].endswith("/api/docs/")


def test_swagger_ui_and_schema_are_served(api_client):
    assert api_client.get("/api/docs/").status_code == 200
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    assert "/api/v1/auth/token/" in schema.json()["paths"]


def test_health_is_ok_with_database_and_broker(api_client):
    response = api_client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_health_is_503_when_the_broker_is_down(api_client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    response = api_client.get("/health/")
    assert response.status_code == 503
    assert response.json()["broker"] == "down"
    assert response.json()["database"] == "ok"


def test_settings_are_french_first_and_in_paris(settings):
    assert settings.LANGUAGE_CODE == "fr"
    assert settings.TIME_ZONE == "Europe/Paris"
    assert settings.USE_TZ is True
