"""Writes on accounts: registration, email confirmation, profile, password, tokens, role groups."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.core import signing
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from ecopole.core.outbox import outbox_enqueue
from ecopole.core.permissions import DRIVER, MANAGER, PREPARER

from .errors import (
    ConfirmationTokenExpired,
    EmailAlreadyConfirmed,
    EmailTaken,
    InvalidConfirmationToken,
    InvalidCredentials,
    WrongPassword,
)
from .models import ApiToken, User, token_digest

# Apps whose models the manager group administers entirely in the admin.
MANAGED_APPS = (
    "accounts",
    "catalogue",
    "orders",
    "baskets",
    "deliveries",
    "processing",
    "vending",
    "core",
    "invoicing",  # shown read-only in the admin: invoices are issued and credited by the services
    "payments",  # read-only too but for the food-aid partners: payments move by the services and webhooks
    "django_celery_beat",
)

EMAIL_CONFIRMATION_SALT = "accounts.email_confirmation"
EMAIL_CHANGE_SALT = "accounts.email_change"


def _validate_password(password: str, *, user: User) -> None:
    try:
        password_validation.validate_password(password, user=user)
    except DjangoValidationError as exc:
        raise DjangoValidationError({"password": exc.messages}) from exc


def user_register(*, email: str, password: str, full_name: str = "", phone: str = "") -> None:
    """Register a customer account, and say nothing about whether the address was known.

    A new address gets its account (a plain customer: staff and producer accounts are made by a manager) and a
    welcome email with the confirmation link; a known address gets an email saying someone tried to register with
    it (at most one an hour). The caller answers the same in both cases, and both cost one password hash, so
    neither the body nor the timing enumerates accounts. A race of two registrations ends the same way (unique
    constraint). Emails go through the outbox, after commit.
    """
    email = User.objects.normalize_email(email).lower()
    _validate_password(password, user=User(email=email, full_name=full_name, phone=phone))
    with transaction.atomic(durable=True):
        existing = User.objects.filter(email__iexact=email).first()
        if existing is None:
            try:
                with transaction.atomic():
                    user = User.objects.create_user(email=email, password=password, full_name=full_name, phone=phone)
            except IntegrityError:
                existing = User.objects.filter(email__iexact=email).first()
            else:
                outbox_enqueue(
                    key=f"accounts.welcome:{user.pk}",
                    handler="accounts.emails.send_welcome",
                    payload={"user_id": user.pk},
                    new_key=True,
                )
                return
        make_password(password)  # the same work as a creation: the answer comes after the same time
        hour = timezone.now().strftime("%Y%m%d%H")
        outbox_enqueue(
            key=f"accounts.registration_attempt:{existing.pk}:{hour}",
            handler="accounts.emails.send_registration_attempt",
            payload={"user_id": existing.pk},
        )


def email_confirmation_token(*, user: User) -> str:
    """A signed, timestamped token naming the user and the address to confirm (valid for the address it names)."""
    return signing.dumps({"user": user.pk, "email": user.email}, salt=EMAIL_CONFIRMATION_SALT)


def email_confirm(*, token: str) -> User:
    """Mark the address the token names as confirmed. Idempotent: a second use keeps the first date.

    Refuses an expired token (`EMAIL_CONFIRMATION_MAX_AGE_SECONDS`) and one that was tampered with, or names an
    address the account no longer has.
    """
    try:
        data = signing.loads(token, salt=EMAIL_CONFIRMATION_SALT, max_age=settings.EMAIL_CONFIRMATION_MAX_AGE_SECONDS)
    except signing.SignatureExpired as exc:
        raise ConfirmationTokenExpired() from exc
    except signing.BadSignature as exc:
        raise InvalidConfirmationToken() from exc
    if not isinstance(data, dict):
        raise InvalidConfirmationToken()
    user = User.objects.filter(pk=data.get("user"), email=data.get("email"), is_active=True).first()
    if user is None:
        raise InvalidConfirmationToken()
    if user.email_confirmed_at is None:
        User.objects.filter(pk=user.pk, email_confirmed_at__isnull=True).update(email_confirmed_at=timezone.now())
        user.refresh_from_db(fields=["email_confirmed_at"])
    return user


def email_confirmation_resend(*, user: User) -> None:
    """Send the confirmation link again (a new token; the old ones stay valid until they expire).

    Raises `EmailAlreadyConfirmed` (409) when there is nothing to confirm. The endpoint is throttled per user.
    """
    if user.email_confirmed_at is not None:
        raise EmailAlreadyConfirmed()
    with transaction.atomic(durable=True):
        outbox_enqueue(
            key=f"accounts.email_confirmation:{user.pk}:{uuid.uuid4().hex}",
            handler="accounts.emails.send_email_confirmation",
            payload={"user_id": user.pk},
            new_key=True,
        )


def user_update(*, user: User, full_name: str | None = None, phone: str | None = None) -> User:
    if full_name is not None:
        user.full_name = full_name
    if phone is not None:
        user.phone = phone
    user.save(update_fields=["full_name", "phone"])
    return user


def user_password_change(
    *, user: User, current_password: str, new_password: str, issue_token: bool = True
) -> ApiToken | None:
    """Change the password after checking the current one; every token of the user is revoked (User.save) and a
    new one is returned for the caller, its key readable once on `.key` (none with `issue_token=False`: the shop's
    page keeps its session instead)."""
    if not user.check_password(current_password):
        raise WrongPassword()
    _validate_password(new_password, user=user)
    with transaction.atomic(durable=True):
        user.set_password(new_password)
        user.save(update_fields=["password"])
        return token_create(user=user) if issue_token else None


def password_reset_request(*, email: str) -> None:
    """Ask for a password reset link for `email`, saying nothing about whether the address has an account.

    The request does the same work for every address: one outbox message, no lookup of the account. Who the address
    belongs to is read by the worker that sends the email (`accounts.emails.send_password_reset`), after the answer
    has gone, and an unknown address gets no email. So neither the answer nor its timing enumerates accounts. The
    link is made at sending time (no secret in the outbox table) and the address is erased from the message once
    sent. The caller throttles per client address and per address asked for.
    """
    email = User.objects.normalize_email(email.strip()).lower()
    with transaction.atomic(durable=True):
        outbox_enqueue(
            key=f"accounts.password_reset:{uuid.uuid4().hex}",
            handler="accounts.emails.send_password_reset",
            payload={"email": email},
            secret=True,
            new_key=True,
        )


def email_change_request(*, user: User, new_email: str, password: str) -> None:
    """Ask to move the account to `new_email`; the address changes only when the link emailed there is followed
    (`email_change_confirm`), so a typo or a borrowed session cannot move the account to an address its owner does
    not read. Checks the password first (`WrongPassword`). The request does the same work whether the new address
    is free or taken (one outbox message; the email, sent after the answer, goes only to a free address), so the
    answer does not tell whether someone has an account there. The link is made at sending time."""
    if not user.check_password(password):
        raise WrongPassword()
    new_email = User.objects.normalize_email(new_email.strip()).lower()
    with transaction.atomic(durable=True):
        outbox_enqueue(
            key=f"accounts.email_change:{user.pk}:{uuid.uuid4().hex}",
            handler="accounts.emails.send_email_change",
            payload={"user_id": user.pk, "email": new_email},
            secret=True,
            new_key=True,
        )


def email_change_token(*, user: User, new_email: str) -> str:
    """A signed, timestamped token naming the account, its current address and the new one."""
    return signing.dumps({"user": user.pk, "from": user.email, "to": new_email}, salt=EMAIL_CHANGE_SALT)


def email_change_confirm(*, token: str) -> User:
    """Move the account to the address the token names, confirmed (the link reached it). Valid as long as a
    confirmation link (`EMAIL_CONFIRMATION_MAX_AGE_SECONDS`) and while the account still has the address it was
    made from; following it again once done is a no-op. `EmailTaken` (409) if another account took the address
    meanwhile (the unique constraint decides a race)."""
    try:
        data = signing.loads(token, salt=EMAIL_CHANGE_SALT, max_age=settings.EMAIL_CONFIRMATION_MAX_AGE_SECONDS)
    except signing.SignatureExpired as exc:
        raise ConfirmationTokenExpired() from exc
    except signing.BadSignature as exc:
        raise InvalidConfirmationToken() from exc
    if not isinstance(data, dict) or not all(isinstance(data.get(k), str) for k in ("from", "to")):
        raise InvalidConfirmationToken()
    with transaction.atomic(durable=True):
        user = User.objects.select_for_update().filter(pk=data.get("user"), is_active=True).first()
        if user is not None and user.email == data["to"]:
            return user  # already done
        if user is None or user.email != data["from"]:
            raise InvalidConfirmationToken()
        if User.objects.filter(email__iexact=data["to"]).exclude(pk=user.pk).exists():
            raise EmailTaken()
        user.email, user.email_confirmed_at = data["to"], timezone.now()
        try:
            with transaction.atomic():
                user.save(update_fields=["email", "email_confirmed_at"])
        except IntegrityError as exc:
            raise EmailTaken() from exc
        return user


def token_create(*, user: User) -> ApiToken:
    """A new token for the user. Its clear key is on the returned instance's `.key`, and nowhere else, ever.

    Expired tokens of the same user are deleted on the way, so the table holds only live tokens.
    """
    key = secrets.token_urlsafe(32)
    ApiToken.objects.filter(user=user, last_used_at__lt=ApiToken.expiry_cutoff()).delete()
    token = ApiToken.objects.create(user=user, digest=token_digest(key), prefix=key[:8])
    token.key = key
    return token


def token_obtain(*, email: str, password: str, request=None) -> ApiToken:
    """Log in: a new token for the right email and password (its key on `.key`, shown once).

    The authentication backend counts failures per account (429 `login_delayed`, accounts/login_guard.py), outside
    this service's transaction so that a refused attempt still counts; the token is written in one durable
    transaction (expired tokens pruned and the new one created together)."""
    user = authenticate(request=request, email=email.lower(), password=password)
    if user is None or not user.is_active:
        raise InvalidCredentials()
    with transaction.atomic(durable=True):
        return token_create(user=user)


def token_revoke(*, user: User, token: ApiToken | None, everywhere: bool = False) -> int:
    """Log out: delete the token used (or, with `everywhere`, every token of the user). Returns how many."""
    tokens = ApiToken.objects.filter(user=user)
    if not everywhere:
        if token is None:
            return 0
        tokens = tokens.filter(pk=token.pk)
    deleted, _ = tokens.delete()
    return deleted


def roles_ensure() -> None:
    """Create the staff groups and give the manager every permission on the project's models. Idempotent."""
    manager, _ = Group.objects.get_or_create(name=MANAGER)
    Group.objects.get_or_create(name=PREPARER)
    Group.objects.get_or_create(name=DRIVER)
    perms = Permission.objects.filter(content_type__app_label__in=MANAGED_APPS)
    manager.permissions.add(*perms)


