"""Writes on accounts: registration, profile updates, tokens, role groups."""

from __future__ import annotations

from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from rest_framework.authtoken.models import Token

from ecopole.core.permissions import DRIVER, MANAGER, PREPARER

from .errors import EmailTaken, InvalidCredentials
from .models import User

# Apps whose models the manager group administers entirely in the admin.
MANAGED_APPS = (
    "accounts",
    "catalogue",
    "orders",
    "deliveries",
    "processing",
    "vending",
    "core",
    "django_celery_beat",
)


def user_register(*, email: str, password: str, full_name: str = "", phone: str = "") -> User:
    """Create a customer account. Staff and producer accounts are made by a manager, never here.

    Raises `EmailTaken` (409) if the address is in use, even when two registrations race (unique constraint).
    """
    email = User.objects.normalize_email(email).lower()
    candidate = User(email=email, full_name=full_name, phone=phone)
    try:
        password_validation.validate_password(password, user=candidate)
    except DjangoValidationError as exc:
        raise DjangoValidationError({"password": exc.messages}) from exc
    if User.objects.filter(email__iexact=email).exists():
        raise EmailTaken()
    try:
        with transaction.atomic():
            return User.objects.create_user(email=email, password=password, full_name=full_name, phone=phone)
    except IntegrityError as exc:
        raise EmailTaken() from exc


def user_update(*, user: User, full_name: str | None = None, phone: str | None = None) -> User:
    if full_name is not None:
        user.full_name = full_name
    if phone is not None:
        user.phone = phone
    user.save(update_fields=["full_name", "phone"])
    return user


def token_obtain(*, email: str, password: str, request=None) -> Token:
    """Return the user's API token, creating it on first login (get_or_create: a retry returns the same token)."""
    user = authenticate(request=request, email=email.lower(), password=password)
    if user is None or not user.is_active:
        raise InvalidCredentials()
    token, _created = Token.objects.get_or_create(user=user)
    return token


def roles_ensure() -> None:
    """Create the staff groups and give the manager every permission on the project's models. Idempotent."""
    manager, _ = Group.objects.get_or_create(name=MANAGER)
    Group.objects.get_or_create(name=PREPARER)
    Group.objects.get_or_create(name=DRIVER)
    perms = Permission.objects.filter(content_type__app_label__in=(*MANAGED_APPS, "authtoken"))
    manager.permissions.add(*perms)
