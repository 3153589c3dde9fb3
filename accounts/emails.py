"""Emails of accounts, sent by the outbox (`ecopole.core.outbox`): plain functions taking the payload.

The confirmation token is made here, at sending time, so that no secret sits in the outbox table.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from ecopole.core.emails import email_send, templated_email

from .models import User


def confirmation_url(user: User) -> str:
    from .services import email_confirmation_token

    query = urlencode({"token": email_confirmation_token(user=user)})
    return f"{settings.SITE_URL.rstrip('/')}{reverse('email-confirm-page')}?{query}"


def _context(user: User) -> dict:
    return {
        "user": user,
        "name": user.get_full_name(),
        "site_url": settings.SITE_URL.rstrip("/"),
        "valid_days": max(1, settings.EMAIL_CONFIRMATION_MAX_AGE_SECONDS // 86400),
    }


def send_welcome(*, user_id: int) -> bool:
    """Welcome a new customer, with the link that confirms their address. False if the account is gone."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    context = {**_context(user), "confirmation_url": confirmation_url(user)}
    email_send(templated_email("accounts/email/welcome", context, to=[user.email]))
    return True


def send_email_confirmation(*, user_id: int) -> bool:
    """The confirmation link again, on the customer's request. False if there is nothing left to confirm."""
    user = User.objects.filter(pk=user_id, is_active=True, email_confirmed_at__isnull=True).first()
    if user is None:
        return False
    context = {**_context(user), "confirmation_url": confirmation_url(user)}
    email_send(templated_email("accounts/email/email_confirmation", context, to=[user.email]))
    return True


def send_registration_attempt(*, user_id: int) -> bool:
    """Tell the owner of an address that someone tried to register with it (registration never says so)."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return False
    email_send(templated_email("accounts/email/registration_attempt", _context(user), to=[user.email]))
    return True


def password_reset_url(user: User) -> str:
    """The link of a password reset: Django's token, valid PASSWORD_RESET_TIMEOUT seconds and only until the password
    changes (it hashes the password and the last login), so it works once. The page is the shop's (`account`)."""
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("account:password-reset-confirm", kwargs={"uidb64": uidb64, "token": token})
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def send_password_reset(*, email: str) -> bool:
    """The password reset link, to the account of `email` if there is an active one (False, no email, otherwise)."""
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    if user is None:
        return False
    context = {
        **_context(user),
        "reset_url": password_reset_url(user),
        "valid_minutes": max(1, settings.PASSWORD_RESET_TIMEOUT // 60),
    }
    email_send(templated_email("accounts/email/password_reset", context, to=[user.email]))
    return True


def send_email_change(*, user_id: int, email: str) -> bool:
    """The link that moves the account to `email`, sent to that address; nothing if the address has an account
    already (the change would be refused) or the account is gone."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or User.objects.filter(email__iexact=email).exists():
        return False
    from .services import email_change_token

    query = urlencode({"token": email_change_token(user=user, new_email=email)})
    path = reverse("account:email-change-confirm")
    context = {
        **_context(user),
        "new_email": email,
        "confirmation_url": f"{settings.SITE_URL.rstrip('/')}{path}?{query}",
    }
    email_send(templated_email("accounts/email/email_change", context, to=[email]))
    return True


def send_inactivity_warning(*, user_id: int) -> bool:
    """Tell an inactive account it will be anonymised (retention schedule). False if it was erased meanwhile or
    became active again (the warning was withdrawn)."""
    from datetime import timedelta

    from django.utils import formats, timezone

    user = User.objects.filter(pk=user_id, erased_at__isnull=True, inactivity_warned_at__isnull=False).first()
    if user is None:
        return False
    retention = settings.PERSONAL_DATA_RETENTION
    erase_on = timezone.localdate(user.inactivity_warned_at) + timedelta(days=retention["inactive_account_grace_days"])
    context = {
        **_context(user),
        "years": retention["inactive_account_warning_days"] // 365,
        "erase_on": formats.date_format(erase_on, "j F Y"),
    }
    email_send(templated_email("accounts/email/inactivity_warning", context, to=[user.email]))
    return True
