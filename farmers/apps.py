from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FarmersConfig(AppConfig):
    """The farmers' space (/producteurs/): the workshop, lots, products, sales; and the public lot pages."""

    name = "farmers"
    verbose_name = _("Farmers' space")
