from django import forms
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field

from ecopole.core.fields import DateFilter

from .models import Fulfilment, Order, OrderFlag, OrderStatus, PaymentStatus

MAX_ID = 2**63 - 1


@extend_schema_field({"type": "integer", "format": "int64", "minimum": 1, "maximum": MAX_ID})
class IdFilter(filters.Filter):
    """An id compared without a query (no ModelChoiceFilter lookup) and bounded, so no value reaches the database
    out of the integer range."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class StrictFilterForm(forms.Form):
    """An empty parameter (`?status=`) is an error, not "no filter": the client asked for something it did not say."""

    def clean(self):
        cleaned = super().clean()
        for name in self.fields:
            if name in self.data and "" in self.data.getlist(name):
                self.add_error(name, "Give a value or leave the parameter out.")
        return cleaned


class OrderFilter(filters.FilterSet):
    delivery_date = DateFilter(field_name="delivery_date")
    delivery_date_after = DateFilter(field_name="delivery_date", lookup_expr="gte")
    delivery_date_before = DateFilter(field_name="delivery_date", lookup_expr="lte")
    # distinct=False: a status is a column of the order, never a join, so DISTINCT only made PostgreSQL sort every
    # matching row (20,000 at ten times the data) for each page.
    status = filters.MultipleChoiceFilter(choices=OrderStatus.choices, distinct=False)
    fulfilment = filters.ChoiceFilter(choices=Fulfilment.choices)
    payment_status = filters.ChoiceFilter(choices=PaymentStatus.choices)
    pickup_point = IdFilter(field_name="pickup_point_id")
    zone = IdFilter(field_name="delivery_zone_id")
    customer = IdFilter(field_name="customer_id")
    flag = filters.ChoiceFilter(
        choices=[choice for choice in OrderFlag.choices if choice[0]], help_text="Orders staff must look at."
    )

    class Meta:
        model = Order
        fields: list[str] = []
        form = StrictFilterForm
