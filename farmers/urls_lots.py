"""The public lot pages, under /lots/ (ecopole/urls.py): no login."""

from django.urls import path  # noqa: F401

app_name = "lots"

urlpatterns: list = []
