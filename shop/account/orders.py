"""The customer's orders ("Mes commandes"): the list, an order with its lines, history and locker, cancelling it and
changing it before its cutoff.

The pages call the orders' selectors and services the API calls (`order_list`, `order_get`, `order_cancel`,
`order_modify`): the cutoff and status rules, the stock and the prices are theirs. Only the customer's own orders
are shown, staff included (their work on others' orders is in the API and the admin): another's is a 404.
"""

from __future__ import annotations

import re
import uuid
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from catalogue import selectors as catalogue_selectors
from catalogue.selectors import ProductFilters
from ecopole.core.exceptions import ApplicationError, NotFound
from ecopole.core.formats import plain_decimal
from orders import selectors as order_selectors
from orders.models import OrderStatus
from orders.services.grocery import LineRequest, order_cancel
from orders.services.modify import order_is_modifiable, order_modify
from orders.services.payment import order_payment_progress

from ..cart import parse_quantity
from ..views import html_not_found

ORDERS_PER_PAGE = 20
QUANTITY_FIELD = re.compile(r"quantite-\d{1,18}")


def _own_order(request: HttpRequest, order_id: int):
    """The customer's own order with its lines, history and lockers; anyone else's is a 404."""
    try:
        order = order_selectors.order_get(user=request.user, order_id=order_id)
    except NotFound as error:
        raise Http404 from error
    if order.customer_id != request.user.pk:
        raise Http404
    return order


def order_is_cancellable(order, *, now=None) -> bool:
    """What `order_cancel` allows a customer: a placed order before its cutoff."""
    return order.status == OrderStatus.PLACED and (now or timezone.now()) < order.cutoff_at


@login_required
@require_GET
def order_list(request: HttpRequest) -> HttpResponse:
    orders = order_selectors.order_list(user=request.user).filter(customer=request.user)
    page = Paginator(orders, ORDERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "shop/account/order_list.html", {"page": page})


@login_required
@require_GET
@html_not_found
def order_detail(request: HttpRequest, order_id: int) -> HttpResponse:
    order = _own_order(request, order_id)
    reservations = order.locker_reservations.all()
    return render(
        request,
        "shop/account/order_detail.html",
        {
            "order": order,
            "locker": reservations[0] if reservations else None,
            "cancellable": order_is_cancellable(order),
            "modifiable": order_is_modifiable(order),
            "proofs": [stop for stop in order.delivered_stops if stop.has_proof],  # prefetched by order_get
            "paid_part": _paid_part(order),
        },
    )


def _paid_part(order) -> dict | None:
    """Part of an unpaid order paid already, and what is left to pay at pickup (None when nothing or all is paid)."""
    paid, left = order_payment_progress(order)
    return {"paid": paid, "left": left} if paid > 0 and left > 0 else None


@login_required
@require_http_methods(["GET", "POST"])
@html_not_found
def order_cancel_view(request: HttpRequest, order_id: int) -> HttpResponse:
    """A confirmation step (GET), then the cancellation (POST), refused after the cutoff with the service's message."""
    order = _own_order(request, order_id)
    if request.method == "POST":
        try:
            order_cancel(order_id=order.pk, actor=request.user, note="")
        except ApplicationError as error:
            messages.error(request, error.detail)
            return redirect("account:order-detail", order_id=order.pk)
        messages.success(request, _("Your order no. {number} is cancelled.").format(number=order.pk))
        return redirect("account:order-detail", order_id=order.pk)
    if not order_is_cancellable(order):
        messages.error(request, _("This order can no longer be cancelled online: please contact the Ecopôle."))
        return redirect("account:order-detail", order_id=order.pk)
    return render(request, "shop/account/order_cancel.html", {"order": order})


def _addable_products(request: HttpRequest, order):
    in_order = {line.product_id for line in order.lines.all()}
    products = catalogue_selectors.product_list(user=request.user, filters=ProductFilters(available=True))
    return list(products.exclude(pk__in=in_order).order_by("name"))


@login_required
@require_http_methods(["GET", "POST"])
@html_not_found
def order_modify_view(request: HttpRequest, order_id: int) -> HttpResponse:
    """A form with the quantity of every line (0 removes it) and a product to add. The request carries an
    idempotency key made when the form was shown, so a double submission changes the order once."""
    order = _own_order(request, order_id)
    if not order_is_modifiable(order):
        messages.error(request, _("This order can no longer be changed online: please contact the Ecopôle."))
        return redirect("account:order-detail", order_id=order.pk)
    lines = list(order.lines.all())
    errors: dict[str, str] = {}
    values = {f"quantite-{line.product_id}": plain_decimal(line.quantity) for line in lines}
    form_error = ""
    status = 200
    if request.method == "POST":
        values = {key: request.POST.get(key, "") for key in values}
        add_product = request.POST.get("ajout-produit", "")
        add_quantity = request.POST.get("ajout-quantite", "").strip()
        values["ajout-produit"], values["ajout-quantite"] = add_product, add_quantity
        requested: list[LineRequest] = []
        # The lines as posted, not as the order has them now: a double submission is the same request (replayed).
        posted = {key: text for key, text in request.POST.items() if QUANTITY_FIELD.fullmatch(key)}
        for key, text in posted.items():
            text = text.strip()
            if _is_zero(text):
                continue  # 0 removes the line
            quantity = parse_quantity(text)
            if quantity is None:
                errors[key] = _("Give a quantity (0 removes the line).")
                continue
            requested.append(LineRequest(int(key.split("-", 1)[1]), quantity))
        if add_product:
            quantity = parse_quantity(add_quantity)
            if not add_product.isdigit():
                errors["ajout-produit"] = _("Choose a product from the list.")
            elif quantity is None:
                errors["ajout-quantite"] = _("Give the quantity of the product to add.")
            else:
                requested.append(LineRequest(int(add_product), quantity))
        if not errors:
            try:
                result = order_modify(
                    order_id=order.pk,
                    actor=request.user,
                    lines=requested,
                    idempotency_key=request.POST.get("cle", "")[:255] or None,
                )
            except ApplicationError as error:
                field = _field_of(error, lines)
                if field:
                    errors[field] = error.detail
                else:
                    form_error = error.detail
            else:
                if result.changed or result.replayed:
                    messages.success(request, _("Your order no. {number} was changed.").format(number=order.pk))
                else:
                    messages.info(request, _("Nothing changed in your order."))
                return redirect("account:order-detail", order_id=order.pk)
        status = 400
    return render(
        request,
        "shop/account/order_modify.html",
        {
            "order": order,
            "lines": [(line, f"quantite-{line.product_id}") for line in lines],
            "values": values,
            "errors": errors,
            "form_error": form_error or (_("Please correct the fields marked below.") if errors else ""),
            "products": _addable_products(request, order),
            "key": uuid.uuid4().hex,
        },
        status=status,
    )


def _field_of(error: ApplicationError, lines) -> str:
    """The form field a service's error is about (a product's quantity), or "" for the whole form."""
    product = error.extra.get("product")
    if product is None:
        return ""
    if any(line.product_id == product for line in lines):
        return f"quantite-{product}"
    return "ajout-quantite"


def _is_zero(text: str) -> bool:
    try:
        return Decimal(text.replace(",", ".")) == 0
    except InvalidOperation:
        return False
