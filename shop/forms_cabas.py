"""Forms of the cabas pages. They only parse what the customer typed; the baskets' services decide, and their
errors come back on the field they concern (`SERVICE_ERROR_FIELDS`)."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from baskets.models import SOLIDARITY_MESSAGE_MAX_LENGTH, BasketFrequency, SolidaritySituation
from baskets.services.calendar import first_distribution_on_or_after
from ecopole.core.calendar import closures_between
from orders.models import Fulfilment

# The dates offered as a first basket: the next weeks (the service accepts up to 12).
START_WEEKS_OFFERED = 8

# Which field a service's refusal concerns, by error code; a code not listed is shown above the form.
SERVICE_ERROR_FIELDS = {
    "offer_unavailable": "offer",
    "already_subscribed": "offer",
    "place_not_served": "pickup_point",
    "pickup_point_unavailable": "pickup_point",
    "outside_delivery_zone": "commune",
    "coordinates_outside_zone": "address",
    "below_minimum_order": "fulfilment",
    "start_date_invalid": "start_date",
    "cutoff_passed": "start_date",
    "closed_day": "start_date",
    "no_distribution_in_period": "start_date",
    "pause_overlaps": "start_date",
    "pause_too_long": "end_date",
    "solidarity_request_empty": "message",
}


def date_label(day: date) -> str:
    """ "vendredi 11 décembre 2026": French writes day names in lower case within a sentence."""
    label = formats.date_format(day, "l j F Y")
    return label.lower() if get_language().startswith("fr") else label


def start_date_choices(*, weekdays: set[int]) -> list[tuple[str, str]]:
    """The next distribution dates of the offers' weekdays, closed days left out; the first choice lets the service
    pick the first date still open."""
    today = timezone.localdate()
    end = today + timedelta(weeks=START_WEEKS_OFFERED)
    closed = closures_between(today, end)
    days = sorted(
        first_distribution_on_or_after(day=today, weekday=weekday) + timedelta(weeks=week)
        for weekday in weekdays
        for week in range(START_WEEKS_OFFERED)
    )
    return [("", _("The first one still open"))] + [
        (day.isoformat(), date_label(day)) for day in days if day not in closed
    ]


class CabasForm(forms.Form):
    """Labels without the " :" Django appends: the accessible names stay the field's name."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class SubscribeForm(CabasForm):
    offer = forms.TypedChoiceField(label=_("Basket"), coerce=int, widget=forms.RadioSelect)
    frequency = forms.ChoiceField(
        label=_("How often"), choices=BasketFrequency.choices, initial=BasketFrequency.WEEKLY, widget=forms.RadioSelect
    )
    fulfilment = forms.ChoiceField(
        label=_("Where"),
        choices=[(Fulfilment.PICKUP, _("At a pickup point")), (Fulfilment.HOME, _("Delivered at home"))],
        initial=Fulfilment.PICKUP,
        widget=forms.RadioSelect,
    )
    pickup_point = forms.TypedChoiceField(label=_("Pickup point"), coerce=int, required=False)
    address = forms.CharField(label=_("Address (home delivery)"), max_length=255, required=False)
    postcode = forms.CharField(label=_("Postcode"), max_length=10, required=False)
    commune = forms.CharField(label=_("Commune"), max_length=100, required=False)
    start_date = forms.TypedChoiceField(
        label=_("First basket"), coerce=date.fromisoformat, empty_value=None, required=False
    )

    def __init__(self, *args, offers, points, weekdays: set[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offer"].choices = [(offer.pk, offer.name) for offer in offers]
        self.fields["pickup_point"].choices = [(point.pk, f"{point.name}, {point.commune}") for point in points]
        self.fields["start_date"].choices = start_date_choices(weekdays=weekdays)

    def clean(self):
        data = super().clean()
        if data.get("fulfilment") == Fulfilment.HOME:
            for name in ("address", "postcode", "commune"):
                if not data.get(name, "").strip():
                    self.add_error(name, _("Needed for a home delivery."))
        elif data.get("fulfilment") == Fulfilment.PICKUP and data.get("pickup_point") in (None, ""):
            self.add_error("pickup_point", _("Choose a pickup point."))
        return data


class SkipForm(CabasForm):
    date = forms.DateField()


class PauseForm(CabasForm):
    start_date = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end_date = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def clean(self):
        data = super().clean()
        if data.get("start_date") and data.get("end_date") and data["end_date"] < data["start_date"]:
            self.add_error("end_date", _("The pause ends on or after its first day."))
        return data


class ChangeForm(CabasForm):
    offer = forms.TypedChoiceField(label=_("Basket"), coerce=int)
    frequency = forms.ChoiceField(label=_("How often"), choices=BasketFrequency.choices)
    pickup_point = forms.TypedChoiceField(label=_("Pickup point"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, offers, points, home: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offer"].choices = [(offer.pk, offer.name) for offer in offers]
        choices = [(point.pk, f"{point.name}, {point.commune}") for point in points]
        if home:
            choices = [("", _("Keep the home delivery")), *choices]
        self.fields["pickup_point"].choices = choices


class SolidarityRequestForm(CabasForm):
    situation = forms.ChoiceField(
        label=_("Your situation (optional)"),
        choices=[("", _("I prefer not to say")), *SolidaritySituation.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    message = forms.CharField(
        label=_("A few words on your situation"),
        max_length=SOLIDARITY_MESSAGE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "At most 2000 characters. We only ask what we need to decide: no document, no figure. Your request is "
            "read by the Ecopôle's managers only and kept with your account."
        ),
    )
