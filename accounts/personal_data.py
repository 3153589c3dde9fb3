"""The accounts' declarations in the register of personal data (`ecopole.core.personal_data`)."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecopole.core.personal_data import (
    ERASE,
    PSEUDONYMISE,
    personal_data_register,
    retention_rule_register,
    user_rows,
)

from .models import ApiToken, User


def _erased_email(row: User, pseudonym: str) -> str:
    return f"efface-{row.pk}@anonyme.invalid"


def personal_data_declare() -> None:
    from . import services

    personal_data_register(
        User,
        section=_("Your account"),
        rows=lambda user: User.objects.filter(pk=user.pk),
        export=(
            "email",
            "full_name",
            "phone",
            "producer",
            "date_joined",
            "last_login",
            "email_confirmed_at",
            "newsletter_opt_in_at",
            "inactivity_warned_at",
        ),
        erase={
            "email": _erased_email,
            "full_name": PSEUDONYMISE,
            "phone": ERASE,
            "producer": ERASE,
            "newsletter_opt_in_at": ERASE,
            "inactivity_warned_at": ERASE,
            "password": lambda row, pseudonym: make_password(None),
            "is_active": lambda row, pseudonym: False,
            "erased_at": lambda row, pseudonym: row.erased_at or timezone.now(),
        },
        keep={
            "full_name": "replaced by the pseudonym that the kept accounting records carry",
            "date_joined": "no personal data once the account is pseudonymised",
        },
    )
    personal_data_register(
        ApiToken,
        section=_("Your API tokens"),
        rows=user_rows(ApiToken, "user"),
        export=("prefix", "created_at", "last_used_at"),
        delete_rows=True,
    )
    retention_rule_register("accounts.inactive_warn", services.inactive_accounts_warn)
    retention_rule_register("accounts.inactive_anonymise", services.inactive_accounts_anonymise)
