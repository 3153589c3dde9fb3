"""The workshop in the farmers' space: the week's slots, booking (several equipment for one slot), the waiting
list, the bookings with their cancellation terms, accepting a slot offered from the waiting list, the private
calendar link, the lots.

Every write is the service the API calls (processing.services.bookings / feeds); every read a processing selector,
narrowed to the member's producer (a member who is also workshop staff still sees only their producer here).
Forms post and redirect (POST/redirect/GET); nothing needs JavaScript.
"""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ecopole.core.exceptions import ApplicationError
from processing import selectors
from processing.models import Booking, BookingStatus
from processing.services.bookings import (
    BookingRequest,
    booking_accept_offer,
    booking_cancel,
    booking_create,
    cancellation_free_until,
    is_late_cancellation,
    late_cancellation_fee,
)
from processing.services.calendar import local_date
from processing.services.feeds import calendar_feed_rotate

from .access import member_required
from .forms import BookingForm

# Where a service's error is shown: next to its field, else at the top of the form.
BOOKING_ERROR_FIELDS = {
    "unknown_equipment": "equipment",
    "not_a_slot": "equipment",
    "slot_taken": "equipment",
    "capacity_exceeded": "jars",
    "jars_required": "jars",
}


def _own_booking(request: HttpRequest, pk: int) -> Booking:
    """The member's producer's booking, or 404 (another producer's booking is not found, as in the API)."""
    booking = selectors.booking_queryset(user=request.user).filter(pk=pk, producer_id=request.user.producer_id).first()
    if booking is None:
        raise Http404
    return booking


def _monday(value: str | None, today: date) -> date:
    """The Monday of the week asked for (`?semaine=YYYY-MM-DD`), within a year of today; this week otherwise."""
    try:
        day = date.fromisoformat(value) if value else today
    except ValueError:
        day = today
    if abs((day - today).days) > 366:
        day = today
    return day - timedelta(days=day.weekday())


def _slot_query(*, starts_at, ends_at, equipment_id: int, waitlist: bool) -> str:
    query = {"debut": starts_at.isoformat(), "fin": ends_at.isoformat(), "equipement": equipment_id}
    if waitlist:
        query["attente"] = "1"
    return "?" + urlencode(query)


@member_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    upcoming = (
        selectors.booking_list(user=request.user)
        .filter(producer_id=request.user.producer_id, ends_at__gte=now)
        .exclude(status__in=[BookingStatus.CANCELLED, BookingStatus.EXPIRED])[:5]
    )
    return render(request, "farmers/home.html", {"producer": request.user.producer, "upcoming": upcoming})


@member_required
@require_GET
def workshop_week(request: HttpRequest) -> HttpResponse:
    """Free and taken slots of each equipment for one week (Monday–Sunday, Europe/Paris)."""
    today = local_date(timezone.now())
    monday = _monday(request.GET.get("semaine"), today)
    sunday = monday + timedelta(days=6)
    rows = selectors.availability(equipment_refs=None, start=monday, end=sunday, include_taken=True)
    days = []
    for offset in range(7):
        day = monday + timedelta(days=offset)
        equipment = []
        for row in rows:
            slots = []
            for slot in row["slots"]:
                if local_date(slot["starts_at"]) != day:
                    continue
                item = row["equipment"]
                if slot["available"]:
                    state, link = (
                        "free",
                        _slot_query(
                            starts_at=slot["starts_at"], ends_at=slot["ends_at"], equipment_id=item.pk, waitlist=False
                        ),
                    )
                elif not slot["free"] and slot["in_window"]:
                    state, link = (
                        "taken",
                        _slot_query(
                            starts_at=slot["starts_at"], ends_at=slot["ends_at"], equipment_id=item.pk, waitlist=True
                        ),
                    )
                else:
                    state, link = ("closed" if slot["free"] else "taken-closed"), ""
                slots.append({**slot, "state": state, "link": link})
            if slots:
                equipment.append({"equipment": row["equipment"], "slots": slots})
        days.append({"day": day, "equipment": equipment})
    context = {
        "monday": monday,
        "sunday": sunday,
        "previous_week": (monday - timedelta(days=7)).isoformat(),
        "next_week": (monday + timedelta(days=7)).isoformat(),
        "this_week": monday <= today <= sunday,
        "days": days,
        "equipment_list": [row["equipment"] for row in rows],
        "min_notice_hours": settings.PROCESSING_MIN_NOTICE_HOURS,
        "max_ahead_weeks": settings.PROCESSING_MAX_AHEAD_WEEKS,
    }
    return render(request, "farmers/workshop_week.html", context)


