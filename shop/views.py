"""Pages of the web shop. Each view parses the query, calls the catalogue's or the orders' selectors (the same ones
the API calls: no rule is written twice, no page calls the API over HTTP) and renders a template.

htmx only makes the pages smoother: a request it sends for the catalogue gets the results fragment, every other
request the whole page, so each page works the same with JavaScript off.
"""

from __future__ import annotations

import functools
from decimal import Decimal

from django.contrib import messages
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from baskets import selectors as basket_selectors
from catalogue import selectors as catalogue_selectors
from catalogue.filters import ProductFilterSerializer
from catalogue.selectors import ProductFilters
from ecopole.core.pagination import WindowCountPaginator
from orders.errors import InvalidQuantity
from orders.selectors import delivery_places_open

from . import cart as shop_cart
from .cards import product_cards

# Products per catalogue page: a multiple of 2, 3 and 4 so the grid fills its rows on every screen width.
PAGE_SIZE = 24
# `?page_size=` lets a link (and the benchmark) ask for up to the API's maximum at once.
MAX_PAGE_SIZE = 100
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
    season = catalogue_selectors.product_card_rows(
        user=request.user, filters=ProductFilters(in_season=True, available=True)
    )[:HOME_SEASON_PRODUCTS]
    return render(
        request,
        "shop/home.html",
        {"places": places, "offers": list(basket_selectors.offer_list()), "cards": product_cards(season)},
    )


@require_GET
def product_list(request: HttpRequest) -> HttpResponse:
    filters, query, invalid = _filters_from_query(request)
    products = catalogue_selectors.product_card_rows(user=request.user, filters=filters)
    size = request.GET.get("page_size", "")
    page_size = int(size) if size.isascii() and size.isdigit() and 0 < int(size) <= MAX_PAGE_SIZE else PAGE_SIZE
    if page_size != PAGE_SIZE:
        query = {**query, "page_size": str(page_size)}  # kept by the pagination links
    # The total comes with the page (`COUNT(*) OVER ()`, as the API's list): one query instead of two.
    paginator = WindowCountPaginator(products, page_size)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except (EmptyPage, PageNotAnInteger):
        page = paginator.get_page(request.GET.get("page"))
    context = {
        "page": page,
        "cards": product_cards(page.object_list),
        "filters": filters,
        "query": query,
        "invalid": invalid,
        "categories": list(catalogue_selectors.category_list().values("name", "slug")),
        "producers": list(catalogue_selectors.producer_list().values("name", "slug")),
        "orderings": ORDERING_LABELS,
    }
    if getattr(request, "htmx", False) and request.htmx.target == "resultats":
        return render(request, "shop/_product_results.html", context)
    return render(request, "shop/product_list.html", context)


@require_GET
@html_not_found
def product_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _product_page(request, catalogue_selectors.product_get(user=request.user, pk=pk))


@require_GET
def producer_list(request: HttpRequest) -> HttpResponse:
    return render(request, "shop/producer_list.html", {"producers": list(catalogue_selectors.producer_list())})


@require_GET
@html_not_found
def producer_detail(request: HttpRequest, slug: str) -> HttpResponse:
    producer = catalogue_selectors.producer_get(slug=slug)
    products = catalogue_selectors.product_card_rows(user=request.user, filters=ProductFilters(producer=slug))
    return render(request, "shop/producer_detail.html", {"producer": producer, "cards": product_cards(products)})


ORDERING_LABELS = [
    ("name", _("Name, A to Z")),
    ("price", _("Price, lowest first")),
    ("-price", _("Price, highest first")),
    ("distance", _("Nearest producers first")),
]


def _product_page(request: HttpRequest, product, *, quantity_error: str = "", quantity: str = "", status: int = 200):
    return render(
        request,
        "shop/product_detail.html",
        {"product": product, "quantity_error": quantity_error, "quantity": quantity},
        status=status,
    )


@require_POST
@html_not_found
def cart_add(request: HttpRequest) -> HttpResponse:
    """Add to the cart from a product page: POST/redirect/GET; a quantity off the product's step or minimum comes
    back on the product page, next to the field, with the orders' own message."""
    product_id = request.POST.get("product", "")
    if not product_id.isdigit():
        raise Http404
    product = catalogue_selectors.product_get(user=request.user, pk=int(product_id))
    text = request.POST.get("quantity", "")
    quantity = shop_cart.parse_quantity(text)
    try:
        if quantity is None:
            raise InvalidQuantity(
                product=product.pk,
                product_name=product.name,
                quantity=text,
                minimum=product.minimum_quantity,
                step=product.quantity_step,
            )
        shop_cart.cart_add(request.session, product=product, quantity=quantity)
    except InvalidQuantity as error:
        return _product_page(request, product, quantity_error=str(error.detail), quantity=text, status=400)
    messages.success(request, _("“{name}” is in your cart.").format(name=product.name))
    return redirect(reverse("shop:product-detail", args=[product.pk]))


@require_GET
def cart_detail(request: HttpRequest) -> HttpResponse:
    lines = shop_cart.cart_lines(request.session, user=request.user)
    subtotal = sum((line.estimated_total for line in lines), start=Decimal("0.00"))
    deposit = shop_cart.cart_deposit(lines)
    total = subtotal + (deposit.amount if deposit else Decimal("0.00"))
    return render(request, "shop/cart.html", {"lines": lines, "subtotal": subtotal, "deposit": deposit, "total": total})


@require_POST
def cart_update(request: HttpRequest) -> HttpResponse:
    product_id = request.POST.get("product", "")
    if product_id.isdigit():
        if "remove" in request.POST:
            shop_cart.cart_remove(request.session, product_id=int(product_id))
            messages.success(request, _("The product was removed from your cart."))
        else:
            lines = {line.product.pk: line for line in shop_cart.cart_lines(request.session, user=request.user)}
            line = lines.get(int(product_id))
            quantity = shop_cart.parse_quantity(request.POST.get("quantity", ""))
            if line is not None:
                try:
                    if quantity is None:
                        raise InvalidQuantity(
                            product=line.product.pk,
                            product_name=line.product.name,
                            quantity=request.POST.get("quantity", ""),
                            minimum=line.product.minimum_quantity,
                            step=line.product.quantity_step,
                        )
                    shop_cart.cart_set(request.session, product=line.product, quantity=quantity)
                    messages.success(request, _("Your cart was updated."))
                except InvalidQuantity as error:
                    messages.error(request, str(error.detail))
    return redirect("shop:cart")
