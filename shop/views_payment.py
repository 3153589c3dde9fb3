"""Paying an order from the shop: the methods the order allows (`orders.services.payment.order_payment_methods`:
online card when Stripe is configured, the balance when it covers a final amount, at pickup always), through the
same services as the API would.

The card is typed into Stripe's own field (Stripe.js, from js.stripe.com: the one external script of the project,
allowed by this page's Content-Security-Policy only), so card numbers never reach our server; Stripe then tells
us by its signed webhook, which marks the order paid. Without JavaScript the card cannot be typed: the page says
so and the other methods stay.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ecopole.core.csp import policy_with_stripe
from ecopole.core.exceptions import ApplicationError, NotFound
from orders.selectors import order_get
from orders.services.payment import order_balance_pay, order_card_payment_start, order_payment_methods
from payments.models import DifferenceTo, Provider
from payments.selectors import balance_of

from .views import html_not_found


@require_http_methods(["GET", "POST"])
@html_not_found
def order_payment(request: HttpRequest, order_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    try:
        order = order_get(user=request.user, order_id=order_id)
        if order.customer_id != request.user.pk:
            raise NotFound()
        methods = order_payment_methods(order_id=order.pk, actor=request.user)
    except NotFound as error:
        raise Http404 from error
    thanks = reverse("shop:checkout-thanks", kwargs={"order_id": order.pk})
    error = ""
    if request.method == "POST":
        method = request.POST.get("method", "")
        difference_to = request.POST.get("difference_to", DifferenceTo.CARD)
        if difference_to not in DifferenceTo.values:
            difference_to = DifferenceTo.CARD
        try:
            if method == Provider.COUNTER:
                messages.info(request, _("You will pay when you collect your order."))
                return redirect(thanks)
            if method == Provider.BALANCE and method in methods:
                order_balance_pay(order_id=order.pk, actor=request.user)
                messages.success(request, _("Your order is paid with your balance."))
                return redirect(thanks)
            if method == Provider.STRIPE and method in methods:
                checkout = order_card_payment_start(order_id=order.pk, actor=request.user, difference_to=difference_to)
                response = render(
                    request,
                    "shop/checkout/card.html",
                    {"order": order, "checkout": checkout, "return_url": request.build_absolute_uri(thanks)},
                )
                response["Content-Security-Policy"] = policy_with_stripe()
                return response
            error = _("Choose one of the ways of paying offered.")
        except ApplicationError as refusal:
            error = refusal.detail
    context = {
        "order": order,
        "methods": methods,
        "balance": balance_of(customer_id=request.user.pk),
        "weighed": order.lines.filter(sold_by_weight=True).exists(),
        "margin": settings.PAYMENTS_WEIGHT_MARGIN_PERCENT,
        "error": error,
    }
    return render(request, "shop/checkout/payment.html", context, status=400 if error else 200)
