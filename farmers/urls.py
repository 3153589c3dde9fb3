"""The farmers' space, under /producteurs/ (ecopole/urls.py)."""

from django.urls import path  # noqa: F401

app_name = "farmers"

urlpatterns: list = []
