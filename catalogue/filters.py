"""Query parameters of the product list, parsed into `selectors.ProductFilters`."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ecopole.core.fields import QueryField, StrictCharField, StrictIntegerField, StrictSlugField

from .models import MovementReason
from .selectors import MAX_ID, ORDERINGS, ProductFilters


class QueryBooleanField(QueryField, serializers.BooleanField):
    """A boolean query parameter, "true"/"false" (or 1/0). Query strings are text: the strict JSON typing of
    `ecopole.core.fields.StrictBooleanField` (a boolean must be a JSON boolean) is for bodies only."""

    def to_internal_value(self, data):
        text = str(data).strip().lower()
        if text in {"true", "1"}:
            return True
        if text in {"false", "0"}:
            return False
        self.fail("invalid", input=data)


class QueryIntegerField(QueryField, StrictIntegerField):
    """An integer query parameter (text in the URL, parsed here)."""

    def to_internal_value(self, data):
        text = str(data).strip()
        if not (text.isascii() and text.isdigit()):
            self.fail("invalid")
        return int(text)


class ProductFilterSerializer(serializers.Serializer):
    category = StrictSlugField(required=False, help_text=_("Category slug."))
    producer = StrictSlugField(required=False, help_text=_("Producer slug."))
    organic = QueryBooleanField(required=False, allow_null=True, default=None, help_text=_("Shown as organic."))
    in_season = QueryBooleanField(
        required=False, allow_null=True, default=None, help_text=_("In season this month (Europe/Paris).")
    )
    available = QueryBooleanField(required=False, allow_null=True, default=None, help_text=_("Stock > 0."))
    search = StrictCharField(
        required=False, max_length=100, help_text=_("Words in the name, description or producer; accents ignored.")
    )
    ordering = serializers.ChoiceField(choices=sorted(ORDERINGS), required=False)

    def to_filters(self) -> ProductFilters:
        return ProductFilters(**self.validated_data)


class StockMovementFilterSerializer(serializers.Serializer):
    product = QueryIntegerField(min_value=1, max_value=MAX_ID, required=False, help_text=_("Product id."))
    reason = serializers.ChoiceField(choices=MovementReason.choices, required=False)
