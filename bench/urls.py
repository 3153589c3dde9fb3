"""The application's URLs plus the bare floor views of the catalogue list and of placing an order."""

from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from ecopole.urls import handler400, handler403, handler404, handler500
from ecopole.urls import urlpatterns as app_urlpatterns

from .floor import floor_order, floor_products

urlpatterns = [
    path("bench/floor/products/", floor_products, name="bench-floor-products"),
    path("bench/floor/orders/", csrf_exempt(floor_order), name="bench-floor-orders"),
    *app_urlpatterns,
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
