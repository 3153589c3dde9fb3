"""The driver's pages, under /livreur/ (ecopole/urls.py)."""

app_name = "driver"

urlpatterns: list = []
