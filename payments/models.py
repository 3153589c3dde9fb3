"""Payments: what a customer paid for what, through which provider, and the customer's balance.

A `Payment` pays one thing of a client app, named by `source` and `ref` ("order", 12): payments sits below orders,
baskets and processing and imports none of them (a plain reference, as `deliveries.Stop.handover` does). Its amounts
only grow (`amount_authorised`, `amount_captured`, `amount_refunded`): the Stripe webhooks merge what they say with
`max`, so events arriving out of order or twice never move a payment backwards. Every change of money is a
`PaymentMovement` (captured, refunded to the card, credited to the balance, released), the rows the treasurer and
the invoices read (`selectors.payment_movements`).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Provider(models.TextChoices):
    COUNTER = "counter", _("At pickup / at the counter")
    VOUCHER = "voucher", _("Food-aid voucher")
    BALANCE = "balance", _("Customer balance")
    STRIPE = "stripe", _("Online card payment (Stripe)")


class Method(models.TextChoices):
    CASH = "cash", _("Cash")
    CARD = "card", _("Card at the counter")
    CHEQUE = "cheque", _("Cheque")
    VOUCHER = "voucher", _("Food-aid voucher")
    BALANCE = "balance", _("Balance")
    ONLINE_CARD = "online_card", _("Online card")


class PaymentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    FAILED = "failed", _("Failed")
    CARD_SAVED = "card_saved", _("Card saved for a later charge")
    AUTHORISED = "authorised", _("Authorised")
    CAPTURED = "captured", _("Captured")
    CANCELLED = "cancelled", _("Cancelled")


# A payment's status only moves up this ranking (a late or replayed event never moves it back). `captured` and
# `cancelled` share the top: neither replaces the other.
STATUS_RANK: dict[str, int] = {
    PaymentStatus.PENDING: 0,
    PaymentStatus.FAILED: 1,
    PaymentStatus.CARD_SAVED: 2,
    PaymentStatus.AUTHORISED: 2,
    PaymentStatus.CAPTURED: 3,
    PaymentStatus.CANCELLED: 3,
}


class DifferenceTo(models.TextChoices):
    """Where money owed back to the customer goes (weighed lighter, cancelled, a delivery fee refunded)."""

    CARD = "card", _("Refunded to the card")
    BALANCE = "balance", _("Credited to my balance")


class Payment(models.Model):
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="payments"
    )
    source = models.CharField(_("source"), max_length=20)
    ref = models.PositiveIntegerField(_("reference in the source"))
    provider = models.CharField(_("provider"), max_length=20, choices=Provider.choices)
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    status = models.CharField(_("status"), max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.PENDING)
    amount = models.DecimalField(_("amount asked"), max_digits=10, decimal_places=2)
    variable_weight = models.BooleanField(_("variable weight"), default=False)
    amount_authorised = models.DecimalField(_("authorised"), max_digits=10, decimal_places=2, default=Decimal(0))
    amount_captured = models.DecimalField(_("captured"), max_digits=10, decimal_places=2, default=Decimal(0))
    amount_refunded = models.DecimalField(_("refunded"), max_digits=10, decimal_places=2, default=Decimal(0))
    final_amount = models.DecimalField(_("final amount"), max_digits=10, decimal_places=2, null=True, blank=True)
    difference_to = models.CharField(
        _("difference goes to"), max_length=10, choices=DifferenceTo.choices, default=DifferenceTo.CARD
    )
    provider_reference = models.CharField(_("provider reference"), max_length=255, blank=True)
    provider_customer = models.CharField(_("customer at the provider"), max_length=255, blank=True)
    saved_payment_method = models.CharField(_("saved card"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["source", "ref"])]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_reference"],
                condition=~Q(provider_reference=""),
                name="payment_provider_reference_unique",
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0)
                & Q(amount_authorised__gte=0)
                & Q(amount_captured__gte=0)
                & Q(amount_refunded__gte=0),
                name="payment_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(amount_refunded__lte=F("amount_captured")), name="payment_refunds_within_capture"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.source}:{self.ref} {self.status}"

    @property
    def kept(self) -> Decimal:
        """What the association keeps of this payment: captured minus refunded."""
        return self.amount_captured - self.amount_refunded


class MovementKind(models.TextChoices):
    CAPTURE = "capture", _("Captured")
    REFUND = "refund", _("Refunded to the card")
    BALANCE_CREDIT = "balance_credit", _("Credited to the balance")
    CORRECTION = "correction", _("Recorded by mistake")


class PaymentMovement(models.Model):
    """One change of money on a payment. `reference` makes each one unique (a Stripe refund id, `capture`…): the
    same refund seen twice (its API answer, then its webhook) is one row."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField(_("kind"), max_length=20, choices=MovementKind.choices)
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    reference = models.CharField(_("reference"), max_length=255)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("payment movement")
        verbose_name_plural = _("payment movements")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["payment", "kind", "reference"], name="payment_movement_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_movement_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.payment_id} {self.kind} {self.amount}"


