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


def _personal_data_declare() -> None:
    from .models import AuditEvent, SentEmail
    from .personal_data import ERASE, personal_data_register, user_rows

    personal_data_register(
        SentEmail,
        section=_("Emails sent to you"),
        rows=user_rows(SentEmail, "recipient"),
        export=("subject", "to", "sent_at"),
        delete_rows=True,
    )

    def audit_rows(user):
        """Events by the person, and about any row the registry finds for them (their account, orders, ...)."""
        from django.db.models import Q

        from .personal_data import personal_tables

        about = Q(actor=user)
        for table in personal_tables():
            if table.model is AuditEvent:
                continue
            ids = [str(pk) for pk in table.rows(user).values_list("pk", flat=True)[:1000]]
            if ids:
                about |= Q(object_type=table.model._meta.label_lower, object_id__in=ids)
        return AuditEvent.objects.filter(about)

    def audit_about_account(user):
        return AuditEvent.objects.filter(object_type=user._meta.label_lower, object_id=str(user.pk))

    personal_data_register(
        AuditEvent,
        section=_("Audit events about you"),
        rows=audit_rows,
        export=("created_at", "action", "object_type", "object_id", "changes"),
        erase={"changes": ERASE},
        erase_rows=audit_about_account,
        keep={
            "actor": "who did what: points at the pseudonymised account",
            "changes": "kept on events about orders and stock (the audit trail); erased on events about the account",
        },
    )


class CoreConfig(AppConfig):
    name = "ecopole.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from .checks import strict_fields_check
        from .retention import core_retention_rules_register

        core_retention_rules_register()
        _personal_data_declare()

        checks.register(outbox_handlers_check)
        # A whole schema generation (about 2 s): with --deploy, as CI runs it, not at every runserver reload.
        checks.register(strict_fields_check, "api", deploy=True)
        # After migrate, so that production gets its schedule without seed_demo.
        post_migrate.connect(_ensure_periodic_tasks, sender=self, dispatch_uid="core.ensure_periodic_tasks")
