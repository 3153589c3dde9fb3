from rest_framework.pagination import PageNumberPagination as DrfPageNumberPagination


class PageNumberPagination(DrfPageNumberPagination):
    """Page-number pagination with a client-chosen size capped at `max_page_size`.

    An out-of-range page raises DRF's NotFound, rendered as a 404 `not_found` (never silently page 1).
    """

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
