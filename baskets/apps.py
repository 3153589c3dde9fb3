from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BasketsConfig(AppConfig):
    name = "baskets"
    verbose_name = _("Organic baskets")

    def ready(self) -> None:
        from . import stops  # noqa: F401  (registers the basket deliveries as stops of the rounds)
