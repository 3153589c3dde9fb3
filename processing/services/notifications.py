"""Emails of the workshop, sent by the outbox (`ecopole.core.outbox`) after the transaction that enqueued them."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from ecopole.core.emails import email_send, templated_email

from ..models import BillingKind, Booking, BookingStatus


def booking_send_offer_email(*, booking_id: int) -> bool:
    """Tell the producer's members that a slot they waited for is held for them until `hold_expires_at`, with the
    link of the page of their space (farmers app) where they accept it.

    Sent only while the booking is still `held` (a late or repeated task sends nothing)."""
    booking = Booking.objects.select_related("producer").filter(pk=booking_id).first()
    if booking is None or booking.status != BookingStatus.HELD or booking.hold_expires_at is None:
        return False
    recipients = list(
        User.objects.filter(producer_id=booking.producer_id, is_active=True)
        .order_by("pk")
        .values_list("email", flat=True)
    )
    if not recipients:
        return False
    accept_url = settings.SITE_URL.rstrip("/") + reverse("farmers:booking-accept", kwargs={"pk": booking.pk})
    with translation.override(settings.LANGUAGE_CODE), timezone.override("Europe/Paris"):
        slot = formats.date_format(timezone.localtime(booking.starts_at), "DATETIME_FORMAT")
        until = formats.date_format(timezone.localtime(booking.hold_expires_at), "DATETIME_FORMAT")
        message = EmailMessage(
            subject=_("A workshop slot is available for you"),
            body=_(
                "Hello,\n\nThe slot of %(slot)s you were waiting for at the légumerie-conserverie is free. "
                "It is held for you until %(until)s: accept it in your space (booking #%(id)s), after that it is "
                "offered to the next producer:\n%(url)s\n\nThe Ecopôle alimentaire team"
            )
            % {"slot": slot, "until": until, "id": booking.pk, "url": accept_url},
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=recipients,
        )
    email_send(message)
    return True


STATUS_EMAILS = {
    BookingStatus.CONFIRMED: "processing/email/booking_confirmed",
    BookingStatus.CANCELLED: "processing/email/booking_cancelled",
}


def _member_emails(producer_id: int) -> list[str]:
    return list(
        User.objects.filter(producer_id=producer_id, is_active=True).order_by("pk").values_list("email", flat=True)
    )


def booking_send_status_email(*, booking_id: int, status: str) -> bool:
    """Tell the producer's members that their booking was confirmed, or cancelled (with the late-cancellation fee,
    if any). French, text + HTML. Sent only while the booking still has that status: a late or repeated delivery
    of the outbox message sends nothing wrong (the outbox key, per booking and status, makes it once)."""
    booking = (
        Booking.objects.select_related("producer")
        .prefetch_related("lines__equipment", "billing_lines")
        .filter(pk=booking_id)
        .first()
    )
    if booking is None or booking.status != status or status not in STATUS_EMAILS:
        return False
    recipients = _member_emails(booking.producer_id)
    if not recipients:
        return False
    fees = [line for line in booking.billing_lines.all() if line.kind == BillingKind.LATE_CANCELLATION]
    context = {
        "booking": booking,
        "producer": booking.producer,
        "starts_at": booking.starts_at,
        "ends_at": booking.ends_at,
        "equipment": ", ".join(line.equipment.name for line in booking.lines.all()),
        "fee": sum((line.amount for line in fees), Decimal("0.00")) if fees else None,
    }
    email_send(templated_email(STATUS_EMAILS[status], context, to=recipients))
    return True


def recall_send_email(*, recall_id: int, user_id: int) -> bool:
    """Tell a customer who received jars of a recalled lot not to eat them (French). Queued once per recall and
    customer by the recall's transaction (the outbox key); sends nothing for an unknown or inactive customer."""
    from ..models import LotRecall, RecallStatus

    recall = LotRecall.objects.select_related("lot__product", "lot__producer").filter(pk=recall_id).first()
    customer = User.objects.filter(pk=user_id, is_active=True).first()
    if recall is None or recall.status != RecallStatus.CONFIRMED or customer is None or not customer.email:
        return False
    from ..labels import lot_public_url

    lot = recall.lot
    with translation.override(settings.LANGUAGE_CODE):
        message = EmailMessage(
            subject=_("Recall: do not eat the %(product)s of lot %(code)s")
            % {
                "product": lot.product.name if lot.product else lot.description,
                "code": lot.code,
            },
            body=_(
                "Hello,\n\nYou received jars of %(product)s of lot %(code)s (best before %(best_before)s), made by "
                "%(producer)s at the Ecopôle's workshop. This lot is recalled: %(reason)s\n\nDo not eat them. Bring "
                "them back to the Ecopôle or to your pickup point: they will be refunded.\n\nThe lot's page: "
                "%(url)s\n\nThe Ecopôle alimentaire team"
            )
            % {
                "product": lot.product.name if lot.product else lot.description,
                "code": lot.code,
                "best_before": f"{lot.best_before:%d/%m/%Y}",
                "producer": lot.producer.name,
                "reason": recall.reason,
                "url": lot_public_url(lot.code),
            },
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[customer.email],
        )
    email_send(message)
    return True
