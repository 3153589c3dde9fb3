from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveriesConfig(AppConfig):
    name = "deliveries"
    verbose_name = _("Deliveries")

    def ready(self) -> None:
        from .personal_data import personal_data_declare

        personal_data_declare()
