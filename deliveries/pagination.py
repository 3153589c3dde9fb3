from rest_framework import serializers

from ecopole.core.pagination import PageNumberPagination


class StrictPageNumberPagination(PageNumberPagination):
    """`page_size` must be a whole number from 1 to `max_page_size`: anything else is a 400, never a silent default
    (the schema says integer, and the API fuzz test holds us to it)."""

    def get_page_size(self, request):
        raw = request.query_params.getlist(self.page_size_query_param)
        if raw:
            value = raw[-1]
            if len(raw) > 1 or not value.isdigit() or not 1 <= int(value) <= self.max_page_size:
                raise serializers.ValidationError(
                    {self.page_size_query_param: [f"A whole number from 1 to {self.max_page_size}."]}
                )
        return super().get_page_size(request)
