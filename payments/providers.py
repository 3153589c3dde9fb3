"""Payment providers behind one interface, in a registry keyed by name.

Every provider says whether it is offered (`available`) and which methods it records. The offline ones (at the
counter, food-aid vouchers, the balance) record money already handed over; an online one (`OnlineProvider`: Stripe
today, HelloAsso tomorrow: register another class under its name) talks to its service over HTTP: authorise,
capture, charge a saved card, cancel, refund. Those calls never run inside a database transaction (services call
them between two).

Amounts cross this interface as `Decimal` euros; the Stripe class converts to cents.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol, runtime_checkable

import stripe
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .errors import PaymentDeclined
from .models import Method, Provider


@dataclass(frozen=True)
class IntentResult:
    """What an online provider answered: its reference, the status in our words, the amounts it reports."""

    reference: str
    status: str  # a `PaymentStatus`
    authorised: Decimal = Decimal("0.00")
    captured: Decimal = Decimal("0.00")
    client_secret: str = ""
    provider_customer: str = ""


@runtime_checkable
class PaymentProvider(Protocol):
    name: str
    online: bool
    methods: tuple[str, ...]

    def available(self) -> bool: ...


class OnlineProvider(PaymentProvider, Protocol):
    def authorise(self, *, payment_id: int, amount: Decimal, manual_capture: bool, email: str) -> IntentResult: ...

    def save_card(self, *, payment_id: int, email: str) -> IntentResult: ...

    def capture(self, *, payment_id: int, reference: str, amount: Decimal) -> IntentResult: ...

    def charge_saved_card(
        self, *, payment_id: int, provider_customer: str, payment_method: str, amount: Decimal
    ) -> IntentResult: ...

    def cancel(self, *, reference: str) -> None: ...

    def refund(self, *, payment_id: int, reference: str, amount: Decimal, key: str) -> str: ...


class CounterProvider:
    """Paid at pickup or at the counter (cash, card on the terminal, cheque), recorded by staff."""

    name = Provider.COUNTER
    online = False
    methods = (Method.CASH, Method.CARD, Method.CHEQUE)

    def available(self) -> bool:
        return True


class VoucherProvider:
    name = Provider.VOUCHER
    online = False
    methods = (Method.VOUCHER,)

    def available(self) -> bool:
        return True


class BalanceProvider:
    name = Provider.BALANCE
    online = False
    methods = (Method.BALANCE,)

    def available(self) -> bool:
        return True


def cents(amount: Decimal) -> int:
    return int((Decimal(amount) * 100).to_integral_value())


def euros(value) -> Decimal:
    return (Decimal(int(value or 0)) / 100).quantize(Decimal("0.01"))


def _plain(resource) -> dict:
    """A Stripe resource as a plain dict (stripe-python's objects are not dicts)."""
    return resource.to_dict() if hasattr(resource, "to_dict") else dict(resource)


INTENT_STATUS = {
    "requires_payment_method": "pending",
    "requires_confirmation": "pending",
    "requires_action": "pending",
    "processing": "pending",
    "requires_capture": "authorised",
    "succeeded": "captured",
    "canceled": "cancelled",
}


class StripeProvider:
    """Stripe's card payments (stripe-python over HTTP; `stripe.api_base` is where tests put their fake)."""

    name = Provider.STRIPE
    online = True
    methods = (Method.ONLINE_CARD,)

    def available(self) -> bool:
        return bool(settings.STRIPE_SECRET_KEY and settings.STRIPE_PUBLISHABLE_KEY and settings.STRIPE_WEBHOOK_SECRET)

    def _options(self, key: str | None = None) -> dict:
        options = {"api_key": settings.STRIPE_SECRET_KEY}
        if key:
            options["idempotency_key"] = key
        return options

    def _intent(self, intent) -> IntentResult:
        intent = _plain(intent)
        return IntentResult(
            reference=intent["id"],
            status=INTENT_STATUS.get(intent["status"], "pending"),
            authorised=euros(intent.get("amount_capturable")),
            captured=euros(intent.get("amount_received")),
            client_secret=intent.get("client_secret") or "",
            provider_customer=intent.get("customer") or "",
        )

    def authorise(self, *, payment_id: int, amount: Decimal, manual_capture: bool, email: str) -> IntentResult:
        intent = stripe.PaymentIntent.create(
            amount=cents(amount),
            currency="eur",
            capture_method="manual" if manual_capture else "automatic",
            payment_method_types=["card"],
            receipt_email=email or None,
            metadata={"payment": str(payment_id)},
            **self._options(f"payment-{payment_id}-intent"),
        )
        return self._intent(intent)

    def save_card(self, *, payment_id: int, email: str) -> IntentResult:
        customer = stripe.Customer.create(
            email=email or None,
            metadata={"payment": str(payment_id)},
            **self._options(f"payment-{payment_id}-customer"),
        )
        setup = _plain(
            stripe.SetupIntent.create(
                customer=customer["id"],
                usage="off_session",
                payment_method_types=["card"],
                metadata={"payment": str(payment_id)},
                **self._options(f"payment-{payment_id}-setup"),
            )
        )
        return IntentResult(
            reference=setup["id"],
            status="pending",
            client_secret=setup.get("client_secret") or "",
            provider_customer=customer["id"],
        )

    def capture(self, *, payment_id: int, reference: str, amount: Decimal) -> IntentResult:
        intent = stripe.PaymentIntent.capture(
            reference, amount_to_capture=cents(amount), **self._options(f"payment-{payment_id}-capture")
        )
        return self._intent(intent)

    def charge_saved_card(
        self, *, payment_id: int, provider_customer: str, payment_method: str, amount: Decimal
    ) -> IntentResult:
        try:
            intent = stripe.PaymentIntent.create(
                amount=cents(amount),
                currency="eur",
                customer=provider_customer,
                payment_method=payment_method,
                off_session=True,
                confirm=True,
                metadata={"payment": str(payment_id)},
                **self._options(f"payment-{payment_id}-off-session-{cents(amount)}"),
            )
        except stripe.CardError as error:
            raise PaymentDeclined(reason=error.user_message or error.code or "") from error
        return self._intent(intent)

    def cancel(self, *, reference: str) -> None:
        stripe.PaymentIntent.cancel(reference, **self._options())

    def refund(self, *, payment_id: int, reference: str, amount: Decimal, key: str) -> str:
        refund = stripe.Refund.create(
            payment_intent=reference, amount=cents(amount), metadata={"payment": str(payment_id)}, **self._options(key)
        )
        return refund["id"]


PROVIDERS: dict[str, PaymentProvider] = {}


def provider_register(provider: PaymentProvider) -> PaymentProvider:
    """Register a provider under its name; another class under a taken name is refused."""
    if not isinstance(provider, PaymentProvider) or not provider.name:
        raise ImproperlyConfigured(f"{provider!r} is not a PaymentProvider")
    current = PROVIDERS.get(provider.name)
    if current is not None and type(current) is not type(provider):
        raise ImproperlyConfigured(f"payment provider {provider.name!r} is already registered to {current!r}")
    PROVIDERS[provider.name] = provider
    return provider


def provider_get(name: str) -> PaymentProvider | None:
    return PROVIDERS.get(name)


def providers_available(*, online: bool | None = None) -> list[PaymentProvider]:
    """The providers offered now, by name (an online one only with its keys set)."""
    return [
        PROVIDERS[name]
        for name in sorted(PROVIDERS)
        if PROVIDERS[name].available() and (online is None or PROVIDERS[name].online == online)
    ]


for _provider in (CounterProvider(), VoucherProvider(), BalanceProvider(), StripeProvider()):
    provider_register(_provider)
