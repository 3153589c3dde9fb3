import hashlib
from datetime import timedelta
from functools import cached_property

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.contrib.auth.models import UserManager as DjangoUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ecopole.core.permissions import DRIVER, MANAGER, PREPARER


class Role(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    PRODUCER = "producer", _("Producer member")
    MANAGER = MANAGER, _("Manager")
    PREPARER = PREPARER, _("Order preparer")
    DRIVER = DRIVER, _("Driver")


class UserManager(DjangoUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


class User(AbstractBaseUser, PermissionsMixin):
    """An account: a customer (mangeur), a member of a producer (agriculteur), or staff.

    Staff roles are Django groups (`manager`, `preparer`, `driver`); a producer member has `producer` set.
    """

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    producer = models.ForeignKey(
        "catalogue.Producer",
        verbose_name=_("producer"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
        help_text=_("Set for the accounts that act for a producer organisation."),
    )
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Designates whether the user can log into the admin site."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    email_confirmed_at = models.DateTimeField(
        _("email confirmed at"),
        null=True,
        blank=True,
        help_text=_("When the owner proved the address is theirs; a customer orders only once it is set."),
    )
    newsletter_opt_in_at = models.DateTimeField(
        _("newsletter accepted at"),
        null=True,
        blank=True,
        help_text=_("When the owner asked for the newsletter of the week's products; empty: no newsletter."),
    )
    inactivity_warned_at = models.DateTimeField(
        _("warned of inactivity at"),
        null=True,
        blank=True,
        help_text=_("When the account was told it would be anonymised for lack of activity (retention schedule)."),
    )
    erased_at = models.DateTimeField(
        _("personal data erased at"),
        null=True,
        blank=True,
        help_text=_("Set when the account's personal data was erased: it keeps only a pseudonym."),
    )

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    def save(self, *args, **kwargs):
        # A new password revokes every API token, whatever changed it (the API, the admin, `changepassword`, a
        # reset): a credential that leaked with the old password must not outlive it. Sessions are already cut
        # by Django's session auth hash.
        password_changed = self._password is not None and not self._state.adding
        super().save(*args, **kwargs)
        if password_changed:
            ApiToken.objects.filter(user=self).delete()

    @cached_property
    def group_names(self) -> frozenset[str]:
        return frozenset(self.groups.values_list("name", flat=True))

    @property
    def roles(self) -> list[str]:
        roles = [name for name in (MANAGER, PREPARER, DRIVER) if name in self.group_names]
        if self.producer_id:
            roles.append(Role.PRODUCER.value)
        if not roles:
            roles.append(Role.CUSTOMER.value)
        return roles


def token_digest(key: str) -> str:
    """What is stored of a token: its SHA-256. A token is 256 random bits, so no salt or slow hash is needed."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class ApiToken(models.Model):
    """An API token (`Authorization: Token <key>`). Only its digest is stored: the key is shown once, at creation.

    It expires after `API_TOKEN_IDLE_SECONDS` without use (sliding: each use pushes the expiry back), is deleted
    by logout and by any change of its owner's password.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    digest = models.CharField(_("digest"), max_length=64, unique=True)
    prefix = models.CharField(
        _("prefix"), max_length=8, help_text=_("The first characters of the token, to tell tokens apart.")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used at"), default=timezone.now)

    key: str | None = None  # the clear key, set on the instance that created it only; never saved

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-last_used_at"]
        indexes = [models.Index(fields=["user", "last_used_at"])]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user_id})"

    @classmethod
    def expiry_cutoff(cls):
        """Tokens last used before this instant have expired."""
        return timezone.now() - timedelta(seconds=settings.API_TOKEN_IDLE_SECONDS)
