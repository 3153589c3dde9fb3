from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShopConfig(AppConfig):
    """The customers' web shop: server-rendered pages on the catalogue's and the orders' selectors and services."""

    name = "shop"
    verbose_name = _("Web shop")
