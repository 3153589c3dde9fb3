"""The lot pages, under /lots/ (ecopole/urls.py): the public page (no login) and the labels (producer, staff)."""

from django.urls import path

from . import views_lots

app_name = "lots"

urlpatterns: list = [
    path("<str:code>/", views_lots.lot_public, name="lot-public"),
    path("<str:code>/etiquettes.pdf", views_lots.lot_labels, name="lot-labels"),
]