def _equipment_choices() -> list[tuple[int, str]]:
    choices = []
    for item in selectors.equipment_list():
        label = item.name
        if item.is_shared:
            label = _("%(name)s (shared, %(capacity)s jars)") % {"name": item.name, "capacity": item.capacity}
        choices.append((item.pk, label))
    return choices


@member_required
@require_http_methods(["GET", "POST"])
def booking_new(request: HttpRequest) -> HttpResponse:
    """Book a slot (or join its waiting list): the slot comes from the week's page, the equipment are ticked here."""
    choices = _equipment_choices()
    if request.method == "POST":
        form = BookingForm(request.POST, equipment_choices=choices)
        if form.is_valid():
            data = form.cleaned_data
            try:
                booking = booking_create(
                    producer_id=request.user.producer_id,
                    user=request.user,
                    waitlist=data["waitlist"],
                    request=BookingRequest(
                        equipment_ids=data["equipment"],
                        starts_at=data["starts_at"],
                        ends_at=data["ends_at"],
                        process=data["process"],
                        raw_product_name=data["raw_product_name"],
                        raw_quantity_kg=data["raw_quantity_kg"],
                        expected_output=data["expected_output"],
                        jars=data["jars"],
                        organic=data["organic"],
                        needs_technician=data["needs_technician"],
                        notes=data["notes"],
                    ),
                )
            except ApplicationError as error:
                field = BOOKING_ERROR_FIELDS.get(error.code)
                form.add_error(field if field in form.fields else None, str(error.detail))
            else:
                if booking.status == BookingStatus.WAITING:
                    messages.success(
                        request,
                        _("You are on the waiting list (booking no. %(id)s): you will be emailed if the slot frees.")
                        % {"id": booking.pk},
                    )
                else:
                    messages.success(
                        request,
                        _("Booking no. %(id)s is requested: the workshop team will confirm it.") % {"id": booking.pk},
                    )
                return redirect("farmers:bookings")
    else:
        form = BookingForm(
            initial={
                "starts_at": request.GET.get("debut"),
                "ends_at": request.GET.get("fin"),
                "waitlist": request.GET.get("attente") == "1",
                "equipment": [request.GET.get("equipement")],
            },
            equipment_choices=choices,
        )
        # The slot must parse: the links of the week's page always do; anything else goes back there.
        probe = BookingForm(
            {"starts_at": request.GET.get("debut"), "ends_at": request.GET.get("fin")}, equipment_choices=choices
        )
        probe.is_valid()
        if "starts_at" in probe.errors or "ends_at" in probe.errors:
            messages.error(request, _("Choose a slot in the week's calendar."))
            return redirect("farmers:workshop")
    describe_fields(form)
    slot_start = form["starts_at"].value()
    slot_end = form["ends_at"].value()
    context = {
        "form": form,
        "waitlist": str(form["waitlist"].value()) in {"True", "true", "1", "on"},
        "slot_start": _parse(form.fields["starts_at"], slot_start),
        "slot_end": _parse(form.fields["ends_at"], slot_end),
    }
    return render(request, "farmers/booking_new.html", context)


def _parse(field, value):
    try:
        return timezone.localtime(field.clean(value))
    except (ValidationError, ValueError, TypeError):  # an unparsable slot shows no date; the form says why
        return None


def describe_fields(form) -> None:
    """Tie each field to its help text and its errors (aria-describedby, aria-invalid)."""
    for name, field in form.fields.items():
        bound = form[name]
        ids = []
        if field.help_text:
            ids.append(f"{bound.auto_id}-aide")
        if name in form.errors:
            ids.append(f"{bound.auto_id}-erreur")
            field.widget.attrs["aria-invalid"] = "true"
        if ids:
            field.widget.attrs["aria-describedby"] = " ".join(ids)