class StripeEvent(models.Model):
    """A Stripe webhook event, recorded once: the unique `event_id` makes a replay change nothing."""

    event_id = models.CharField(_("event id"), max_length=255, unique=True)
    type = models.CharField(_("type"), max_length=100)
    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.SET_NULL, related_name="events")
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("Stripe event")
        verbose_name_plural = _("Stripe events")
        ordering = ["received_at", "id"]

    def __str__(self) -> str:
        return f"{self.event_id} {self.type}"


# --- The customer's balance ---------------------------------------------------------------------------------------


class CustomerBalance(models.Model):
    """What the association owes a customer, payable at checkout. Never negative (a constraint backs the rule)."""

    customer = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="balance"
    )
    amount = models.DecimalField(_("balance"), max_digits=10, decimal_places=2, default=Decimal(0))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("customer balance")
        verbose_name_plural = _("customer balances")
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="customer_balance_not_negative")]

    def __str__(self) -> str:
        return f"{self.customer_id}: {self.amount}"


class BalanceEntryKind(models.TextChoices):
    REFUND = "refund", _("Refund")
    VOUCHER = "voucher", _("Food-aid voucher")
    DEPOSIT = "deposit", _("Jars returned")
    PAYMENT = "payment", _("Paid with the balance")


class BalanceEntry(models.Model):
    """One credit (positive) or debit (negative) of a customer's balance; the balance is their sum."""

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="balance_entries"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=BalanceEntryKind.choices)
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    balance_after = models.DecimalField(_("balance after"), max_digits=10, decimal_places=2)
    source = models.CharField(_("source"), max_length=20, blank=True)
    ref = models.PositiveIntegerField(_("reference in the source"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("balance entry")
        verbose_name_plural = _("balance entries")
        ordering = ["customer_id", "created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="balance_entry_not_zero"),
            models.CheckConstraint(condition=Q(balance_after__gte=0), name="balance_entry_after_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.kind} {self.amount}"


# --- Food-aid vouchers --------------------------------------------------------------------------------------------


class VoucherPartner(models.Model):
    """A partner that hands out food-aid vouchers (chèques alimentaires): a CCAS, an association."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("voucher partner")
        verbose_name_plural = _("voucher partners")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Voucher(models.Model):
    """A voucher received: its number is unique per partner (the same paper cannot be cashed twice)."""

    partner = models.ForeignKey(VoucherPartner, on_delete=models.PROTECT, related_name="vouchers")
    number = models.CharField(_("number"), max_length=50)
    value = models.DecimalField(_("value"), max_digits=8, decimal_places=2)
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="vouchers"
    )
    payment = models.OneToOneField(Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="voucher")
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("voucher")
        verbose_name_plural = _("vouchers")
        ordering = ["received_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "number"], name="voucher_number_unique_per_partner"),
            models.CheckConstraint(condition=Q(value__gt=0), name="voucher_value_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.partner_id} {self.number}"


# --- Returnable jars ----------------------------------------------------------------------------------------------


class ReturnPlace(models.TextChoices):
    COUNTER = "counter", _("At the counter")
    PICKUP_POINT = "pickup_point", _("At a pickup point")
    DRIVER = "driver", _("To the driver")


class JarReturn(models.Model):
    """Jars brought back by a customer; their deposit (consigne) is credited to the customer's balance."""

    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="jar_returns"
    )
    product = models.ForeignKey("catalogue.Product", on_delete=models.PROTECT, related_name="jar_returns")
    quantity = models.PositiveIntegerField(_("jars"))
    deposit = models.DecimalField(_("deposit per jar"), max_digits=6, decimal_places=2)
    amount = models.DecimalField(_("credited"), max_digits=8, decimal_places=2)
    place = models.CharField(_("where"), max_length=20, choices=ReturnPlace.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("jar return")
        verbose_name_plural = _("jar returns")
        ordering = ["created_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="jar_return_quantity_positive")]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.product_id} × {self.quantity}"