# --- Personal data: erasure, newsletter consent, inactive accounts (docs/personal-data.md) ----------------------

NEWSLETTER_UNSUBSCRIBE_SALT = "accounts.newsletter_unsubscribe"


def user_erase(*, user: User, password: str) -> dict[str, int]:
    """The owner erases their account (the shop's page, `DELETE /api/v1/auth/me/`): the password first
    (`wrong_password`, 400), then `user_erase_by_staff`'s guarantees."""
    if not user.check_password(password):
        raise WrongPassword()
    return personal_data_user_erase(user_id=user.pk, actor=user)


def personal_data_user_erase(*, user_id: int, actor) -> dict[str, int]:
    """Erase an account's personal data as the registry says (`ecopole.core.personal_data`): open orders cancelled
    with their stock released and subscriptions ended first, then every declared table erased, anonymised or
    pseudonymised (what accounting law keeps). The account ends inactive, its password unusable and its tokens
    deleted: sessions and tokens stop working at once. Audited once (`account.erase`); running it again is harmless
    (same values, no second event). Staff run it on request from the admin."""
    from ecopole.core.audit import audit_record
    from ecopole.core.personal_data import personal_data_erase

    user = User.objects.get(pk=user_id)
    first_time = user.erased_at is None
    touched = personal_data_erase(user=user, actor=actor)
    if first_time:
        with transaction.atomic(durable=True):
            audit_record(
                actor=actor,
                action="account.erase",
                obj=user,
                changes={"by": "owner" if getattr(actor, "pk", None) == user_id else "staff", "tables": touched},
            )
    return touched


