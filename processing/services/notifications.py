"""Emails of the workshop, sent from Celery tasks (never inside a transaction)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User

from ..models import Booking, BookingStatus


def booking_send_offer_email(*, booking_id: int) -> bool:
    """Tell the producer's members that a slot they waited for is held for them until `hold_expires_at`.

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
    with translation.override(settings.LANGUAGE_CODE), timezone.override("Europe/Paris"):
        slot = formats.date_format(timezone.localtime(booking.starts_at), "DATETIME_FORMAT")
        until = formats.date_format(timezone.localtime(booking.hold_expires_at), "DATETIME_FORMAT")
        send_mail(
            subject=_("A workshop slot is available for you"),
            message=_(
                "Hello,\n\nThe slot of %(slot)s you were waiting for at the légumerie-conserverie is free. "
                "It is held for you until %(until)s: accept it in your space (booking #%(id)s), after that it is "
                "offered to the next producer.\n\nThe Ecopôle alimentaire team"
            )
            % {"slot": slot, "until": until, "id": booking.pk},
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=recipients,
        )
    return True
