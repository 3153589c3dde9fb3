from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _ensure_roles(sender, **kwargs) -> None:
    from .services import roles_ensure

    roles_ensure()


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from ecopole.core.outbox import outbox_handler_register

        from . import emails

        outbox_handler_register("accounts.emails.send_welcome", emails.send_welcome)
        outbox_handler_register("accounts.emails.send_email_confirmation", emails.send_email_confirmation)
        outbox_handler_register("accounts.emails.send_registration_attempt", emails.send_registration_attempt)
        outbox_handler_register("accounts.emails.send_password_reset", emails.send_password_reset)
        outbox_handler_register("accounts.emails.send_email_change", emails.send_email_change)
        outbox_handler_register("accounts.emails.send_inactivity_warning", emails.send_inactivity_warning)
        from .personal_data import personal_data_declare

        personal_data_declare()
        # Permissions only exist once every app has migrated: hence post_migrate, not a data migration.
        post_migrate.connect(_ensure_roles, dispatch_uid="accounts.ensure_roles")
