"""Forms of the farmers' space: they parse and bound the input; the rules are the services' (processing, catalogue)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from ecopole.core.fields import TEXT_MAX_LENGTH
from processing.models import Process


class BookingForm(forms.Form):
    """Book one slot on one or more equipment (the same service as POST /api/v1/processing/bookings/)."""

    starts_at = forms.DateTimeField(widget=forms.HiddenInput)
    ends_at = forms.DateTimeField(widget=forms.HiddenInput)
    waitlist = forms.BooleanField(required=False, widget=forms.HiddenInput)
    equipment = forms.TypedMultipleChoiceField(
        label=_("Equipment"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick every piece of equipment you need for this slot."),
    )
    process = forms.ChoiceField(label=_("Process"), choices=Process.choices)
    raw_product_name = forms.CharField(label=_("Raw product"), max_length=150)
    raw_quantity_kg = forms.DecimalField(
        label=_("Raw quantity (kg)"), max_digits=10, decimal_places=3, min_value=Decimal("0.001"), localize=True
    )
    expected_output = forms.CharField(label=_("Expected output"), max_length=200, required=False)
    jars = forms.IntegerField(
        label=_("Jars"), min_value=1, max_value=100000, required=False, help_text=_("Required for the autoclave.")
    )
    organic = forms.BooleanField(label=_("Organic batch (AB)"), required=False)
    needs_technician = forms.BooleanField(label=_("I need a technician"), required=False)
    notes = forms.CharField(label=_("Notes"), max_length=TEXT_MAX_LENGTH, required=False, widget=forms.Textarea)

    def __init__(self, *args, equipment_choices: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["equipment"].choices = equipment_choices
        self.fields["raw_quantity_kg"].widget.attrs["inputmode"] = "decimal"


class ProductForm(forms.Form):
    """What a producer changes of a product in the space: photo, description, price, season, availability
    (catalogue.services.products.product_update and product_photo_set, as the API's PATCH and PUT photo)."""

    description = forms.CharField(
        label=_("Description"), max_length=TEXT_MAX_LENGTH, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    unit_price = forms.DecimalField(
        label=_("Price (€, VAT included)"), max_digits=8, decimal_places=2, min_value=Decimal("0.01"), localize=True
    )
    season_months = forms.TypedMultipleChoiceField(
        label=_("Season"),
        coerce=int,
        choices=[(number, name) for number, name in MONTHS.items()],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The months the product is in season."),
    )
    is_active = forms.BooleanField(
        label=_("On sale"), required=False, help_text=_("Untick to withdraw the product from sale.")
    )
    photo = forms.FileField(
        label=_("New photo"), required=False, help_text=_("JPEG, PNG or WebP. Leave empty to keep the current one.")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit_price"].widget.attrs["inputmode"] = "decimal"
        self.fields["photo"].widget.attrs["accept"] = "image/jpeg,image/png,image/webp"
