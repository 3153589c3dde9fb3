from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Orders and baskets")

    def ready(self) -> None:
        from . import basket_stops  # noqa: F401  (registers the basket deliveries as stops of the rounds)
