"""The preparation bench (/equipe/preparation/), on a tablet: the day's orders and baskets by place, the picking list,
and per order the weighing of variable-weight lines, the move to "ready", the label and the locker.

Every change goes through the orders' services the API calls (`order_transition`, `order_prepared_quantities_set`,
`order_locker_load`); the reads through the orders' and baskets' selectors. Plain forms, POST/redirect/GET."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from ecopole.core.exceptions import ApplicationError, NotFound
from orders import selectors as order_selectors
from orders.models import Fulfilment, OrderStatus, PaymentMethod, PaymentStatus
from orders.services.counter import COUNTER_PAYMENT_METHODS
from orders.services.grocery import order_payment_record, order_prepared_quantities_set, order_transition
from orders.services.locker import order_is_for_machine, order_locker_load
from orders.services.payment import order_payment_progress, order_voucher_pay
from orders.services.pricing import line_amounts
from payments.selectors import voucher_partners_active

from . import selectors
from .access import preparer_or_manager_page
from .views import parse_day, parse_money, parse_quantity, staff_render

ROWS_PER_PAGE = 50


@require_GET
@preparer_or_manager_page
def dashboard(request):
    figures = selectors.dashboard_figures(user=request.user, day=timezone.localdate())
    return staff_render(request, "staff/dashboard.html", figures)


@require_GET
@preparer_or_manager_page
def preparation(request):
    day = parse_day(request.GET.get("date"))
    board = selectors.preparation_board(user=request.user, day=day)
    picking = [
        order_selectors.preparation_row(row)
        for row in order_selectors.preparation_rows(delivery_date=day, by="product")
    ]
    return staff_render(request, "staff/preparation.html", {**board, "picking": picking})


@require_GET
@preparer_or_manager_page
def preparation_by_place(request):
    """The picking list per pickup point or zone and product, a page at a time (the rows the API pages)."""
    day = parse_day(request.GET.get("date"))
    rows = order_selectors.PreparationDestinationRows(day, order_selectors.preparation_destinations(delivery_date=day))
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    return staff_render(
        request,
        "staff/preparation_by_place.html",
        {"day": day, "page": page, "rows": [order_selectors.preparation_row(row) for row in page.object_list]},
    )


def _order(request, order_id: int):
    try:
        return order_selectors.order_get(user=request.user, order_id=order_id)
    except NotFound as error:
        raise Http404 from error


def _weighing_lines(order, typed: dict | None = None, errors: dict | None = None) -> list[dict]:
    lines = []
    for line in order.lines.all():
        lines.append(
            {
                "line": line,
                "field": f"poids-{line.pk}",
                "value": (typed or {}).get(line.pk, "" if line.prepared_quantity is None else line.prepared_quantity),
                "error": (errors or {}).get(line.pk),
                "estimate": line_amounts(
                    unit_price=line.unit_price, quantity=line.quantity, vat_rate=line.vat_rate, deposit=line.deposit
                ).line_total,
            }
        )
    return lines


def _order_context(request, order, **extra) -> dict:
    machine = order_is_for_machine(order)
    return {
        "order": order,
        "lines": extra.pop("lines", None) or _weighing_lines(order),
        "stop": selectors.order_stop(order),
        "for_machine": machine,
        "lockers": selectors.free_lockers(pickup_point_id=order.pickup_point_id) if machine else [],
        "in_locker": next((r for r in order.locker_reservations.all() if r.is_active), None),
        "can_start": order.status == OrderStatus.PLACED,
        "can_weigh": order.status == OrderStatus.PREPARING and any(line.sold_by_weight for line in order.lines.all()),
        "can_mark_ready": order.status == OrderStatus.PREPARING and order.fulfilment == Fulfilment.PICKUP,
        **_handover_context(order, machine),
        **extra,
    }


def _handover_context(order, machine: bool) -> dict:
    """At the pickup counter: what is paid already, what is left to take, and the hand-over once the order is ready
    (an order for the vending machine is handed over by its locker)."""
    if order.status != OrderStatus.READY or order.fulfilment != Fulfilment.PICKUP or machine:
        return {"can_hand_over": False}
    paid, left = order_payment_progress(order)
    return {
        "can_hand_over": True,
        "paid_already": paid,
        "left_to_pay": left,
        "payment_methods": [(m, PaymentMethod(m).label) for m in COUNTER_PAYMENT_METHODS],
        "voucher_partners": voucher_partners_active() if left else [],
    }


@require_GET
@preparer_or_manager_page
def order_detail(request, order_id: int):
    order = _order(request, order_id)
    return staff_render(request, "staff/preparation_order.html", _order_context(request, order))


@require_GET
@preparer_or_manager_page
def order_label(request, order_id: int):
    order = _order(request, order_id)
    return staff_render(request, "staff/order_label.html", {"order": order, "stop": selectors.order_stop(order)})


@require_POST
@preparer_or_manager_page
def order_start(request, order_id: int):
    _order(request, order_id)
    return _transition(request, order_id, OrderStatus.PREPARING, _("Preparation started."))


@require_POST
@preparer_or_manager_page
def order_ready(request, order_id: int):
    _order(request, order_id)
    return _transition(request, order_id, OrderStatus.READY, _("The order is prepared: ready for pickup."))


@require_POST
@preparer_or_manager_page
def order_pay(request, order_id: int):
    """The customer pays what is left at the pickup counter (cash, card terminal, cheque): payments' counter
    provider records only what is still due (`order_payment_record`)."""
    _order(request, order_id)
    method = request.POST.get("moyen", "")
    if method not in COUNTER_PAYMENT_METHODS:
        messages.error(request, _("Choose how the customer paid."))
        return redirect("staff:preparation-order", order_id=order_id)
    try:
        order_payment_record(
            order_id=order_id, payment_status=PaymentStatus.PAID, payment_method=method, actor=request.user
        )
    except ApplicationError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, _("Payment recorded."))
    return redirect("staff:preparation-order", order_id=order_id)


@require_POST
@preparer_or_manager_page
def order_voucher(request, order_id: int):
    """A food-aid voucher handed over for the order: it pays what is due, the rest goes to the customer's balance."""
    _order(request, order_id)
    number = request.POST.get("numero", "").strip()
    value = parse_money(request.POST.get("valeur", ""))
    partner = request.POST.get("partenaire", "")
    if not number or value is None or value <= 0 or not partner.isdigit():
        messages.error(request, _("Give the voucher's partner, its number and its value (e.g. 10,00)."))
        return redirect("staff:preparation-order", order_id=order_id)
    try:
        voucher = order_voucher_pay(
            order_id=order_id, partner_id=int(partner), number=number, value=value, actor=request.user
        )
    except (ApplicationError, NotFound) as error:
        messages.error(request, error.detail)
    else:
        paid = voucher.payment.amount if voucher.payment_id else Decimal("0.00")
        messages.success(
            request,
            _("Voucher %(number)s recorded: %(paid)s € paid the order, %(credited)s € credited to the balance.")
            % {
                "number": voucher.number,
                "paid": number_format(paid, 2),
                "credited": number_format(voucher.value - paid, 2),
            },
        )
    return redirect("staff:preparation-order", order_id=order_id)


