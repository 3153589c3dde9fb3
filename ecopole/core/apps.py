from django.apps import AppConfig
from django.core import checks
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_periodic_tasks(sender, **kwargs) -> None:
    from .schedule import periodic_tasks_ensure

    periodic_tasks_ensure()


def outbox_handlers_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """core.E001: a message still to deliver names a handler that no app registered (renamed or removed)."""
    from django.db import DatabaseError

    from .outbox import outbox_unknown_handlers

    try:
        unknown = outbox_unknown_handlers()
    except DatabaseError:  # no database yet (before the first migrate): nothing queued to check
        return []
    return [
        checks.Error(
            f"Outbox messages still to deliver name the handler {name!r}, which no app registers.",
            hint="Register it in the owning app's AppConfig.ready() with outbox_handler_register(name, function).",
            id="core.E001",
        )
        for name in unknown
    ]


class CoreConfig(AppConfig):
    name = "ecopole.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from .checks import strict_fields_check

        checks.register(outbox_handlers_check)
        # A whole schema generation (about 2 s): with --deploy, as CI runs it, not at every runserver reload.
        checks.register(strict_fields_check, "api", deploy=True)
        # After migrate, so that production gets its schedule without seed_demo.
        post_migrate.connect(_ensure_periodic_tasks, sender=self, dispatch_uid="core.ensure_periodic_tasks")
