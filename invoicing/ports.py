"""The treasurer's port: the apps where money moves register a source of movements (orders registers the payments
ledger of its orders and the customers' balance credits: payments and invoicing are siblings that import neither
the other); invoicing's exports read them all, journal them against the invoices they settle and reconcile the two.
Invoicing imports none of its sources.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal


class MovementKind:
    PAYMENT = "payment"  # money received (cash, card, cheque, a captured online payment)
    REFUND = "refund"  # money given back
    VOUCHER = "voucher"  # a food-aid voucher accepted as payment (the partner pays later)
    # Between two of the association's own accounts, no money received or given back (jars returned: the deposit
    # owed becomes the customer's balance). Journaled; not in the reconciliation.
    TRANSFER = "transfer"


@dataclass(frozen=True)
class Movement:
    """One movement of money on a day; `amount` is positive, its direction is its kind.

    `invoice_source` names the invoice it settles by that invoice's `source` ("order:12", "cabas:7:2026-10"): the
    reconciliation checks each captured euro lands on exactly one invoice or credit note. `account` (optional)
    overrides the treasury account the method gives (a partner's account for vouchers, say); `counter_account`
    (optional) the customers' account (411) on the other side (the customers' balances, 4191, for a credit to a
    balance)."""

    kind: str
    on: date
    reference: str
    label: str
    amount: Decimal
    method: str
    invoice_source: str = ""
    party: str = ""
    account: str = ""
    counter_account: str = ""


MovementSource = Callable[[date, date], Iterable[Movement]]

_SOURCES: dict[str, MovementSource] = {}


def movement_source_register(name: str, source: MovementSource) -> None:
    """Register `source(start, end)` (both days included, Europe/Paris) under `name`, from an AppConfig.ready().
    The same function again is a no-op; another function under a taken name is refused."""
    if name in _SOURCES and _SOURCES[name] is not source:
        raise ValueError(f"movement source {name!r} is already registered")
    _SOURCES[name] = source


def movements(start: date, end: date) -> list[Movement]:
    """Every registered source's movements of the period, by day then reference."""
    found = [movement for source in _SOURCES.values() for movement in source(start, end)]
    return sorted(found, key=lambda m: (m.on, m.reference))


@dataclass(frozen=True)
class CashSale:
    """Sales paid on the spot without an invoice (the counter's till), one per day and method, journaled as the
    day's takings ("Z de caisse"): `vat_breakdown` as `[{"rate": "5.50", "amount": "12.40", "vat": "0.65"}]`
    (amounts VAT included), `deposit_total` the jars' deposits (outside the VAT base), `total` what was taken."""

    on: date
    reference: str
    method: str
    total: Decimal
    vat_breakdown: list
    deposit_total: Decimal = Decimal("0.00")
    count: int = 1


CashSaleSource = Callable[[date, date], Iterable[CashSale]]

_CASH_SALE_SOURCES: dict[str, CashSaleSource] = {}


def cash_sale_source_register(name: str, source: CashSaleSource) -> None:
    """Register `source(start, end)` of the period's cash sales under `name`. Same rules as movement sources."""
    if name in _CASH_SALE_SOURCES and _CASH_SALE_SOURCES[name] is not source:
        raise ValueError(f"cash sale source {name!r} is already registered")
    _CASH_SALE_SOURCES[name] = source


def cash_sales(start: date, end: date) -> list[CashSale]:
    found = [sale for source in _CASH_SALE_SOURCES.values() for sale in source(start, end)]
    return sorted(found, key=lambda s: (s.on, s.reference))


# A direct debit the bank returned (rejet de prélèvement): the apps that sell on subscription register what to do
# (baskets puts the subscriber's cabas on hold). Called after the return is committed, outside any transaction,
# once per return; a hook must be idempotent (the outbox may run it twice).
DebitReturnedHook = Callable[..., object]

_DEBIT_RETURNED_HOOKS: dict[str, DebitReturnedHook] = {}


def debit_returned_hook_register(name: str, hook: DebitReturnedHook) -> None:
    """`hook(customer_id=…, invoice_source=…)` after a returned debit. Same rules as movement sources."""
    if name in _DEBIT_RETURNED_HOOKS and _DEBIT_RETURNED_HOOKS[name] is not hook:
        raise ValueError(f"debit-returned hook {name!r} is already registered")
    _DEBIT_RETURNED_HOOKS[name] = hook


def debit_returned_hooks() -> list[DebitReturnedHook]:
    return list(_DEBIT_RETURNED_HOOKS.values())