@require_POST
@preparer_or_manager_page
def order_hand_over(request, order_id: int):
    _order(request, order_id)
    return _transition(request, order_id, OrderStatus.FULFILLED, _("The order is handed over."))


def _transition(request, order_id: int, target: str, done: str):
    try:
        order_transition(order_id=order_id, target=target, actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.detail)
    else:
        messages.success(request, done)
    return redirect("staff:preparation-order", order_id=order_id)


@require_POST
@preparer_or_manager_page
def order_weigh(request, order_id: int):
    order = _order(request, order_id)
    typed, errors, quantities = {}, {}, {}
    for line in order.lines.all():
        if not line.sold_by_weight:
            continue
        text = request.POST.get(f"poids-{line.pk}", "").strip()
        typed[line.pk] = text
        if not text:
            continue
        quantity = parse_quantity(text, allow_zero=True)
        if quantity is None:
            errors[line.pk] = _("Type a weight in kilograms, e.g. 1,25.")
        else:
            quantities[line.pk] = quantity
    if not errors and quantities:
        try:
            order_prepared_quantities_set(order_id=order.pk, quantities=quantities, actor=request.user)
        except ApplicationError as error:
            messages.error(request, error.detail)
        else:
            messages.success(request, _("Weights saved: the order's total is updated."))
            return redirect("staff:preparation-order", order_id=order.pk)
    elif not errors:
        messages.error(request, _("Type at least one weight."))
    context = _order_context(request, order, lines=_weighing_lines(order, typed, errors))
    return staff_render(request, "staff/preparation_order.html", context, status=400)


@require_POST
@preparer_or_manager_page
def order_locker(request, order_id: int):
    _order(request, order_id)
    code = request.POST.get("casier", "").strip()[:20]
    try:
        order_locker_load(order_id=order_id, compartment_code=code, actor=request.user)
    except ApplicationError as error:
        messages.error(request, error.detail)
    else:
        messages.success(
            request, _("Loaded in locker {code}: the customer gets their code by email.").format(code=code)
        )
    return redirect("staff:preparation-order", order_id=order_id)
