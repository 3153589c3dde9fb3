"""The project's pagination, refusing a malformed `page_size` with a 400 instead of silently using the default.

(Candidate for ecopole/core/pagination.py: kept here so as not to touch the shared module while other apps are
being written; the schema fuzzing in tests/core/test_api_fuzz.py requires a schema-violating value to be refused.)
"""

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError

from ecopole.core.pagination import PageNumberPagination


class StrictPageNumberPagination(PageNumberPagination):
    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None:
            values = request.query_params.getlist(self.page_size_query_param)
            if len(values) > 1 or not raw.isdigit():
                raise ValidationError({self.page_size_query_param: [_("A whole number is required.")]})
        return super().get_page_size(request)
