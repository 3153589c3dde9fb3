"""A database that cannot be reached is a 503 with Retry-After and a code that says so, on the API and on the shop's
pages, and the next request after it is back works (issue 22, item 3)."""

from __future__ import annotations

import contextlib
import socket

import pytest
from django.db import connection
from django.test import Client

pytestmark = pytest.mark.django_db(transaction=True)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # free once the socket is closed: nothing listens there


@contextlib.contextmanager
def database_gone():
    """The database server is away: every new connection is refused (as when PostgreSQL is stopped)."""
    connection.close()
    saved = dict(connection.settings_dict)
    connection.settings_dict.update(HOST="127.0.0.1", PORT=str(_closed_port()))
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


def test_the_api_answers_503_database_unavailable_with_retry_after():
    client = Client(raise_request_exception=False)
    with database_gone():
        response = client.get("/api/v1/catalogue/products/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    body = response.json()
    assert body["code"] == "database_unavailable"
    assert body["detail"].startswith("Le service est momentanément indisponible")
    # and once it is back, the next request works
    assert client.get("/api/v1/catalogue/products/").status_code == 200


def test_an_order_while_the_database_is_gone_is_a_503_not_a_500(customer):
    from tests.clients import client_for

    api = client_for(customer)
    with database_gone():
        body = {
            "lines": [{"product": 1, "quantity": "1"}],
            "fulfilment": {"type": "pickup", "point": 1},
            "delivery_date": "2026-12-11",
        }
        response = api.post("/api/v1/orders/", body, format="json")
    assert (response.status_code, response.json()["code"]) == (503, "database_unavailable")
    assert response["Retry-After"] == "5"


def test_a_shop_page_answers_a_503_page_with_retry_after():
    client = Client(raise_request_exception=False)
    with database_gone():
        response = client.get("/produits/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert "text/html" in response["Content-Type"]
    assert "Momentanément indisponible" in response.content.decode()
    assert client.get("/produits/").status_code == 200


def test_a_shop_page_that_crashes_is_an_html_page_and_the_api_stays_json(settings):
    from django.test import RequestFactory

    from ecopole.core.exceptions import json_500

    factory = RequestFactory()
    try:
        raise RuntimeError("bug")
    except RuntimeError:
        page = json_500(factory.get("/produits/"))
        api = json_500(factory.get("/api/v1/orders/"))
    assert (page.status_code, "text/html" in page["Content-Type"]) == (500, True)
    assert "Une erreur est survenue" in page.content.decode()
    assert (api.status_code, api["Content-Type"]) == (500, "application/json")