def newsletter_subscribe(*, user: User) -> User:
    """Record the owner's consent to the newsletter, with its date. Idempotent: the first date stays."""
    with transaction.atomic(durable=True):
        User.objects.filter(pk=user.pk, newsletter_opt_in_at__isnull=True).update(newsletter_opt_in_at=timezone.now())
    user.refresh_from_db(fields=["newsletter_opt_in_at"])
    return user


def newsletter_unsubscribe(*, user: User) -> User:
    """Withdraw the consent (one click, from any newsletter or the account page). Idempotent."""
    with transaction.atomic(durable=True):
        User.objects.filter(pk=user.pk).update(newsletter_opt_in_at=None)
    user.refresh_from_db(fields=["newsletter_opt_in_at"])
    return user


def newsletter_unsubscribe_token(*, user: User) -> str:
    """The signed token of the one-click unsubscribe link of every newsletter (no expiry: it must work years
    later; it only ever withdraws consent)."""
    return signing.dumps({"user": user.pk}, salt=NEWSLETTER_UNSUBSCRIBE_SALT)


def newsletter_unsubscribe_by_token(*, token: str) -> None:
    """Withdraw the consent the signed link names (`invalid_confirmation_token`, 400, when tampered with)."""
    try:
        data = signing.loads(token, salt=NEWSLETTER_UNSUBSCRIBE_SALT)
    except signing.BadSignature as exc:
        raise InvalidConfirmationToken() from exc
    user = User.objects.filter(pk=data.get("user") if isinstance(data, dict) else None).first()
    if user is None:
        raise InvalidConfirmationToken()
    newsletter_unsubscribe(user=user)


