from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination as DrfPageNumberPagination


class PageNumberPagination(DrfPageNumberPagination):
    """Page-number pagination with a client-chosen size capped at `max_page_size`.

    An out-of-range page raises DRF's NotFound, rendered as a 404 `not_found` (never silently page 1). A
    `page_size` that is not a positive integer is a 400 `validation_error` (DRF would silently use the default).
    """

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        text = raw.strip()
        if not (text.isascii() and text.isdigit()) or int(text) < 1:
            # DRF's own message, already translated in its catalogues.
            raise ValidationError({self.page_size_query_param: [_("A valid integer is required.")]})
        return min(int(text), self.max_page_size)
