"""SEPA direct debit of the cabas: a subscriber's mandate (IBAN checked with schwifty, a unique reference, the date
and the exact text signed), each month's pain.008 file (sepaxml, validated against its schema) with that month's
cabas invoices, and returned debits, which put the subscription on hold (through `invoicing.ports`) with an email.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from ecopole.core.emails import email_send
from ecopole.core.locking import lock_one, lock_rows
from ecopole.core.outbox import outbox_enqueue

from ..errors import DebitAlreadyReturned, InvalidIban, InvoiceNotFound, NoActiveMandate, NoDirectDebits
from ..models import DirectDebit, DirectDebitStatus, Invoice, InvoiceKind, SepaMandate
from ..ports import debit_returned_hooks

CABAS_SOURCE_PREFIX = "cabas:"
RETURN_HANDLER = "invoicing.services.sepa.debit_returned_dispatch"


def mandate_text(*, reference: str, account_holder: str, iban: str) -> str:
    """The mandate's wording (the SEPA CORE rulebook's mandatory text), filled in; kept as signed."""
    with translation.override(settings.LANGUAGE_CODE):
        return _(
            "SEPA direct debit mandate %(reference)s. By signing this mandate form, you authorise %(creditor)s "
            "(creditor identifier %(creditor_id)s) to send instructions to your bank to debit your account, and your "
            "bank to debit your account in accordance with the instructions from %(creditor)s. You are entitled to a "
            "refund from your bank under the terms and conditions of your agreement with your bank; a refund must be "
            "claimed within 8 weeks starting from the date on which your account was debited. Debtor: %(holder)s, "
            "IBAN %(iban)s. Type of payment: recurrent."
        ) % {
            "reference": reference,
            "creditor": settings.SEPA_CREDITOR_NAME,
            "creditor_id": settings.SEPA_CREDITOR_ID,
            "holder": account_holder,
            "iban": iban,
        }


# What schwifty found wrong, said so that a person can correct it (schwifty's own messages are English).
IBAN_PROBLEMS = {
    "InvalidChecksumDigits": _lazy("its check digits do not match: a character was probably mistyped"),
    "InvalidBBANChecksum": _lazy("its account key does not match: a character was probably mistyped"),
    "InvalidLength": _lazy("it has too many or too few characters for its country"),
    "InvalidCountryCode": _lazy("it must begin with a country code, such as FR"),
    "InvalidStructure": _lazy("its characters do not follow this country's format"),
}


def iban_check(value: str) -> IBAN:
    try:
        return IBAN(value)
    except SchwiftyException as error:
        reason = IBAN_PROBLEMS.get(type(error).__name__, _lazy("it is not an IBAN"))
        raise InvalidIban(reason=str(reason)) from None


def mandate_sign(*, customer, account_holder: str, iban: str, now: datetime | None = None) -> SepaMandate:
    """The customer signs a new mandate: the IBAN is checked (country, length, check digits) and its BIC derived;
    a previous active mandate is revoked in the same transaction (one active mandate per customer, a partial unique
    constraint backs it). Durable."""
    checked = iban_check(iban)
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        lock_rows(get_user_model().objects.filter(pk=customer.pk), no_key=True)
        SepaMandate.objects.filter(customer=customer, revoked_at__isnull=True).update(revoked_at=now)
        # Unique (the column is; the customer's row is locked, so the count is stable), at most 35 characters, only
        # the characters the SEPA rulebook allows.
        signed_before = SepaMandate.objects.filter(customer=customer).count()
        reference = f"ECO{customer.pk:06d}{now:%Y%m%d}{signed_before + 1:03d}"
        return SepaMandate.objects.create(
            customer=customer,
            reference=reference,
            account_holder=account_holder.strip()[:70],
            iban=checked.compact,
            bic=str(checked.bic or "")[:11],
            signed_at=now,
            text=mandate_text(reference=reference, account_holder=account_holder, iban=checked.formatted),
        )


def mandate_revoke(*, customer, now: datetime | None = None) -> SepaMandate | None:
    """The customer withdraws their mandate: no debit is sent under it any more (the debits not yet in a bank file
    wait for a new mandate, `direct_debits_prepare`). Returns the revoked mandate; None when none was active
    (revoking twice changes nothing). Durable."""
    with transaction.atomic(durable=True):
        mandate = SepaMandate.objects.select_for_update().filter(customer=customer, revoked_at__isnull=True).first()
        if mandate is None:
            return None
        mandate.revoked_at = now or timezone.now()
        mandate.save(update_fields=["revoked_at"])
        return mandate


def direct_debits_of(customer) -> list[DirectDebit]:
    """A subscriber's direct debits, newest first, with their invoices (the shop's page)."""
    return list(
        DirectDebit.objects.filter(mandate__customer=customer)
        .select_related("invoice")
        .order_by("-collection_date", "-pk")
    )


def mandate_of(customer) -> SepaMandate:
    mandate = SepaMandate.objects.filter(customer=customer, revoked_at__isnull=True).first()
    if mandate is None:
        raise NoActiveMandate()
    return mandate


def collection_date_of(month: date) -> date:
    """Debits are collected on the 10th of the month after the invoices' month."""
    return (month.replace(day=1) + timedelta(days=32)).replace(day=10)


