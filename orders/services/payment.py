"""The grocery's side of payments: what payments tells an order (a confirmed or refunded payment, `ports`), and
the card payment of an order opened with the order's own amounts (plain data to payments)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from ecopole.core.exceptions import NotFound
from ecopole.core.locking import lock_one
from payments.errors import ProviderUnavailable
from payments.models import DifferenceTo, Method, Provider
from payments.ports import PaymentNews, PaymentOutcome
from payments.selectors import amount_kept, payment_methods_for
from payments.services.balance import balance_pay
from payments.services.card import CardCheckout, card_payment_start

from ..errors import PaymentNotAllowed
from ..models import Order, OrderEvent, OrderEventKind, OrderStatus, PaymentMethod, PaymentStatus

SOURCE = "order"

METHODS = {
    Method.ONLINE_CARD: PaymentMethod.CARD,
    Method.CARD: PaymentMethod.CARD,
    Method.CASH: PaymentMethod.CASH,
    Method.CHEQUE: PaymentMethod.CHEQUE,
    Method.VOUCHER: PaymentMethod.VOUCHER,
    Method.BALANCE: PaymentMethod.BALANCE,
}


def order_payment_set_in_transaction(*, order: Order, payment_status: str, method: str, actor=None, note="") -> Order:
    """Set a locked order's payment status and method with its event (no-op when unchanged)."""
    if order.payment_status == payment_status and order.payment_method == method:
        return order
    previous = f"{order.payment_status}:{order.payment_method}".rstrip(":")
    order.payment_status, order.payment_method = payment_status, method
    order.save(update_fields=["payment_status", "payment_method", "updated_at"])
    OrderEvent.objects.create(
        order=order,
        kind=OrderEventKind.PAYMENT,
        from_value=previous,
        to_value=f"{payment_status}:{method}".rstrip(":"),
        actor=actor,
        note=note[:255],
    )
    return order


class OrderPaymentListener:
    """Registered for source "order": a payment became paid or refunded (a webhook, a capture, the balance)."""

    def payment_changed(self, news: PaymentNews) -> None:
        order = Order.objects.filter(pk=news.ref).first()
        if order is None:
            return
        order = lock_one(Order.objects.all(), pk=news.ref)
        method = METHODS.get(news.method, order.payment_method)
        if news.state == "paid":
            if order.payment_status == PaymentStatus.UNPAID and news.captured >= order.total:
                order_payment_set_in_transaction(order=order, payment_status=PaymentStatus.PAID, method=method)
        elif news.state == "refunded" and news.kept <= 0:
            if order.payment_status == PaymentStatus.UNPAID:
                order_payment_set_in_transaction(order=order, payment_status=PaymentStatus.PAID, method=method)
            order_payment_set_in_transaction(order=order, payment_status=PaymentStatus.REFUNDED, method=method)

    def payment_outcome(self, ref: int) -> PaymentOutcome:
        """Weighed and ready (or further): its total is final; cancelled: release; otherwise still open."""
        order = Order.objects.filter(pk=ref).only("status", "total").first()
        if order is None or order.status == OrderStatus.CANCELLED:
            return PaymentOutcome(cancelled=True)
        if order.status in FINAL_STATUSES:
            return PaymentOutcome(final_amount=order.total)
        return PaymentOutcome()


FINAL_STATUSES = (OrderStatus.READY, OrderStatus.OUT_FOR_DELIVERY, OrderStatus.FULFILLED)


def order_card_payment_start(*, order_id: int, actor, difference_to: str = DifferenceTo.CARD) -> CardCheckout:
    """Open the online card payment of the customer's own placed order: authorised at the estimate plus the weight
    margin when it has weighed lines (captured once weighed), or saved for an off-session charge when the delivery
    is too far for an authorisation. `payment_provider_unavailable` (409) without Stripe's keys."""
    order = _payable(order_id, actor)
    variable = order.lines.filter(sold_by_weight=True).exists()
    return card_payment_start(
        customer=actor,
        source=SOURCE,
        ref=order.pk,
        amount=Decimal(order.total),
        variable_weight=variable,
        delivery_date=order.delivery_date,
        difference_to=difference_to,
    )


