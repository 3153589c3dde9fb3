"""The OpenAPI schema says what the code checks (issue 14.2), and every answer under /api/ is JSON."""

import json
import re
from datetime import date

import pytest
from django.test import Client
from drf_spectacular.generators import SchemaGenerator

from catalogue.models import Category
from ecopole.core.fields import DATE_PATTERN, MONTH_PATTERN, TIME_PATTERN, decimal_pattern

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _nodes(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _nodes(value)


@pytest.mark.parametrize("debug", [True, False])
def test_an_unknown_api_path_is_a_json_404_whatever_debug(settings, debug):
    # given DEBUG as `make run` sets it (on) or as production does (off)
    settings.DEBUG = debug
    # when a path under /api/ matches no route
    response = Client().get("/api/v1/no-such-thing/")
    # then the answer is the usual JSON error body, not Django's HTML page
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"code": "not_found", "detail": "Introuvable.", "fields": {}}


def test_no_decimal_is_documented_as_a_number_and_no_time_needs_an_offset(schema):
    nodes = list(_nodes(schema))
    # decimals travel as strings ("12.00"): none is documented as a JSON number
    assert not [n for n in nodes if n.get("type") == "number"]
    # RFC 3339 `format: time` requires an offset; the API writes "07:00:00"
    assert not [n for n in nodes if n.get("format") == "time"]
    opening = schema["components"]["schemas"]["OpeningPeriod"]["properties"]["opens_at"]
    assert opening["pattern"] == TIME_PATTERN and re.match(TIME_PATTERN, "07:00:00")
    # every date says its range, every decimal the text the API takes
    assert all(n.get("pattern") == DATE_PATTERN for n in nodes if n.get("format") == "date")
    price = schema["components"]["schemas"]["Subscription"]["properties"]["price"]
    assert price["type"] == "string" and price["pattern"] == decimal_pattern(8, 2)


def test_a_month_written_as_2026_12_is_documented_as_a_month_not_a_date(schema, producer):
    # given a workshop statement of December 2026, as the API writes it
    from processing.models import Statement
    from processing.serializers import StatementSerializer

    written = StatementSerializer(Statement(producer=producer, month=date(2026, 12, 1))).data["month"]
    # then the schema says what is written: a YYYY-MM string, not a `format: date` (which needs a day)
    month = schema["components"]["schemas"]["Statement"]["properties"]["month"]
    assert written == "2026-12"
    assert "format" not in month and month["pattern"] == MONTH_PATTERN
    assert re.match(month["pattern"], written)


def test_every_query_parameter_says_its_bounds(schema):
    loose = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "header":
                    continue
                kind = parameter["schema"]
                bounded = (
                    "enum" in kind
                    or "pattern" in kind
                    or kind.get("type") == "boolean"
                    or (kind.get("type") == "integer" and ("minimum" in kind or parameter["in"] == "path"))
                    or "maxLength" in kind
                    or (kind.get("type") == "array" and "enum" in kind["items"])
                )
                if not bounded and parameter["in"] == "query":
                    loose.append(f"{method} {path} {parameter['name']}")
    assert not loose, loose
    products = schema["paths"]["/api/v1/catalogue/products/"]["get"]["parameters"]
    page_size = next(p for p in products if p["name"] == "page_size")["schema"]
    assert (page_size["minimum"], page_size["maximum"]) == (1, 100)


@pytest.mark.parametrize("page_size", ["0", "101", "²", "-1", "1.5"])
def test_a_page_size_outside_1_to_100_is_refused(api_client, page_size):
    Category.objects.create(name="Légumes", slug="legumes")
    response = api_client.get("/api/v1/catalogue/categories/", {"page_size": page_size})
    assert response.status_code == 400
    assert response.json()["code"] == "validation_error" and "page_size" in response.json()["fields"]


def test_page_size_100_is_accepted(api_client):
    Category.objects.create(name="Légumes", slug="legumes")
    assert api_client.get("/api/v1/catalogue/categories/", {"page_size": "100"}).status_code == 200


@pytest.mark.parametrize("text", ["", "-", "1e2", " 2.50", "2.505", "12345678.00"])
def test_a_decimal_is_the_text_the_schema_says(manager_client, text):
    # given a decimal body field (max_digits 8, 2 places: the schema's pattern)
    from catalogue.models import Product

    product_count = Product.objects.count()
    # when a product is created with a price the pattern refuses
    response = manager_client.post("/api/v1/catalogue/products/", {"unit_price": text}, format="json")
    # then the price is refused as invalid, and nothing is written
    assert response.status_code == 400
    assert "unit_price" in response.json()["fields"]
    assert Product.objects.count() == product_count


def test_an_html_error_under_api_becomes_the_json_body_and_other_pages_keep_theirs(rf):
    # given Django's HTML debug page for a crash (what DEBUG on shows for an uncaught exception)
    from django.http import HttpResponseServerError

    from ecopole.core.middleware import ApiJsonErrorsMiddleware

    middleware = ApiJsonErrorsMiddleware(lambda request: HttpResponseServerError("<html>Traceback</html>"))
    # when it answers a path under /api/, then the client gets the JSON error body
    response = middleware(rf.get("/api/v1/orders/"))
    assert response.status_code == 500 and response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert body["code"] == "server_error" and body["fields"] == {} and body["detail"]
    # and the admin's HTML pages are left as they are
    assert middleware(rf.get("/admin/")).content == b"<html>Traceback</html>"


def test_every_operation_documents_the_401_an_invalid_token_gets(schema, db):
    # a public operation called with a revoked or made-up token is refused by authentication before any permission:
    # the outside fuzz run found 11 public operations answering an undocumented 401
    missing = [
        f"{method.upper()} {path}"
        for path, item in schema["paths"].items()
        for method, op in item.items()
        if method in {"get", "put", "post", "patch", "delete"} and "401" not in op["responses"]
    ]
    assert missing == []
    response = Client().get("/api/v1/catalogue/categories/", HTTP_AUTHORIZATION="Token not-a-token")
    assert (response.status_code, response.json()["code"]) == (401, "authentication_failed")
    documented = schema["paths"]["/api/v1/catalogue/categories/"]["get"]["responses"]["401"]
    assert documented["content"]["application/json"]["schema"]["$ref"].endswith("/Error")
