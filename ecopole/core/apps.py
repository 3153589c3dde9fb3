from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "ecopole.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from . import strict_types

        strict_types.install()
