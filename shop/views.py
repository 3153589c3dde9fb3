"""Pages of the web shop. Each view parses the query, calls the catalogue's or the orders' selectors (the same ones
the API calls: no rule is written twice, no page calls the API over HTTP) and renders a template.

htmx only makes the pages smoother: a request it sends for the catalogue gets the results fragment, every other
request the whole page, so each page works the same with JavaScript off.
"""

from __future__ import annotations

import functools

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from catalogue import selectors as catalogue_selectors
from catalogue.filters import ProductFilterSerializer
from catalogue.selectors import ProductFilters
from orders import basket_selectors
from orders.selectors import delivery_places_open

# Products per catalogue page: a multiple of 2, 3 and 4 so the grid fills its rows on every screen width.
PAGE_SIZE = 24
# What the home page shows of the season and of the next delivery days.
HOME_SEASON_PRODUCTS = 8
HOME_DATES_PER_PLACE = 2
FILTER_NAMES = ("category", "producer", "organic", "in_season", "available", "search", "ordering")


def _filters_from_query(request: HttpRequest) -> tuple[ProductFilters, dict, list[str]]:
    """The catalogue filters of the query string, parsed by the API's own filter serializer.

    A parameter that does not parse is left out (and named in the returned list) rather than failing the page:
    a stale bookmark still shows the catalogue."""
    raw = {name: request.GET[name] for name in FILTER_NAMES if request.GET.get(name, "").strip()}
    serializer = ProductFilterSerializer(data=raw)
    if serializer.is_valid():
        return serializer.to_filters(), raw, []
    invalid = sorted(serializer.errors)
    kept = {name: value for name, value in raw.items() if name not in serializer.errors}
    serializer = ProductFilterSerializer(data=kept)
    serializer.is_valid()
    return ProductFilters(**serializer.validated_data), kept, invalid


def html_not_found(view):
    """A page that does not exist is a 404 page of the shop: the project's 404 handler answers in JSON for the API."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except Http404:
            return render(request, "shop/not_found.html", status=404)

    return wrapper


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    places = delivery_places_open()
    for place in places:
        place["dates"] = place["dates"][:HOME_DATES_PER_PLACE]
    season = catalogue_selectors.product_list(
        user=request.user, filters=ProductFilters(in_season=True, available=True)
    )[:HOME_SEASON_PRODUCTS]
    return render(
        request,
        "shop/home.html",
        {"places": places, "offers": list(basket_selectors.offer_list()), "season_products": list(season)},
    )


@require_GET
def product_list(request: HttpRequest) -> HttpResponse:
    filters, query, invalid = _filters_from_query(request)
    products = catalogue_selectors.product_list(user=request.user, filters=filters)
    page = Paginator(products, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "query": query,
        "invalid": invalid,
        "categories": list(catalogue_selectors.category_list()),
        "producers": list(catalogue_selectors.producer_list().only("name", "slug")),
        "orderings": ORDERING_LABELS,
    }
    if getattr(request, "htmx", False) and request.htmx.target == "resultats":
        return render(request, "shop/_product_results.html", context)
    return render(request, "shop/product_list.html", context)


@require_GET
@html_not_found
def product_detail(request: HttpRequest, pk: int) -> HttpResponse:
    product = catalogue_selectors.product_get(user=request.user, pk=pk)
    return render(request, "shop/product_detail.html", {"product": product})


@require_GET
def producer_list(request: HttpRequest) -> HttpResponse:
    return render(request, "shop/producer_list.html", {"producers": list(catalogue_selectors.producer_list())})


@require_GET
@html_not_found
def producer_detail(request: HttpRequest, slug: str) -> HttpResponse:
    producer = catalogue_selectors.producer_get(slug=slug)
    products = catalogue_selectors.product_list(user=request.user, filters=ProductFilters(producer=slug))
    return render(request, "shop/producer_detail.html", {"producer": producer, "products": list(products)})


ORDERING_LABELS = [
    ("name", _("Name, A to Z")),
    ("price", _("Price, lowest first")),
    ("-price", _("Price, highest first")),
    ("distance", _("Nearest producers first")),
]
