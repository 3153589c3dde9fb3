"""Payments' declarations in the register of personal data (`ecopole.core.personal_data`).

Payments, balance movements, vouchers and returned jars are accounting records (10 years, Code de commerce
L123-22): at erasure they are kept with their amounts and dates, pointing at the pseudonymised account; the staff's
free note on a balance movement goes. A voucher tells of a social situation: it is exported to its holder and kept
only as the accounting record of the partner's payment.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from ecopole.core.personal_data import ERASE, personal_data_register, user_rows

from .models import BalanceEntry, CustomerBalance, JarReturn, Payment, Voucher

ACCOUNTING = "accounting record, kept 10 years (Code de commerce L123-22), under the pseudonym"


def personal_data_declare() -> None:
    personal_data_register(
        Payment,
        section=_("Payments"),
        rows=user_rows(Payment, "customer"),
        export=(
            "created_at",
            "source",
            "ref",
            "provider",
            "method",
            "status",
            "amount",
            "amount_authorised",
            "amount_captured",
            "amount_refunded",
            "final_amount",
            "difference_to",
        ),
        keep={
            "customer": "points at the pseudonymised account",
            "amount_captured": ACCOUNTING,
            "amount_refunded": ACCOUNTING,
            "provider_reference": "the payment's reference at the provider (Stripe), needed to refund or reconcile",
        },
    )
    personal_data_register(
        CustomerBalance,
        section=_("Balance"),
        rows=user_rows(CustomerBalance, "customer"),
        export=("amount", "updated_at"),
        keep={"amount": ACCOUNTING},
    )
    personal_data_register(
        BalanceEntry,
        section=_("Balance movements"),
        rows=user_rows(BalanceEntry, "customer"),
        export=("created_at", "kind", "amount", "balance_after", "source", "ref", "note"),
        erase={"note": ERASE},
        keep={"amount": ACCOUNTING, "balance_after": ACCOUNTING},
    )
    personal_data_register(
        Voucher,
        section=_("Food-aid vouchers"),
        rows=user_rows(Voucher, "customer"),
        export=("partner__name", "number", "value", "received_at"),
        keep={"number": ACCOUNTING + " (the partner pays the association against it)", "value": ACCOUNTING},
    )
    personal_data_register(
        JarReturn,
        section=_("Returned jars"),
        rows=user_rows(JarReturn, "customer"),
        export=("created_at", "product__name", "quantity", "deposit", "amount", "place"),
        keep={"amount": ACCOUNTING},
    )