def _inactive_customers(*, before):
    """Customer accounts (no staff group, no producer, not erased) whose last sign of life is before `before`."""
    from django.db.models import Max
    from django.db.models.functions import Coalesce, Greatest

    return (
        User.objects.filter(is_active=True, erased_at__isnull=True, is_staff=False, producer__isnull=True)
        .filter(groups__isnull=True)
        .annotate(last_token=Max("api_tokens__last_used_at"))
        .annotate(
            last_activity=Greatest(
                "date_joined",
                Coalesce("last_login", "date_joined"),
                Coalesce("last_token", "date_joined"),
            )
        )
        .filter(last_activity__lt=before)
    )


def inactive_accounts_warn(*, now, batch_size: int) -> int:
    """Retention: warn by email the customer accounts inactive for `inactive_account_warning_days` (once: the date
    is recorded), and withdraw the warning of those that came back since. Returns the accounts changed."""
    from datetime import timedelta

    retention = settings.PERSONAL_DATA_RETENTION
    before = now - timedelta(days=retention["inactive_account_warning_days"])
    changed = 0
    with transaction.atomic(durable=True):
        back = User.objects.filter(inactivity_warned_at__isnull=False, erased_at__isnull=True).exclude(
            pk__in=_inactive_customers(before=before).values("pk")
        )
        changed += User.objects.filter(pk__in=list(back.values_list("pk", flat=True)[:batch_size])).update(
            inactivity_warned_at=None
        )
        ids = list(
            _inactive_customers(before=before)
            .filter(inactivity_warned_at__isnull=True)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        User.objects.filter(pk__in=ids).update(inactivity_warned_at=now)
        for user_id in ids:
            outbox_enqueue(
                key=f"accounts.inactivity_warning:{user_id}:{now:%Y%m%d}",
                handler="accounts.emails.send_inactivity_warning",
                payload={"user_id": user_id},
            )
    return changed + len(ids)


def inactive_accounts_anonymise(*, now, batch_size: int) -> int:
    """Retention: erase the accounts warned `inactive_account_grace_days` ago and still inactive since."""
    from datetime import timedelta

    retention = settings.PERSONAL_DATA_RETENTION
    warned_before = now - timedelta(days=retention["inactive_account_grace_days"])
    ids = list(
        _inactive_customers(before=now - timedelta(days=retention["inactive_account_warning_days"]))
        .filter(inactivity_warned_at__lt=warned_before)
        .order_by("pk")
        .values_list("pk", flat=True)[:batch_size]
    )
    for user_id in ids:
        personal_data_user_erase(user_id=user_id, actor=None)
    return len(ids)
