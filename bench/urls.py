"""The application's URLs plus the bare floor view of the catalogue list."""

from django.urls import path

from ecopole.urls import handler400, handler403, handler404, handler500
from ecopole.urls import urlpatterns as app_urlpatterns

from .floor import floor_products

urlpatterns = [path("bench/floor/products/", floor_products, name="bench-floor-products"), *app_urlpatterns]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
