"""API clients for tests: `client_for(user)` is an APIClient authenticated as that user (fixtures in conftest.py files
build theirs with it; test modules import it from here, never from a conftest)."""

from rest_framework.test import APIClient


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client
