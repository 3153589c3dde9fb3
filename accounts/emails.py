"""Emails of accounts, sent by the outbox (`ecopole.core.outbox`): plain functions taking the payload.

The confirmation token is made here, at sending time, so that no secret sits in the outbox table.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse

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