@member_required
@require_GET
def booking_list(request: HttpRequest) -> HttpResponse:
    bookings = (
        selectors.booking_list(user=request.user)
        .filter(producer_id=request.user.producer_id)
        .order_by("-starts_at", "-id")
    )
    now = timezone.now()
    rows = [
        {
            "booking": booking,
            "cancellable": booking.can_become(BookingStatus.CANCELLED),
            "held": booking.status == BookingStatus.HELD,
            "past": booking.ends_at < now,
        }
        for booking in bookings[:200]
    ]
    return render(request, "farmers/booking_list.html", {"rows": rows})


@member_required
@require_http_methods(["GET", "POST"])
def booking_cancel_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The cancellation terms (free until when, the fee after), then the confirmation (POST)."""
    booking = _own_booking(request, pk)
    if request.method == "POST":
        try:
            booking_cancel(booking_id=booking.pk, user=request.user)
        except ApplicationError as error:
            messages.error(request, str(error.detail))
        else:
            messages.success(request, _("Booking no. %(id)s is cancelled.") % {"id": booking.pk})
        return redirect("farmers:bookings")
    now = timezone.now()
    context = {
        "booking": booking,
        "cancellable": booking.can_become(BookingStatus.CANCELLED),
        "free_until": cancellation_free_until(booking=booking),
        "late": is_late_cancellation(booking=booking, now=now),
        "billable": booking.status in {BookingStatus.REQUESTED, BookingStatus.CONFIRMED},
        "fee": late_cancellation_fee(booking=booking),
        "fee_percent": int(settings.PROCESSING_LATE_CANCELLATION_FEE_RATE * 100),
        "free_hours": settings.PROCESSING_FREE_CANCELLATION_HOURS,
    }
    return render(request, "farmers/booking_cancel.html", context)


@member_required
@require_http_methods(["GET", "POST"])
def booking_accept(request: HttpRequest, pk: int) -> HttpResponse:
    """The page the waiting-list email links to: the slot held for the producer, and the button that takes it."""
    booking = _own_booking(request, pk)
    if request.method == "POST":
        try:
            booking_accept_offer(booking_id=booking.pk, user=request.user)
        except ApplicationError as error:
            messages.error(request, str(error.detail))
            return redirect("farmers:booking-accept", pk=booking.pk)
        messages.success(request, _("You accepted the slot: booking no. %(id)s is requested.") % {"id": booking.pk})
        return redirect("farmers:bookings")
    held = booking.status == BookingStatus.HELD and (
        booking.hold_expires_at is None or booking.hold_expires_at > timezone.now()
    )
    return render(request, "farmers/booking_accept.html", {"booking": booking, "held": held})


def _feed_url(request: HttpRequest, feed) -> str | None:
    """The feed's absolute URL, as GET /api/v1/processing/calendar-feed/ gives it."""
    if feed is None:
        return None
    path = reverse("processing:ical-feed", kwargs={"token": feed.token})
    base = settings.PROCESSING_PUBLIC_BASE_URL
    return f"{base.rstrip('/')}{path}" if base else request.build_absolute_uri(path)


@member_required
@require_http_methods(["GET", "POST"])
def calendar_link(request: HttpRequest) -> HttpResponse:
    """The private iCalendar link of the producer's bookings; POST issues a new one (the old one stops working)."""
    if request.method == "POST":
        try:
            calendar_feed_rotate(producer_id=request.user.producer_id, user=request.user)
        except ApplicationError as error:
            messages.error(request, str(error.detail))
        else:
            messages.success(request, _("Your new calendar link is ready; the previous one no longer works."))
        return redirect("farmers:calendar")
    feed = selectors.calendar_feed_active(producer_id=request.user.producer_id)
    return render(request, "farmers/calendar_link.html", {"feed": feed, "url": _feed_url(request, feed)})


@member_required
@require_GET
def lot_list(request: HttpRequest) -> HttpResponse:
    lots = (
        selectors.lot_list(user=request.user)
        .filter(producer_id=request.user.producer_id)
        .order_by("-production_date", "code")[:300]
    )
    return render(request, "farmers/lot_list.html", {"lots": lots})
