from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """Work that must happen after a commit (an email, a planning run), written in the same transaction.

    A Celery task delivers it; when the broker or the worker was down, the periodic sweep finds it again. The
    unique `key` makes enqueuing idempotent: a retried request or a re-run task never queues the same work twice.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    key = models.CharField(_("key"), max_length=200, unique=True)
    handler = models.CharField(_("handler"), max_length=200, help_text=_("Dotted path of the function to call."))
    payload = models.JSONField(_("payload"), default=dict)
    erase_payload_when_sent = models.BooleanField(
        _("erase the payload once sent"),
        default=False,
        help_text=_("For payloads holding a secret (a locker code): emptied once the handler succeeded."),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.key} ({self.status})"


class AuditEvent(models.Model):
    """Who changed what, and when: orders, bookings, stock, rounds, solidarity eligibility. Append-only."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("action"), max_length=80)
    object_type = models.CharField(_("object type"), max_length=80)
    object_id = models.CharField(_("object id"), max_length=64)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_type}#{self.object_id}"


class HistoryEvent(models.Model):
    """An object's append-only history: who (`actor`) changed what (the subclass's `kind`), when, from which value
    to which. Orders and delivery rounds keep theirs this way; the subclass adds the foreign key to its object."""

    from_value = models.CharField(_("from"), max_length=60, blank=True)
    to_value = models.CharField(_("to"), max_length=60)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        abstract = True


class Closure(models.Model):
    """Fermeture de l'association: days the Ecopôle is closed ("fermé du 24 au 26 décembre"), both ends included.

    One calendar for the whole project (`ecopole.core.calendar`), with the French public holidays: no delivery day,
    basket distribution or workshop slot is offered on a closed day. Edited by staff in the admin."""

    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("to (included)"))
    label = models.CharField(_("reason"), max_length=150, help_text=_("Shown to customers, e.g. “Christmas holidays”."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        ordering = ["start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="closure_end_after_start"
            )
        ]
        indexes = [models.Index(fields=["start_date", "end_date"])]

    def __str__(self) -> str:
        return f"{self.start_date:%d/%m/%Y}–{self.end_date:%d/%m/%Y} {self.label}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The closure must end on or after its first day.")})


class SentEmail(models.Model):
    """One email the platform sent: to whom, its subject, when. Written by `email_send` once the backend accepted
    it; what a person gets in their export ("emails sent"). Bounded by the retention task
    (`PERSONAL_DATA_RETENTION["sent_emails_days"]`) and deleted with the account's data at erasure."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    to = models.CharField(_("to"), max_length=254)
    subject = models.CharField(_("subject"), max_length=255)
    outbox_key = models.CharField(_("outbox key"), max_length=200, blank=True)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("sent email")
        verbose_name_plural = _("sent emails")
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"{self.sent_at:%Y-%m-%d %H:%M} {self.subject}"


class RetentionRun(models.Model):
    """One run of the daily retention task (`ecopole.core.retention`): what each rule changed, shown in the admin."""

    started_at = models.DateTimeField(_("started at"), default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    changed = models.JSONField(_("rows changed per rule"), default=dict, blank=True)
    total = models.PositiveIntegerField(_("rows changed"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} ({self.total})"