def direct_debits_prepare(*, month: date) -> list[DirectDebit]:
    """One direct debit per cabas invoice of `month` whose customer has an active mandate (idempotent: the
    invoice's debit is unique). Returns the month's debits still to collect."""
    start = month.replace(day=1)
    source_suffix = f":{start:%Y-%m}"
    invoices = (
        Invoice.objects.filter(kind=InvoiceKind.INVOICE, source__startswith=CABAS_SOURCE_PREFIX, direct_debit=None)
        .filter(source__endswith=source_suffix)
        .order_by("id")
    )
    with transaction.atomic(durable=True):
        for invoice in invoices:
            mandate = SepaMandate.objects.filter(customer_id=invoice.customer_id, revoked_at__isnull=True).first()
            if mandate is None or invoice.total_incl_vat <= 0:
                continue
            DirectDebit.objects.get_or_create(
                invoice=invoice,
                defaults={
                    "mandate": mandate,
                    "amount": invoice.total_incl_vat,
                    "collection_date": collection_date_of(start),
                },
            )
        # A debit prepared under a mandate revoked since (the subscriber signed a new one, or withdrew it) goes out
        # under the active one, or waits while there is none: never under a withdrawn mandate.
        for debit in DirectDebit.objects.filter(
            status=DirectDebitStatus.PENDING, mandate__revoked_at__isnull=False, invoice__source__endswith=source_suffix
        ).select_related("mandate"):
            active = SepaMandate.objects.filter(customer_id=debit.mandate.customer_id, revoked_at__isnull=True).first()
            if active is not None:
                debit.mandate = active
                debit.save(update_fields=["mandate"])
    return list(
        DirectDebit.objects.filter(
            invoice__source__startswith=CABAS_SOURCE_PREFIX,
            invoice__source__endswith=source_suffix,
            status=DirectDebitStatus.PENDING,
            mandate__revoked_at__isnull=True,
        )
        .select_related("invoice", "mandate")
        .order_by("id")
    )


def pain008_build(*, month: date) -> bytes:
    """The month's pain.008.001.02 file for the bank: every pending debit of the month's cabas invoices, FRST for a
    mandate's first debit and RCUR after it; sepaxml validates it against the schema before returning it."""
    from sepaxml import SepaDD

    debits = direct_debits_prepare(month=month)
    if not debits:
        raise NoDirectDebits(month=f"{month:%m/%Y}")
    sepa = SepaDD(
        {
            "name": settings.SEPA_CREDITOR_NAME,
            "IBAN": settings.SEPA_CREDITOR_IBAN,
            "BIC": settings.SEPA_CREDITOR_BIC,
            "batch": True,
            "creditor_id": settings.SEPA_CREDITOR_ID,
            "currency": "EUR",
        },
        schema="pain.008.001.02",
        clean=True,
    )
    for debit in debits:
        mandate = debit.mandate
        first = not mandate.debits.filter(id__lt=debit.pk).exists()
        payment = {
            "name": mandate.account_holder,
            "IBAN": mandate.iban,
            "amount": int(debit.amount * 100),  # cents
            "type": "FRST" if first else "RCUR",
            "collection_date": debit.collection_date,
            "mandate_id": mandate.reference,
            "mandate_date": timezone.localdate(mandate.signed_at),
            "description": f"Cabas {debit.invoice.reference}",
            "endtoend_id": debit.invoice.reference.replace("-", ""),
        }
        if mandate.bic:
            payment["BIC"] = mandate.bic
        sepa.add_payment(payment)
    return sepa.export(validate=True)


