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
        # Permissions only exist once every app has migrated: hence post_migrate, not a data migration.
        post_migrate.connect(_ensure_roles, dispatch_uid="accounts.ensure_roles")
