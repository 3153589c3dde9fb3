"""The épicerie's counter (/equipe/comptoir/): a manager or a preparer sells to a walk-in customer.

Search a product by name, or scan it: the same text input takes a product number (the catalogue has no EAN yet; a
barcode scanner typing digits then Enter lands here). Lines wait in the session; "Encaisser" records the sale with
its payment method through `orders.services.counter.counter_sale_record` (the stock ledger, reason `counter_sale`)
and shows the printable receipt."""

from __future__ import annotations

import contextlib
import re

from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from catalogue.selectors import ProductFilters, product_list
from ecopole.core.exceptions import ApplicationError
from orders import selectors as order_selectors
from orders.models import PaymentMethod
from orders.services.counter import COUNTER_PAYMENT_METHODS, counter_sale_record
from orders.services.grocery import LineRequest, line_quantity_check

from .access import preparer_or_manager_page
from .drafts import draft_clear, draft_lines, draft_remove, draft_rows, draft_set
from .views import parse_quantity, staff_render

DRAFT = "counter"
SEARCH_RESULTS = 20
PRODUCT_NUMBER = re.compile(r"\d{1,9}")


def product_search(*, user, text: str) -> list:
    """Active products matching `text`: a product number (scanned or typed) finds that product, words search the
    catalogue's names. One query, at most 20 products."""
    text = text.strip()[:100]
    if not text:
        return []
    products = product_list(user=user).filter(is_active=True)
    if PRODUCT_NUMBER.fullmatch(text):
        return list(products.filter(pk=int(text)))
    return list(product_list(user=user, filters=ProductFilters(search=text)).filter(is_active=True)[:SEARCH_RESULTS])


def add_line(request, name: str) -> None:
    """Add the posted product and quantity to the draft `name`, or say in a message why not."""
    try:
        product = product_list(user=request.user).filter(is_active=True).get(pk=int(request.POST.get("produit", "")))
    except (ValueError, ObjectDoesNotExist):  # not a number, unknown or inactive product
        messages.error(request, _("This product is not sold."))
        return
    quantity = parse_quantity(request.POST.get("quantite"))
    if quantity is None:
        messages.error(request, _("Type a quantity, e.g. 2 or 1,5."))
        return
    try:
        line_quantity_check(product=product, quantity=quantity)
    except ApplicationError as error:
        messages.error(request, error.detail)
        return
    if not draft_set(request.session, name, product_id=product.pk, quantity=quantity):
        messages.error(request, _("Too many lines."))
        return
    messages.success(request, _("{product} added.").format(product=product.name))


@require_http_methods(["GET", "POST"])
@preparer_or_manager_page
def counter(request):
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "add":
            add_line(request, DRAFT)
        elif action == "remove":
            with contextlib.suppress(ValueError):
                draft_remove(request.session, DRAFT, product_id=int(request.POST.get("produit", "")))
        elif action == "clear":
            draft_clear(request.session, DRAFT)
        return redirect("staff:counter")
    text = request.GET.get("q", "")
    rows = draft_rows(request.session, DRAFT, user=request.user)
    return staff_render(
        request,
        "staff/counter.html",
        {
            "q": text,
            "results": product_search(user=request.user, text=text),
            "rows": rows,
            "estimate": sum((row["amount"] for row in rows), 0),
            "methods": [(m, PaymentMethod(m).label) for m in COUNTER_PAYMENT_METHODS],
        },
    )


@require_POST
@preparer_or_manager_page
def counter_checkout(request):
    method = request.POST.get("paiement", "")
    if method not in COUNTER_PAYMENT_METHODS:
        messages.error(request, _("Choose how the customer pays."))
        return redirect("staff:counter")
    lines = [LineRequest(pid, quantity) for pid, quantity in draft_lines(request.session, DRAFT).items()]
    try:
        sale = counter_sale_record(seller=request.user, lines=lines, payment_method=method)
    except ApplicationError as error:
        messages.error(request, error.detail)
        return redirect("staff:counter")
    draft_clear(request.session, DRAFT)
    messages.success(request, _("Sale recorded."))
    return redirect("staff:counter-receipt", sale_id=sale.pk)


@require_GET
@preparer_or_manager_page
def counter_receipt(request, sale_id: int):
    sale = order_selectors.counter_sale_get(sale_id=sale_id)
    if sale is None:
        raise Http404
    return staff_render(request, "staff/counter_receipt.html", {"sale": sale})
