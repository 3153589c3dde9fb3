"""Query parameters of the product list, parsed into `selectors.ProductFilters`."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .selectors import ORDERINGS, ProductFilters


class ProductFilterSerializer(serializers.Serializer):
    category = serializers.SlugField(required=False, help_text=_("Category slug."))
    producer = serializers.SlugField(required=False, help_text=_("Producer slug."))
    organic = serializers.BooleanField(required=False, allow_null=True, default=None, help_text=_("Shown as organic."))
    in_season = serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text=_("In season this month (Europe/Paris).")
    )
    available = serializers.BooleanField(required=False, allow_null=True, default=None, help_text=_("Stock > 0."))
    search = serializers.CharField(
        required=False, max_length=100, help_text=_("Words in the name, description or producer; accents ignored.")
    )
    ordering = serializers.ChoiceField(choices=sorted(ORDERINGS), required=False)

    def to_filters(self) -> ProductFilters:
        return ProductFilters(**self.validated_data)
