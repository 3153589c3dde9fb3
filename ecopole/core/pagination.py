from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination as DrfPageNumberPagination
from rest_framework.pagination import _positive_int


class PageNumberPagination(DrfPageNumberPagination):
    """Page-number pagination with a client-chosen size capped at `max_page_size`.

    An out-of-range page raises DRF's NotFound, rendered as a 404 `not_found` (never silently page 1). A `page`
    or `page_size` that is not a positive integer is a 400 `validation_error` (DRF would silently use the default).
    """

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            return _positive_int(raw, strict=True, cutoff=self.max_page_size)
        except ValueError:
            raise ValidationError({self.page_size_query_param: [_("A positive whole number is required.")]}) from None

    def get_page_number(self, request, paginator):
        raw = request.query_params.get(self.page_query_param)
        if raw is None:
            return 1
        if raw in self.last_page_strings:
            return raw
        try:
            return _positive_int(raw, strict=True)
        except ValueError:
            raise ValidationError({self.page_query_param: [_("A positive whole number is required.")]}) from None
