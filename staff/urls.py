"""The staff pages, under /equipe/ (ecopole/urls.py): each part in its own URL module."""

from django.urls import include, path

app_name = "staff"

urlpatterns = [
    path("", include("staff.urls_preparation")),  # dashboard, preparation, counter, orders for a customer
    path("tournees/", include("staff.urls_planning")),  # planning board
]