def direct_debit_return(*, debit_id: int, reason: str, now: datetime | None = None) -> DirectDebit:
    """Record a returned debit (rejet): locked, once (`debit_already_returned` 409 after that). After commit the
    outbox runs the registered hooks (baskets puts the cabas on hold) and emails the customer. Durable."""
    with transaction.atomic(durable=True):
        try:
            debit = lock_one(DirectDebit.objects.select_related("invoice"), pk=debit_id)
        except DirectDebit.DoesNotExist:
            raise InvoiceNotFound() from None
        if debit.status == DirectDebitStatus.RETURNED:
            raise DebitAlreadyReturned()
        debit.status = DirectDebitStatus.RETURNED
        debit.returned_at = now or timezone.now()
        debit.return_reason = reason[:120]
        debit.save(update_fields=["status", "returned_at", "return_reason"])
        outbox_enqueue(
            key=f"invoicing.debit-returned:{debit.pk}", handler=RETURN_HANDLER, payload={"debit_id": debit.pk}
        )
    return debit


def debit_returned_dispatch(*, debit_id: int) -> bool:
    """Outbox handler: run the hooks (idempotent: a cabas already on hold stays so), then email the customer."""
    debit = DirectDebit.objects.select_related("invoice", "mandate__customer").get(pk=debit_id)
    customer = debit.mandate.customer
    for hook in debit_returned_hooks():
        hook(customer_id=customer.pk, invoice_source=debit.invoice.source)
    with translation.override(settings.LANGUAGE_CODE):
        message = EmailMessage(
            subject=_("Your direct debit was returned"),
            body=_(
                "Hello,\n\nYour bank returned the direct debit of %(amount)s € for invoice %(reference)s "
                "(%(reason)s). Your cabas subscription is on hold until it is settled: please contact us.\n\n"
                "The Ecopôle alimentaire team"
            )
            % {
                "amount": f"{debit.amount:.2f}".replace(".", ","),
                "reference": debit.invoice.reference,
                "reason": debit.return_reason,
            },
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[customer.email],
        )
    email_send(message)
    return True


def iban_masked(iban: str) -> str:
    """The IBAN with all but its last 4 characters hidden: enough for the person to recognise their account."""
    return "*" * max(len(iban) - 4, 0) + iban[-4:]


def _grouped(iban: str) -> str:
    """The IBAN as printed in the mandate's text (groups of 4, as `IBAN.formatted`)."""
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


def mandate_text_shown(mandate: SepaMandate) -> str:
    """The signed text with its IBAN masked, for the subscriber's page (the text kept is unchanged)."""
    return mandate.text.replace(_grouped(mandate.iban), iban_masked(mandate.iban))


def sepa_bank_details_expire(*, now: datetime, batch_size: int) -> int:
    """Retention rule: a revoked mandate's IBAN is kept while its debits may be disputed (an unauthorised debit: 13
    months after it, SEPA rulebook; `PERSONAL_DATA_RETENTION["sepa_bank_details_months"]`) counted from its last
    debit's collection date, or from the revocation when it had none; then the IBAN is masked (last 4 characters
    kept), in the text signed too, and the BIC emptied. Active mandates are never touched. Bounded batch, one
    transaction; a mandate masked once is not selected again (`bank_details_erased_at`)."""
    from dateutil.relativedelta import relativedelta
    from django.db.models import Max, Q

    months = int(settings.PERSONAL_DATA_RETENTION["sepa_bank_details_months"])
    limit = timezone.localdate(now) - relativedelta(months=months)
    with transaction.atomic(durable=True):
        due = (
            SepaMandate.objects.filter(revoked_at__isnull=False, bank_details_erased_at__isnull=True)
            .annotate(last_debit=Max("debits__collection_date"))
            .filter(Q(last_debit__lt=limit) | Q(last_debit__isnull=True, revoked_at__date__lt=limit))
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        mandates = lock_rows(SepaMandate.objects.filter(pk__in=list(due)))
        for mandate in mandates:
            masked = iban_masked(mandate.iban)
            mandate.text = mandate.text.replace(_grouped(mandate.iban), _grouped(masked)).replace(mandate.iban, masked)
            mandate.iban, mandate.bic, mandate.bank_details_erased_at = masked, "", now
            mandate.save(update_fields=["iban", "bic", "text", "bank_details_erased_at"])
    return len(mandates)