def _payable(order_id: int, actor) -> Order:
    order = Order.objects.filter(pk=order_id, customer=actor).first()
    if order is None or order.status == OrderStatus.CANCELLED or order.payment_status != PaymentStatus.UNPAID:
        raise NotFound()
    return order


def order_payment_methods(*, order_id: int, actor) -> list[str]:
    """How the customer may pay their own unpaid order now (`payments.selectors.payment_methods_for`)."""
    order = _payable(order_id, actor)
    return payment_methods_for(
        customer_id=actor.pk,
        amount=Decimal(order.total),
        variable_weight=order.lines.filter(sold_by_weight=True).exists(),
    )


def order_amount_paid(order: Order) -> Decimal:
    """What the order's payments keep (captured minus given back): part of an unpaid order may be paid already (a
    weighed order heavier than its card authorisation, a voucher smaller than the total)."""
    return amount_kept(source=SOURCE, ref=order.pk)


def order_payment_progress(order: Order) -> tuple[Decimal, Decimal]:
    """(paid already, left to pay) of an order: nothing is left once it is paid or cancelled."""
    paid = order_amount_paid(order)
    if order.payment_status != PaymentStatus.UNPAID or order.status == OrderStatus.CANCELLED:
        return paid, Decimal("0.00")
    return paid, max(Decimal(order.total) - paid, Decimal("0.00"))


def order_voucher_pay(*, order_id: int, partner_id: int, number: str, value: Decimal, actor):
    """Staff record a food-aid voucher handed over for an order: it pays what is still due on the order (its total
    minus what was kept of its payments), the rest goes to the customer's balance (a voucher gives no change). The
    order turns paid in the same transaction once its payments cover its total (`ports`). Not for a cancelled order
    or one already paid (`payment_not_allowed`, 409)."""
    from payments.services.offline import voucher_record_in_transaction

    with transaction.atomic(durable=True):
        if not Order.objects.filter(pk=order_id).exists():
            raise NotFound()
        order = lock_one(Order.objects.all(), pk=order_id)  # two vouchers at once: the second sees the first
        if order.status == OrderStatus.CANCELLED or order.payment_status != PaymentStatus.UNPAID:
            raise PaymentNotAllowed(current=order.payment_status, target=PaymentStatus.PAID)
        due = Decimal(order.total) - amount_kept(source=SOURCE, ref=order.pk)
        return voucher_record_in_transaction(
            partner_id=partner_id,
            number=number,
            value=value,
            customer_id=order.customer_id,
            source=SOURCE,
            ref=order.pk,
            due=due,
            actor=actor,
        )


def order_balance_pay(*, order_id: int, actor):
    """Pay the customer's own unpaid order with their balance: only a final amount (no weighed line), all of it
    (`insufficient_balance`, 409, otherwise). The order turns paid in the same transaction (`ports`)."""
    order = _payable(order_id, actor)
    if order.lines.filter(sold_by_weight=True).exists():
        raise ProviderUnavailable(provider=Provider.BALANCE)
    return balance_pay(customer_id=actor.pk, source=SOURCE, ref=order.pk, amount=Decimal(order.total), actor=actor)


def order_payments_follow(order: Order) -> None:
    """In the order's transaction: once weighed (ready / out for delivery) settle its payments at its total, once
    cancelled release them (after commit, through payments' tasks)."""
    from payments.services.card import payments_follow_on_commit

    if order.status in {OrderStatus.READY, OrderStatus.OUT_FOR_DELIVERY}:
        payments_follow_on_commit(source=SOURCE, ref=order.pk, final_amount=order.total)
    elif order.status == OrderStatus.CANCELLED:
        payments_follow_on_commit(source=SOURCE, ref=order.pk)


__all__ = [
    "OrderPaymentListener",
    "order_balance_pay",
    "order_card_payment_start",
    "order_payment_methods",
    "order_payment_set_in_transaction",
    "order_voucher_pay",
]
