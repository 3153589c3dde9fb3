"""JSON bodies: a hostile nesting is a 400 `parse_error`, never a 500; parse errors are in the client's language."""

import time

import pytest
from rest_framework.test import APIClient

from ecopole.core.parsers import json_deeper_than, json_depth

pytestmark = pytest.mark.django_db

DEEP = "[" * 1000 + "]" * 1000  # 2 KB: Python's json module recursed into a RecursionError on it

ENDPOINTS = [
    ("post", "/api/v1/auth/token/", None),
    ("post", "/api/v1/auth/register/", None),
    ("patch", "/api/v1/auth/me/", "customer"),
    ("post", "/api/v1/orders/", "customer"),
    ("post", "/api/v1/catalogue/products/", "manager"),
]


@pytest.fixture
def clients(customer, manager):
    def make(role):
        client = APIClient()
        if role:
            client.force_authenticate({"customer": customer, "manager": manager}[role])
        return client

    return make


@pytest.mark.parametrize(("method", "url", "role"), ENDPOINTS, ids=[f"{m} {u}" for m, u, _ in ENDPOINTS])
def test_a_deeply_nested_body_is_a_parse_error_not_a_500(clients, method, url, role):
    # given a 2 KB body nested 1,000 levels deep, and one wrapped in an object
    client = clients(role)

    for body in (DEEP, '{"email": ' + DEEP + "}"):
        # when it is sent
        response = getattr(client, method)(url, data=body, content_type="application/json")

        # then it is a 400 parse_error in French
        assert response.status_code == 400, (url, response.content[:200])
        assert response.json()["code"] == "parse_error"
        assert "64 niveaux" in response.json()["detail"]


def test_a_body_within_the_depth_limit_reaches_validation(api_client):
    body = '{"email": ' + "[" * 63 + "]" * 63 + ', "password": "x"}'
    response = api_client.post("/api/v1/auth/token/", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"


def test_brackets_inside_strings_do_not_count():
    assert json_depth(b'{"a": "[[[[[[[[[[[[\\"[[[[[[[", "b": [1, {"c": 2}]}') == 3
    assert json_depth(b'"scalar"') == 0


@pytest.mark.parametrize(
    "body",
    [b"[" * 500_000 + b"]" * 500_000, b"[]" * 500_000, (b"[" * 30 + b"]" * 30) * 16_000],
    ids=["deep", "wide", "mixed"],
)
def test_the_depth_check_stays_cheap_on_a_large_hostile_body(body):
    # 1 MB, the largest accepted body
    started = time.perf_counter()
    json_deeper_than(body, 64)
    assert time.perf_counter() - started < 1


def test_the_depth_limit_is_exact():
    assert json_depth(b"[" * 5000 + b"]" * 5000) == 5000
    assert json_deeper_than(b"[" * 65 + b"]" * 65, 64)
    assert not json_deeper_than(b"[" * 64 + b"]" * 64, 64)


def test_malformed_json_is_explained_in_french(api_client):
    response = api_client.post("/api/v1/auth/token/", data='{"email": ', content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "code": "parse_error",
        "detail": "Le corps de la requête n'est pas du JSON valide (ligne 1, colonne 11).",
        "fields": {},
    }


def test_malformed_json_is_explained_in_english_on_request(api_client):
    response = api_client.post(
        "/api/v1/auth/token/", data="{nope", content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "The body is not valid JSON (line 1, column 2)."
