"""An order placed by staff for a customer who phones (/equipe/commandes/nouvelle/): find the customer, add
products, choose a pickup point or home delivery and a date, place it. The order is the customer's (it shows in
their account) and its history says who placed it: `order_place(customer=…, placed_by=…)`, the service the API's
`POST /api/v1/orders/` with `customer` calls."""

from __future__ import annotations

import contextlib
import uuid
from datetime import date

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from ecopole.core.exceptions import ApplicationError
from orders import selectors as order_selectors
from orders.models import Fulfilment
from orders.services.grocery import HomeAddress, LineRequest, order_place

from .access import preparer_or_manager_page
from .drafts import draft_clear, draft_lines, draft_remove, draft_rows
from .views import staff_render
from .views_counter import add_line, product_search

DRAFT = "order"


def _customer(request):
    try:
        customer_id = int(request.GET.get("client") or request.POST.get("client") or 0)
    except ValueError:
        return None
    return order_selectors.customer_for_staff_order(customer_id=customer_id) if customer_id else None


def _place_choices() -> list[dict]:
    """Every pickup point and zone with its open dates, as the choices of one select ("pickup:3:2026-12-11")."""
    groups = []
    for place in order_selectors.delivery_places_open():
        pickup = place["type"] == Fulfilment.PICKUP
        where = place["pickup_point"] if pickup else place["zone"]
        groups.append(
            {
                "label": (_("Pickup: {name}") if pickup else _("Home delivery: {name}")).format(name=where.name),
                "options": [
                    {"value": f"{place['type']}:{where.pk}:{day.date.isoformat()}", "date": day.date}
                    for day in place["dates"]
                ],
            }
        )
    return groups


@require_http_methods(["GET", "POST"])
@preparer_or_manager_page
def order_new(request):
    customer = _customer(request)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "add":
            add_line(request, DRAFT)
        elif action == "remove":
            with contextlib.suppress(ValueError):
                draft_remove(request.session, DRAFT, product_id=int(request.POST.get("produit", "")))
        target = redirect("staff:order-new")
        if customer is not None:
            target["Location"] += f"?client={customer.pk}"
        return target
    q = request.GET.get("q", "")
    rows = draft_rows(request.session, DRAFT, user=request.user)
    return staff_render(
        request,
        "staff/order_new.html",
        {
            "customer": customer,
            "customer_q": request.GET.get("qui", ""),
            "customers": order_selectors.customer_search(text=request.GET.get("qui", "")) if customer is None else [],
            "q": q,
            "results": product_search(user=request.user, text=q) if customer is not None else [],
            "rows": rows,
            "estimate": sum((row["amount"] for row in rows), 0),
            "places": _place_choices() if customer is not None and rows else [],
            "key": uuid.uuid4().hex,
        },
    )


@require_POST
@preparer_or_manager_page
def order_place_for_customer(request):
    customer = _customer(request)
    if customer is None:
        messages.error(request, _("Choose the customer first."))
        return redirect("staff:order-new")
    back = redirect("staff:order-new")
    back["Location"] += f"?client={customer.pk}"
    try:
        kind, place_id, day = request.POST.get("lieu", "").split(":")
        place_id = int(place_id)
        day = date.fromisoformat(day)
    except ValueError:
        messages.error(request, _("Choose where and when."))
        return back
    address = None
    if kind == Fulfilment.HOME:
        street = request.POST.get("adresse", "").strip()[:255]
        commune = request.POST.get("commune", "").strip()[:100]
        if not street or not commune:
            messages.error(request, _("Type the delivery address and its commune."))
            return back
        address = HomeAddress(street, request.POST.get("code_postal", "").strip()[:10], commune)
    lines = [LineRequest(pid, quantity) for pid, quantity in draft_lines(request.session, DRAFT).items()]
    if not lines:
        messages.error(request, _("Add at least one product."))
        return back
    try:
        placement = order_place(
            customer=customer,
            placed_by=request.user,
            lines=lines,
            fulfilment=kind if kind in Fulfilment.values else Fulfilment.PICKUP,
            pickup_point_id=place_id if kind == Fulfilment.PICKUP else None,
            address=address,
            delivery_date=day,
            note=request.POST.get("note", "").strip()[:500],
            idempotency_key=(request.POST.get("cle", "") or None) and request.POST["cle"][:64],
        )
    except ApplicationError as error:
        messages.error(request, error.detail)
        return back
    draft_clear(request.session, DRAFT)
    messages.success(
        request,
        _("Order no. {number} placed for {customer}.").format(
            number=placement.order.pk, customer=customer.get_full_name()
        ),
    )
    return redirect("staff:preparation-order", order_id=placement.order.pk)
