"""Forms of the farmers' space: they parse and bound the input; the rules are the services' (processing, catalogue)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
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
        label=_("Raw quantity (kg)"), max_digits=10, decimal_places=3, min_value=Decimal("0.001")
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


class StockReceiptForm(forms.Form):
    quantity = forms.DecimalField(
        label=_("Quantity received"), max_digits=12, decimal_places=3, min_value=Decimal("0.001")
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quantity"].widget.attrs["inputmode"] = "decimal"
