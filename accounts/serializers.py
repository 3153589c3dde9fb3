from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ecopole.core.fields import (
    StrictBooleanField,
    StrictCharField,
    StrictDateTimeField,
    StrictEmailField,
    StrictIntegerField,
)
from ecopole.core.serializers import StrictModelSerializer

from .models import User


def password_min_length() -> int:
    """The minimum length of AUTH_PASSWORD_VALIDATORS, so that the schema states it (`minLength`)."""
    for validator in settings.AUTH_PASSWORD_VALIDATORS:
        if validator["NAME"].endswith(".MinimumLengthValidator"):
            return validator.get("OPTIONS", {}).get("min_length", 8)
    return 1


class RegisterSerializer(serializers.Serializer):
    email = StrictEmailField(max_length=254)
    password = StrictCharField(
        write_only=True,
        min_length=password_min_length(),
        max_length=128,
        style={"input_type": "password"},
        error_messages={"min_length": _("This password is too short: at least {min_length} characters.")},
    )
    full_name = StrictCharField(max_length=150, required=False, allow_blank=True, default="")
    phone = StrictCharField(max_length=30, required=False, allow_blank=True, default="")


class TokenRequestSerializer(serializers.Serializer):
    email = StrictEmailField(max_length=254)
    password = StrictCharField(max_length=128, style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    token = StrictCharField(
        help_text=_(
            "Send it as `Authorization: Token <token>`. Shown this once: only its digest is stored. It expires after "
            "API_TOKEN_IDLE_SECONDS without use."
        )
    )


class RegisteredSerializer(serializers.Serializer):
    detail = StrictCharField()


class LogoutSerializer(serializers.Serializer):
    everywhere = StrictBooleanField(
        required=False, default=False, help_text=_("Revoke every token of the account, not only the one used.")
    )


class LoggedOutSerializer(serializers.Serializer):
    revoked = StrictIntegerField(help_text=_("How many tokens were revoked."))


class PasswordChangeSerializer(serializers.Serializer):
    current_password = StrictCharField(max_length=128, style={"input_type": "password"})
    new_password = StrictCharField(max_length=128, style={"input_type": "password"})


class EmailConfirmSerializer(serializers.Serializer):
    token = StrictCharField(max_length=500)


class EmailConfirmedSerializer(serializers.Serializer):
    email_confirmed_at = StrictDateTimeField()


class MeSerializer(StrictModelSerializer):
    roles = serializers.ListField(child=StrictCharField(), read_only=True)
    producer = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)

    class Meta:
        model = User
        fields = ["id", "email", "full_name", "phone", "roles", "producer", "date_joined", "email_confirmed_at"]
        read_only_fields = ["id", "email", "roles", "producer", "date_joined", "email_confirmed_at"]


class MeUpdateSerializer(serializers.Serializer):
    full_name = StrictCharField(max_length=150, required=False, allow_blank=True)
    phone = StrictCharField(max_length=30, required=False, allow_blank=True)


class AccountEraseSerializer(serializers.Serializer):
    password = StrictCharField(max_length=128, style={"input_type": "password"})
