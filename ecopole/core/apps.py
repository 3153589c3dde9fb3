from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_periodic_tasks(sender, **kwargs) -> None:
    from .schedule import periodic_tasks_ensure

    periodic_tasks_ensure()


class CoreConfig(AppConfig):
    name = "ecopole.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from . import strict_types

        strict_types.install()
        # After migrate, so that production gets its schedule without seed_demo.
        post_migrate.connect(_ensure_periodic_tasks, sender=self, dispatch_uid="core.ensure_periodic_tasks")
