from django.core.paginator import Paginator
from django.db.models import Count, Window
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination as DrfPageNumberPagination

MAX_PAGE = 10**9  # far past any list; a page past the end is a 404


def _whole(text: str, minimum: int, maximum: int) -> bool:
    return text.isascii() and text.isdigit() and len(text) <= 18 and minimum <= int(text) <= maximum


class PageNumberPagination(DrfPageNumberPagination):
    """Page-number pagination with a client-chosen size capped at `max_page_size`.

    An out-of-range page raises DRF's NotFound, rendered as a 404 `not_found` (never silently page 1). A malformed
    `page_size` is refused with a 400 rather than silently replaced by the default, as the schema says it is an
    integer.
    """

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request):
        values = request.query_params.getlist(self.page_size_query_param)
        # isascii: "²".isdigit() is True but int("²") raises (a 500). Past `max_page_size` is refused, as the schema
        # says, rather than silently cut.
        if values and not (len(values) == 1 and _whole(values[0], 1, self.max_page_size)):
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("A whole number from 1 to %(max)s is required.") % {"max": self.max_page_size}
                    ]
                }
            )
        return super().get_page_size(request)

    def get_schema_operation_parameters(self, view):
        # The bounds the code applies, in the schema: a page from 1 to MAX_PAGE, a page size 1 to `max_page_size`.
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            parameter["schema"]["maximum"] = (
                self.max_page_size if parameter["name"] == self.page_size_query_param else MAX_PAGE
            )
        return parameters

    def get_page_number(self, request, paginator):
        # DRF reads `?page=` (empty) as page 1; the schema says an integer, so a malformed page is a 400 too.
        values = request.query_params.getlist(self.page_query_param)
        if (
            values
            and values[0] not in self.last_page_strings
            and not (len(values) == 1 and _whole(values[0], 1, MAX_PAGE))
        ):
            raise ValidationError({self.page_query_param: [_("A whole number of at least 1 is required.")]})
        return super().get_page_number(request, paginator)


class WindowCountPaginator(Paginator):
    """A Django paginator that reads the total from a `COUNT(*) OVER ()` column of the page query: one round trip
    instead of two (COUNT, then the page).

    Falls back to the usual COUNT query when the page comes back empty (past the end: the same `EmptyPage`), for
    "last" (it needs the count first), a huge page number (its OFFSET would overflow), and for querysets a window
    would count wrongly (DISTINCT, UNION) or that are not querysets.
    """

    MAX_WINDOW_PAGE = 1_000_000

    def page(self, number):
        query = getattr(self.object_list, "query", None)
        if "count" in self.__dict__ or query is None or query.distinct or query.combinator or self.orphans:
            return super().page(number)
        try:
            number = int(number)
        except (TypeError, ValueError):
            return super().page(number)
        if not 1 <= number <= self.MAX_WINDOW_PAGE:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list.annotate(window_total=Window(Count("*")))[bottom : bottom + self.per_page])
        if not rows:
            return super().page(number)
        first = rows[0]
        self.count = first["window_total"] if isinstance(first, dict) else first.window_total
        return self._get_page(rows, number, self)


class WindowCountPagination(PageNumberPagination):
    """`PageNumberPagination` with the total counted in the page query (`WindowCountPaginator`)."""

    django_paginator_class = WindowCountPaginator
