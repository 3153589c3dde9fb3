"""Helpers of the vending tests (constants, request bodies, builders): test modules import them from here; the
fixtures are in conftest.py."""

from rest_framework.test import APIClient


def machine_client_for(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_X_MACHINE_KEY=key)
    return client
