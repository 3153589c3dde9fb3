"""After a customer erased their account, their token opens nothing: every operation of the API that reads a token
answers 401 (the role matrix's world, its one valid call per operation)."""

from __future__ import annotations

from django.urls import resolve

from accounts.authentication import ApiTokenAuthentication
from tests.factories.accounts import DEFAULT_PASSWORD

from .world import call, rolled_back, schema_operations, url_for


def _reads_tokens(world, op: str) -> bool:
    view = resolve(url_for(world, op)).func
    classes = getattr(getattr(view, "cls", None), "authentication_classes", ())
    return any(issubclass(cls, ApiTokenAuthentication) for cls in classes)


def test_after_erasure_the_former_customers_token_gets_401_everywhere(world):
    response = world.client("customer").delete("/api/v1/auth/me/", {"password": DEFAULT_PASSWORD}, format="json")
    assert response.status_code == 204

    checked, wrong = 0, []
    for op in sorted(schema_operations()):
        if not _reads_tokens(world, op):  # register, login, the machines' own key: no token read
            continue
        with rolled_back():
            status = call(world, op, "customer").status_code
        checked += 1
        if status != 401:
            wrong.append(f"{op}: {status}")

    assert wrong == []
    assert checked > 60
