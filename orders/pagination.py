import re

from rest_framework.exceptions import ValidationError

from ecopole.core.pagination import PageNumberPagination

POSITIVE_INTEGER = re.compile(r"[1-9][0-9]{0,5}")


class StrictPageNumberPagination(PageNumberPagination):
    """The shared pagination, but a `page_size` that is not a positive integer is a 400 instead of being silently
    replaced by the default (schema fuzzing rightly counts that as accepting invalid input). Sizes above
    `max_page_size` are still capped."""

    def get_page_size(self, request):
        values = request.query_params.getlist(self.page_size_query_param)
        if values and (len(values) > 1 or not POSITIVE_INTEGER.fullmatch(values[0])):
            raise ValidationError({self.page_size_query_param: ["A positive integer."]})
        return super().get_page_size(request)
