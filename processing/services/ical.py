"""iCalendar (RFC 5545) written by hand: CRLF line ends, lines folded at 75 octets, TEXT values escaped, UTC times."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from ..models import Booking, BookingStatus

STATUS_MAP = {
    BookingStatus.HELD: "TENTATIVE",
    BookingStatus.REQUESTED: "TENTATIVE",
    BookingStatus.CONFIRMED: "CONFIRMED",
    BookingStatus.COMPLETED: "CONFIRMED",
    BookingStatus.CANCELLED: "CANCELLED",
}


def escape_text(value: str) -> str:
    """RFC 5545 §3.3.11: backslash, semicolon and comma escaped, newlines as \\n."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """RFC 5545 §3.1: lines longer than 75 octets are split with CRLF + one space, never inside a UTF-8 character."""
    if len(line.encode("utf-8")) <= 75:
        return line
    parts: list[bytes] = []
    current = b""
    limit = 75
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > limit:
            parts.append(current)
            current = b""
            limit = 74  # a continuation line starts with a space, which counts
        current += encoded
    parts.append(current)
    return "\r\n ".join(part.decode("utf-8") for part in parts)


def utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def render_calendar(*, name: str, bookings: Iterable[Booking], now: datetime, with_producer: bool) -> str:
    """A VCALENDAR of the bookings (their lines' equipment prefetched). Times in UTC, so no VTIMEZONE is needed."""
    host = settings.PROCESSING_ICAL_UID_DOMAIN
    with translation.override(settings.LANGUAGE_CODE):
        lines = [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//Ecopole alimentaire//Legumerie-conserverie//FR",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            f"X-WR-CALNAME:{escape_text(name)}",
            "X-WR-TIMEZONE:Europe/Paris",
        ]
        for booking in bookings:
            equipment = ", ".join(line.equipment.name for line in booking.lines.all())
            summary = _("Workshop: %(process)s") % {"process": booking.get_process_display()}
            if with_producer:
                summary = f"{booking.producer.name} – {summary}"
            description = "\n".join(
                item
                for item in [
                    _("Equipment: %(equipment)s") % {"equipment": equipment},
                    _("Raw product: %(name)s, %(kg)s kg")
                    % {"name": booking.raw_product_name, "kg": format(booking.raw_quantity_kg.normalize(), "f")},
                    booking.expected_output,
                    _("Status: %(status)s") % {"status": booking.get_status_display()},
                ]
                if item
            )
            lines += [
                "BEGIN:VEVENT",
                f"UID:processing-booking-{booking.pk}@{host}",
                f"DTSTAMP:{utc(now)}",
                f"LAST-MODIFIED:{utc(booking.updated_at)}",
                f"DTSTART:{utc(booking.starts_at)}",
                f"DTEND:{utc(booking.ends_at)}",
                f"SUMMARY:{escape_text(summary)}",
                f"DESCRIPTION:{escape_text(description)}",
                f"LOCATION:{escape_text(_('Ecopôle alimentaire, légumerie-conserverie, Vieille-Église'))}",
                f"STATUS:{STATUS_MAP.get(booking.status, 'TENTATIVE')}",
                "END:VEVENT",
            ]
        lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
