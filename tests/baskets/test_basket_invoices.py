"""The cabas and invoicing: each subscriber's monthly invoice (one per month, idempotent), and a returned SEPA
debit puts the subscription on hold from its next distribution (through `invoicing.ports`), once."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from baskets.models import BasketDelivery, BasketPause
from baskets.services.generation import basket_run_generate
from baskets.services.invoices import basket_invoices_issue_monthly, subscriptions_hold_for_returned_debit
from invoicing.models import Invoice
from invoicing.services.invoices import LineData
from invoicing.services.sepa import direct_debit_return, direct_debits_prepare, mandate_sign
from tests.baskets.constants import FRIDAY
from tests.factories.invoicing import issue_invoice


def test_a_returned_debit_pauses_the_cabas_from_its_next_distribution_once(
    customer, small, make_subscription, settings, django_capture_on_commit_callbacks, mailoutbox
):
    subscription = make_subscription(small, customer=customer)
    mandate_sign(customer=customer, account_holder="Camille", iban="FR1420041010050500013M02606")
    line = LineData(description="Cabas", quantity=Decimal(1), unit_price=Decimal("13.00"), vat_rate=Decimal("5.5"))
    issue_invoice(customer=customer, source=f"cabas:{customer.pk}:2026-11", lines=[line])
    debit = direct_debits_prepare(month=date(2026, 11, 1))[0]

    with django_capture_on_commit_callbacks(execute=True):
        direct_debit_return(debit_id=debit.pk, reason="AM04")

    pause = BasketPause.objects.get(subscription=subscription)
    assert pause.start_date == date(2026, 12, 11)  # the next Friday, its cutoff still open
    assert pause.end_date == pause.start_date + timedelta(weeks=settings.SEPA_RETURN_HOLD_WEEKS) - timedelta(days=1)
    assert any("prélèvement" in m.subject.lower() for m in mailoutbox)
    # the hook again (the outbox may run it twice) changes nothing
    assert subscriptions_hold_for_returned_debit(customer_id=customer.pk, invoice_source=debit.invoice.source) == 1
    assert BasketPause.objects.count() == 1


def test_the_monthly_cabas_invoice_is_issued_once_per_subscriber(customer, composed, make_subscription, basket_now):
    make_subscription(composed, customer=customer)
    basket_run_generate(offer_id=composed.pk, on=FRIDAY, force=True)
    delivery = BasketDelivery.objects.get(customer=customer)

    issued = basket_invoices_issue_monthly(month=date(2026, 12, 1))
    again = basket_invoices_issue_monthly(month=date(2026, 12, 1))

    invoice = Invoice.objects.get(customer=customer)
    assert (issued, again) == (1, 0)
    assert invoice.source == f"cabas:{customer.pk}:2026-12"
    assert invoice.total_incl_vat == delivery.total
    assert [row["rate"] for row in invoice.vat_breakdown] == ["5.50"]
    assert invoice.lines.first().description.startswith("Cabas")
